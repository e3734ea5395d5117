"""One rule for observation locations: every route whose answer can carry an observation's place
(or its texts, or anything computed from its place) is declared in ``api/access.py``
(``locations=True``), and answers each role with exact points and texts only where
``surveys.policy`` grants them.

Observations are written by another walker at known exact coordinates, placed 15 m from the
corner of their 100 m cell (so the cell centre never matches them), then every declared route is
called by the nine identities. An exact point is searched for in the body as two neighbouring
numbers of 5 decimals or more — GeoJSON ``[lon, lat]``, Folium ``[lat, lon]``, CSV columns, WKT.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyproj import Transformer

from accounts import service as accounts
from accounts.models import Principal
from api import access
from geo.errors import DomainError
from planning import policy as planning_policy
from surveys import policy
from surveys.repo import observations as obs_repo
from surveys.repo import walks as walks_repo
from tests.security.conftest import IDENTITIES, MALAKOFF, World, point
from tests.security.test_matrix import CASES, PLACEHOLDER, app_routes
from tests.surveys.conftest import walk_obs

TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)
TO_WGS = Transformer.from_crs(2154, 4326, always_xy=True)
NUMBER = re.compile(r"-?\d{1,3}\.\d{5,}")
TOLERANCE = 6e-6
"""Degrees: a number rounded to 5 decimals is within 5e-6 of the exact value; a 100 m cell
centre is at least 35 m (about 3e-4 degrees) away from the points placed here."""
K = 5
"""The suppression threshold of the test settings (``public_min_count``)."""


def shows(body: str, lon: float, lat: float) -> bool:
    """True when ``body`` holds the point as two neighbouring numbers, in either order."""
    values = [float(m.group()) for m in NUMBER.finditer(body)]
    for a, b in itertools.pairwise(values):
        if abs(a - lon) < TOLERANCE and abs(b - lat) < TOLERANCE:
            return True
        if abs(a - lat) < TOLERANCE and abs(b - lon) < TOLERANCE:
            return True
    return False


Grant = Callable[[Principal | None], bool]


@dataclass(frozen=True)
class Secret:
    """A place (and a text) that only some principals may read."""

    name: str
    lon: float
    lat: float
    exact: Grant
    text: Grant
    comment: str | None = None
    obs_id: str | None = None

    def point_in(self, body: str) -> bool:
        return shows(body, self.lon, self.lat)

    def comment_in(self, body: str) -> bool:
        return self.comment is not None and self.comment in body


@dataclass
class Place:
    """Positions in EPSG:2154 metres from the south-west corner of a 100 m cell near walk A."""

    x0: float
    y0: float

    def wgs(self, dx: float, dy: float) -> tuple[float, float]:
        lon, lat = TO_WGS.transform(self.x0 + dx, self.y0 + dy)
        return round(lon, 7), round(lat, 7)

    def cell_centre(self, dx: float, dy: float) -> tuple[float, float]:
        return self.wgs((dx // 100) * 100 + 50, (dy // 100) * 100 + 50)


@dataclass
class Seeds:
    world: World
    place: Place
    walker: dict[str, str]
    principals: dict[str, Principal | None]
    counter: Any = field(default_factory=lambda: itertools.count(4))
    s: Secret = field(init=False)
    s_payload: dict[str, Any] = field(init=False)
    h1: Secret = field(init=False)
    h2: Secret = field(init=False)
    middle: Secret = field(init=False)

    @property
    def secrets(self) -> list[Secret]:
        return [self.s, self.h1, self.h2, self.middle]

    def observation(self, dx: float, dy: float, **fields: Any) -> tuple[Secret, dict[str, Any]]:
        """An observation of walk A by the other walker, at ``(dx, dy)`` from the corner."""
        lon, lat = self.place.wgs(dx, dy)
        comment = f"Secret-{uuid.uuid4().hex[:10]}"
        body = walk_obs(self.world.walk_a["id"], lon, lat, comment=comment, **fields)
        resp = self.world.client.post("/api/observations", json=body, headers=self.walker)
        assert resp.status_code == 201, resp.text
        exact, text = observation_grants(self.world, body["id"])
        return Secret(comment, lon, lat, exact, text, comment, body["id"]), body

    def fresh(self) -> Secret:
        """A new observation in a cell of its own (feeling 2: in no hotspot)."""
        return self.observation(15 + 100 * next(self.counter), 15, feeling=2)[0]


def observation_grants(world: World, obs_id: str) -> tuple[Grant, Grant]:
    """What the policy grants on one observation, read when asked (its states may change)."""

    def granted(principal: Principal | None, field_: str) -> bool:
        ref = obs_repo.get_ref(world.conn, uuid.UUID(obs_id))
        assert ref is not None
        walk = walks_repo.get_ref(world.conn, ref.walk_id) if ref.walk_id else None
        if principal is None or not policy.can_read_observation(principal, ref, walk):
            return False
        view = policy.view(principal)
        if field_ == "exact":
            return view.exact_for(ref.participant_id, ref.author_user_id)
        return view.text_for(ref.participant_id, ref.author_user_id)

    return (lambda p: granted(p, "exact")), (lambda p: granted(p, "text"))


def exact_hotspots(principal: Principal | None) -> bool:
    try:
        return planning_policy.hotspot_view(principal, K).exact
    except DomainError:
        return False


def _principals(world: World) -> dict[str, Principal | None]:
    found: dict[str, Principal | None] = {"anonymous": None}
    for who in IDENTITIES[1:]:
        token = world.h(who)["Authorization"].removeprefix("Bearer ")
        found[who] = accounts.resolve(world.conn, token)
        assert found[who] is not None, who
    return found


@pytest.fixture
def seeds(world: World) -> Seeds:
    """Walk A gets, from a walker who is none of the identities: S (published, opened as an
    issue, feeling 2) and H1, H2 (12 m apart, feeling 0: a hotspot for eps_m=20 and
    min_points=2, whose centre is their exact midpoint)."""
    lon, lat = point(world.conn, MALAKOFF)
    x, y = TO_L93.transform(lon, lat)
    place = Place((x // 100) * 100 + 300, (y // 100) * 100)
    walker = world.join(world.walk_a, "Sara")
    seeds = Seeds(world, place, walker, _principals(world))
    seeds.s, seeds.s_payload = seeds.observation(15, 15, feeling=2)
    for who, action in (("moderator", "publier"), ("facilitator_a", "ouvrir")):
        resp = world.client.post(
            f"/api/observations/{seeds.s.obs_id}/transitions",
            json={"action": action},
            headers=world.h(who),
        )
        assert resp.status_code == 201, resp.text
    seeds.h1 = seeds.observation(215, 15, feeling=0)[0]
    seeds.h2 = seeds.observation(227, 15, feeling=0)[0]
    ends = [TO_L93.transform(h.lon, h.lat) for h in (seeds.h1, seeds.h2)]
    mid = TO_WGS.transform((ends[0][0] + ends[1][0]) / 2, (ends[0][1] + ends[1][1]) / 2)
    seeds.middle = Secret("midpoint", mid[0], mid[1], exact_hotspots, lambda p: False)
    return seeds


Call = tuple[str, dict[str, Any], list[Secret]]
"""URL, request arguments, secrets of this call besides the seeds' own."""


@dataclass(frozen=True)
class Probe:
    """How each identity calls a declared route, and who must see what (the positive side).

    ``admin_sees``: the secret whose exact point the admin must find (proves the probe reaches
    the data); ``coarse``: identities who must find S at the centre of its cell; ``ids``: the
    ids of the hotspot's observations are exact data too.
    """

    calls: Callable[[Seeds, str], list[Call]]
    admin_sees: str | None = None
    coarse: frozenset[str] = frozenset()
    ids: bool = False


def get(*urls: str) -> Callable[[Seeds, str], list[Call]]:
    return lambda s, who: [(u.format(s=s, w=s.world), {}, []) for u in urls]


def _replay(s: Seeds, who: str) -> list[Call]:
    return [("/api/observations", {"json": s.s_payload}, [])]


def _transition(s: Seeds, who: str) -> list[Call]:
    target = s.fresh()
    action = "ouvrir" if who.startswith(("facilitator", "planner")) else "publier"
    url = f"/api/observations/{target.obs_id}/transitions"
    return [(url, {"json": {"action": action}}, [target])]


def _correct(s: Seeds, who: str) -> list[Call]:
    lon, lat = s.place.wgs(40, 40)
    body = walk_obs(s.world.walk_a["id"], lon, lat, comment="Corrigé")
    for key in ("id", "kind", "walk_id", "observed_at"):
        body.pop(key)
    return [(f"/api/observations/{s.s.obs_id}", {"json": {**body, "base_version": 1}}, [])]


MODERATED = frozenset({"moderator"})
HOTSPOTS = "?eps_m=20&min_points=2"
PROBES: dict[tuple[str, str], Probe] = {
    ("GET", "/api/observations"): Probe(
        get("/api/observations"), admin_sees="S", coarse=MODERATED | {"participant_a"}
    ),
    ("GET", "/api/observations/{obs_id}"): Probe(
        get("/api/observations/{s.s.obs_id}"),
        admin_sees="S",
        coarse=MODERATED | {"participant_a"},
    ),
    ("POST", "/api/observations"): Probe(
        _replay, admin_sees="S", coarse=frozenset({"participant_a"})
    ),
    ("POST", "/api/observations/{obs_id}/transitions"): Probe(_transition, admin_sees="T"),
    ("PATCH", "/api/observations/{obs_id}"): Probe(_correct),
    ("GET", "/api/me/observations"): Probe(get("/api/me/observations")),
    ("GET", "/api/me/export"): Probe(get("/api/me/export")),
    ("GET", "/cartes/securite"): Probe(get("/cartes/securite"), admin_sees="S", coarse=MODERATED),
    ("GET", "/cartes/marches/{walk_id}"): Probe(
        get("/cartes/marches/{w.walk_a[id]}"),
        admin_sees="S",
        coarse=MODERATED | {"participant_a"},
    ),
    ("GET", "/equipe/marches/{walk_id}"): Probe(get("/equipe/marches/{w.walk_a[id]}")),
    ("GET", "/equipe/moderation"): Probe(get("/equipe/moderation")),
    ("GET", "/open311/v2/requests.json"): Probe(get("/open311/v2/requests.json")),
    ("GET", "/open311/v2/requests/{request_id}.json"): Probe(
        get("/open311/v2/requests/{s.s.obs_id}.json")
    ),
    ("POST", "/open311/v2/requests/{request_id}.json"): Probe(
        lambda s, who: [
            (f"/open311/v2/requests/{s.s.obs_id}.json", {"data": {"status": "closed"}}, [])
        ]
    ),
    ("GET", "/equipe/signalements"): Probe(get("/equipe/signalements?etat=untracked")),
    ("GET", "/equipe/signalements/{obs_id}"): Probe(get("/equipe/signalements/{s.s.obs_id}")),
    ("GET", "/ogc/collections"): Probe(get("/ogc/collections")),
    ("GET", "/ogc/collections/{cid}"): Probe(get("/ogc/collections/observations")),
    ("GET", "/ogc/collections/{cid}/items"): Probe(
        get("/ogc/collections/observations/items?limit=1000"), admin_sees="S", coarse=MODERATED
    ),
    ("GET", "/ogc/collections/{cid}/items/{fid}"): Probe(
        get("/ogc/collections/observations/items/{s.s.obs_id}"), admin_sees="S", coarse=MODERATED
    ),
    ("GET", "/api/exports/{collection}.{fmt}"): Probe(
        get("/api/exports/observations.csv", "/api/exports/observations.geojson"),
        admin_sees="S",
        coarse=MODERATED,
    ),
    ("GET", "/api/hotspots"): Probe(
        get("/api/hotspots" + HOTSPOTS), admin_sees="midpoint", ids=True
    ),
    ("GET", "/quartiers/zones-sensibles"): Probe(
        get("/quartiers/zones-sensibles" + HOTSPOTS), admin_sees="midpoint"
    ),
    ("GET", "/marches/{walk_id}/rapport"): Probe(get("/marches/{w.walk_a[id]}/rapport")),
}


def test_every_declared_route_has_a_probe(client: TestClient) -> None:
    declared = access.location_routes()
    assert declared == set(PROBES), sorted(declared ^ set(PROBES))
    assert declared <= set(app_routes(client.app))  # type: ignore[arg-type]


def test_every_role_gets_locations_only_as_the_policy_grants(seeds: Seeds) -> None:
    """Every declared route × nine identities: an exact point (or a text) in the answer only
    for principals the policy grants it; the admin finds the probe's exact point, the
    moderator and a participant of the walk find S at its cell centre where they read it."""
    world, failures = seeds.world, []
    s_centre = seeds.place.cell_centre(15, 15)
    for (method, path), probe in PROBES.items():
        for who in IDENTITIES:
            principal = seeds.principals[who]
            for url, kwargs, extra in probe.calls(seeds, who):
                resp = world.client.request(method, url, headers=world.h(who), **kwargs)
                assert resp.status_code < 500, (path, who, resp.text)
                body, where = resp.text, f"{method} {url} as {who}"
                for secret in [*seeds.secrets, *extra]:
                    if secret.point_in(body) and not secret.exact(principal):
                        failures.append(f"{where}: exact point of {secret.name}")
                    if secret.comment_in(body) and not secret.text(principal):
                        failures.append(f"{where}: text of {secret.name}")
                hotspot_ids = any(str(h.obs_id) in body for h in (seeds.h1, seeds.h2))
                if probe.ids and hotspot_ids and not exact_hotspots(principal):
                    failures.append(f"{where}: observation ids of a hotspot")
                wanted = {"S": seeds.s, "midpoint": seeds.middle, "T": (extra or [None])[0]}  # type: ignore[list-item]
                target = wanted.get(probe.admin_sees or "")
                if who == "admin" and target is not None and not target.point_in(body):
                    failures.append(f"{where}: the admin misses {probe.admin_sees}")
                if who in probe.coarse and not shows(body, *s_centre):
                    failures.append(f"{where}: S not at its cell centre")
    assert failures == [], "\n".join(failures)


def _leaks(world: World, secrets: list[Secret], routes: list[tuple[str, str]]) -> list[str]:
    """Routes not declared with ``locations=True`` whose answer to the admin (who may see every
    point) holds a secret's point or text: each call as the matrix makes it, or a GET with
    placeholder parameters."""
    found = []
    for method, path in routes:
        rule = access.rule_for(method, path)
        if rule is None or rule.locations:
            continue
        case = CASES.get((method, path))
        if case is not None:
            url, kwargs = case.make(world, "admin")
        elif method == "GET":
            url, kwargs = path, {}
            for name in re.findall(r"{(\w+)}", path):
                url = url.replace("{" + name + "}", PLACEHOLDER.get(name, str(uuid.uuid4())))
        else:
            continue
        headers = kwargs.pop("headers", world.h("admin"))
        body = world.client.request(method, url, headers=headers, **kwargs).text
        leaked = [s.name for s in secrets if s.point_in(body) or s.comment_in(body)]
        if leaked:
            found.append(f"{method} {path}: {leaked}")
    return found


def test_routes_not_declared_return_no_observation_location(seeds: Seeds) -> None:
    routes = app_routes(seeds.world.client.app)  # type: ignore[arg-type]
    assert _leaks(seeds.world, seeds.secrets, routes) == []


def test_an_undeclared_route_returning_a_location_fails_the_check(
    seeds: Seeds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: a new route handing out an exact point without
    ``locations=True`` is found."""
    app = seeds.world.client.app

    @app.get("/api/fuite/{obs_id}")  # type: ignore[attr-defined]
    def leak(obs_id: uuid.UUID) -> dict[str, Any]:
        row = seeds.world.conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM observation_current WHERE id = %s", (obs_id,)
        ).fetchone()
        assert row is not None
        return {"coordinates": [row[0], row[1]]}

    monkeypatch.setitem(access.RULES, ("GET", "/api/fuite/{obs_id}"), access.staff())
    monkeypatch.setitem(PLACEHOLDER, "obs_id", str(seeds.s.obs_id))
    found = _leaks(seeds.world, seeds.secrets, [("GET", "/api/fuite/{obs_id}")])
    assert found == ["GET /api/fuite/{obs_id}: ['" + seeds.s.name + "']"]
    monkeypatch.setitem(access.RULES, ("GET", "/api/fuite/{obs_id}"), access.Rule(locations=True))
    assert access.location_routes() - set(PROBES) == {("GET", "/api/fuite/{obs_id}")}


def test_hotspots_without_exact_points(seeds: Seeds) -> None:
    """Moderators get zones of at least k observations computed from 100 m cells: no
    observation ids, a centre at the cell's centre (not the points' centroid), ``min_points``
    raised to k. The admin gets the exact zone."""
    world = seeds.world
    five = [seeds.observation(15 + 3 * i, 215 + 2 * i, feeling=0)[0] for i in range(K)]
    xy = [TO_L93.transform(o.lon, o.lat) for o in five]
    centroid = TO_WGS.transform(sum(p[0] for p in xy) / K, sum(p[1] for p in xy) / K)
    cell = seeds.place.cell_centre(15, 215)
    exact = world.client.get("/api/hotspots?eps_m=30&min_points=5", headers=world.h("admin"))
    [zone] = exact.json()["features"]
    assert sorted(zone["properties"]["observation_ids"]) == sorted(str(o.obs_id) for o in five)
    assert shows(exact.text, *centroid)
    coarse = world.client.get(
        "/api/hotspots?eps_m=30&min_points=2", headers=world.h("moderator")
    ).json()
    assert coarse["parametres"]["min_points"] == K
    assert coarse["parametres"]["precision"] == "carré de 100 m"
    [zone] = coarse["features"]
    props = zone["properties"]
    assert props["count"] == K and "observation_ids" not in props
    assert abs(props["centre"][0] - cell[0]) < TOLERANCE
    assert abs(props["centre"][1] - cell[1]) < TOLERANCE
    text = str(coarse)
    assert not shows(text, *centroid)
    assert not any(str(o.obs_id) in text for o in five)
    assert not any(o.point_in(text) for o in five)
