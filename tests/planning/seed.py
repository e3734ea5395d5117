"""A year and a half of planning data, written through the domain services (as the app would):
walks by day and by night in Bellevue (QP044005) this year and last year, a day walk in
Malakoff (QP044013), pseudonymous walkers' observations (moderated: most published, some
pending, one masked), GUSP issues with controlled resolution times, actions of the plan, one
photo, one exhibition showing at collège Claude Debussy (inside Bellevue).

Two dense groups of low feeling of safety are planted (Bellevue night stop 1, Malakoff stop 1);
a dense group of *high* feeling and isolated low ones are planted too (no hotspot there).
Everything written is returned in :class:`Seeded` for the tests' own computations.
"""

from __future__ import annotations

import io
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from PIL import Image

from accounts import service as accounts
from accounts.models import Principal, Role
from exhibitions import service as exhibitions
from exhibitions.models import SchoolYear, ShowingInput
from surveys.models import (
    ActionInput,
    Kind,
    ObservationInput,
    StopInput,
    SurveyConfig,
    TimeSlot,
    TransitionInput,
    WalkInput,
)
from surveys.service import actions, followup, observations, photos, walks

PARIS = ZoneInfo("Europe/Paris")
BELLEVUE, MALAKOFF = "QP044005", "QP044013"
DEBUSSY = "0440286X"
CONFIG = SurveyConfig()
HOURS = {"jour": time(15, 0), "soiree": time(20, 30), "nuit": time(22, 30)}
# Stops of Bellevue, metres (EPSG:2154) from a point inside the QPV.
BV_STOPS = {"S1": (0, 0), "S2": (130, 50), "S3": (-140, 90), "S4": (60, -150)}
MK_STOPS = {"M1": (0, 0), "M2": (150, 0)}
THEMES = ("reperage", "visibilite", "animation", "aide", "entretien", "usages")


@dataclass
class Seeded:
    tokens: dict[str, str] = field(default_factory=dict)
    walks: dict[str, dict[str, Any]] = field(default_factory=dict)
    observations: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    photo: dict[str, Any] = field(default_factory=dict)
    showing: dict[str, Any] = field(default_factory=dict)
    today: date = field(default_factory=lambda: datetime.now(PARIS).date())

    def obs(self, **match: Any) -> list[dict[str, Any]]:
        return [o for o in self.observations if all(o[k] == v for k, v in match.items())]


def _point(conn: psycopg.Connection[Any], code: str, dx: float, dy: float) -> tuple[float, float]:
    row = conn.execute(
        """
        SELECT ST_X(p), ST_Y(p), ST_Contains(q.geom, p) FROM (
            SELECT geom, ST_Transform(ST_Translate(ST_Transform(ST_PointOnSurface(geom), 2154),
                                                   %s, %s), 4326) AS p
            FROM qpv WHERE code = %s AND generation = 2015) q
        """,
        (dx, dy, code),
    ).fetchone()
    assert row is not None and row[2], (code, dx, dy)
    return (round(row[0], 7), round(row[1], 7))


def _shift(lon: float, lat: float, dx: float, dy: float) -> tuple[float, float]:
    """A few metres away (small offsets: 1e-5° ≈ 0.75 m of longitude, 1.1 m of latitude)."""
    return (round(lon + dx * 1.47e-5, 7), round(lat + dy * 0.9e-5, 7))


class _Seeder:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.out = Seeded()
        self.rng = random.Random(9)
        self.staff: dict[str, Principal] = {}
        for login, role in (
            ("lea.urba", Role.PLANNER),
            ("claire.anim", Role.FACILITATOR),
            ("marc.modo", Role.MODERATOR),
        ):
            user, token = accounts.create_staff(conn, login, role, organisation="Nantes")
            self.staff[role.value] = Principal(role=role, token_id=0, user_id=user.id, login=login)
            self.out.tokens[role.value] = token

    def walk(
        self,
        name: str,
        code: str,
        day: date,
        slot: str,
        stops: dict[str, tuple[int, int]],
        paired: str | None = None,
    ) -> dict[str, Any]:
        places = {k: _point(self.conn, code, *d) for k, d in stops.items()}
        data = WalkInput(
            title=f"{name} ({slot}, {day.isoformat()})",
            walk_date=day,
            time_slot=TimeSlot(slot),
            qpv_codes=(code,),
            organiser="Centre socioculturel",
            group_size=6,
            women_only=True,
            stops=tuple(StopInput(k, *p) for k, p in places.items()),
            paired_walk_id=uuid.UUID(self.out.walks[paired]["id"]) if paired else None,
        )
        body = walks.create_walk(self.conn, self.staff["facilitator"], data, CONFIG)
        info = {
            "id": body["id"],
            "invite": body["invite_code"],
            "code": code,
            "date": day,
            "slot": slot,
            "stops": {s["name"]: s for s in body["stops"]},
            "places": places,
            "walkers": [],
        }
        for pseudonym in ("Awa", "Lucie", "Mina", "Sophie"):
            token = walks.join(self.conn, body["invite_code"], pseudonym)["token"]
            principal = accounts.resolve(self.conn, token)
            assert principal is not None
            info["walkers"].append(principal)
        self.out.walks[name] = info
        return info

    def observe(
        self,
        walk: dict[str, Any],
        stop: str,
        walker: int,
        theme: str,
        feeling: int,
        jitter: tuple[float, float] = (0, 0),
        moderation: str = "publiee",
        **extra: Any,
    ) -> uuid.UUID:
        (plon, plat), (dx, dy) = walk["places"][stop], jitter
        lon, lat = _shift(plon, plat, dx, dy)
        when = datetime.combine(walk["date"], HOURS[walk["slot"]], PARIS)
        when += timedelta(minutes=self.rng.randint(0, 50))
        rating = max(0, min(3, feeling + self.rng.choice((-1, 0, 0, 1))))
        obs = ObservationInput(
            id=uuid.uuid4(),
            kind=Kind.MARCHE,
            lon=lon,
            lat=lat,
            observed_at=when,
            walk_id=uuid.UUID(walk["id"]),
            stop_id=uuid.UUID(walk["stops"][stop]["id"]),
            theme=theme,
            rating=rating,
            feeling=feeling,
            comment=extra.get("comment", f"Remarque {theme} à l'arrêt {stop}"),
            proposal=extra.get("proposal"),
        )
        observations.submit(self.conn, walk["walkers"][walker], obs, CONFIG)
        if moderation == "publiee":
            followup.transition(
                self.conn, self.staff["moderator"], obs.id, TransitionInput("publier")
            )
        elif moderation == "masquee":
            followup.transition(
                self.conn, self.staff["moderator"], obs.id, TransitionInput("masquer", "hors sujet")
            )
        self.out.observations.append(
            {
                "id": str(obs.id),
                "walk": walk["id"],
                "code": walk["code"],
                "slot": walk["slot"],
                "stop": stop,
                "theme": theme,
                "feeling": feeling,
                "rating": rating,
                "lon": lon,
                "lat": lat,
                "observed_at": when,
                "moderation": moderation,
                "proposal": obs.proposal,
                "comment": obs.comment,
            }
        )
        return obs.id

    def realise(self, walk: dict[str, Any]) -> None:
        walks.transition(
            self.conn, self.staff["facilitator"], uuid.UUID(walk["id"]), "realiser", None
        )

    def issue(
        self,
        category: str,
        observed: datetime,
        end: str | None,
        days: float | None,
        obs_id: uuid.UUID | None = None,
    ) -> None:
        planner = self.staff["planner"]
        if obs_id is None:
            lon, lat = _point(
                self.conn, BELLEVUE, self.rng.randint(-100, 100), self.rng.randint(-100, 100)
            )
            obs = ObservationInput(
                id=uuid.uuid4(),
                kind=Kind.GUSP,
                lon=lon,
                lat=lat,
                observed_at=observed,
                category=category,
                comment="Signalement",
            )
            observations.submit(self.conn, planner, obs, CONFIG)
            obs_id, opened = obs.id, observed
        else:
            followup.transition(self.conn, planner, obs_id, TransitionInput("ouvrir"))
            opened = observed
            self._stamp("observation_transitions", "observation_id", obs_id, "nouveau", opened)
        resolved = None
        if end is not None:
            followup.transition(
                self.conn,
                planner,
                obs_id,
                TransitionInput("transmettre", responsible_body="Nantes Métropole"),
            )
            if end == "resolu":
                followup.transition(self.conn, planner, obs_id, TransitionInput("resoudre"))
                assert days is not None
                resolved = opened + timedelta(days=days)
                self._stamp("observation_transitions", "observation_id", obs_id, "resolu", resolved)
            elif end == "rejete":
                followup.transition(
                    self.conn, planner, obs_id, TransitionInput("rejeter", "doublon")
                )
        self.out.issues.append(
            {
                "id": str(obs_id),
                "category": category,
                "opened_at": opened,
                "resolved_at": resolved,
                "state": end or "nouveau",
            }
        )

    def _stamp(self, table: str, key: str, ident: uuid.UUID, state: str, when: datetime) -> None:
        self.conn.execute(
            f"UPDATE {table} SET created_at = %s WHERE {key} = %s AND to_state = %s",
            (when, ident, state),
        )

    def action(
        self,
        title: str,
        owner: str,
        obs_ids: list[uuid.UUID],
        steps: tuple[str, ...],
        due: date | None,
        done_at: datetime | None = None,
    ) -> None:
        planner = self.staff["planner"]
        body = actions.create(
            self.conn,
            planner,
            ActionInput(
                title=title,
                owner_org=owner,
                due_date=due,
                observation_ids=tuple(obs_ids),
                description=f"Préconisation : {title.lower()}",
            ),
        )
        for step in steps:
            actions.transition(
                self.conn,
                planner,
                uuid.UUID(body["id"]),
                step,
                "fait" if step == "abandonner" else None,
            )
        if done_at is not None:
            self._stamp(
                "action_transitions", "action_id", uuid.UUID(body["id"]), "realisee", done_at
            )
        self.out.actions.append(
            {
                "id": body["id"],
                "title": title,
                "owner": owner,
                "status": body["status"]
                if not steps
                else {
                    "valider": "validee",
                    "demarrer": "en_cours",
                    "realiser": "realisee",
                    "abandonner": "abandonnee",
                }[steps[-1]],
                "due": due,
                "done_at": done_at,
                "observations": [str(o) for o in obs_ids],
            }
        )


def _jpeg() -> bytes:
    img = Image.new("RGB", (320, 200), (40, 60, 90))
    for x in range(0, 320, 8):
        for y in range(90, 110):
            img.putpixel((x, y), (250, 220, 80))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def seed(conn: psycopg.Connection[Any]) -> Seeded:
    """Write the whole scenario; return what was written."""
    s = _Seeder(conn)
    today = s.out.today
    year = today.year
    # --- last year: Bellevue by day and by night (same three stops) --------------------------
    prev_day = s.walk(
        "bv_day_prev",
        BELLEVUE,
        date(year - 1, 6, 10),
        "jour",
        {k: BV_STOPS[k] for k in ("S1", "S2", "S3")},
    )
    prev_night = s.walk(
        "bv_night_prev",
        BELLEVUE,
        date(year - 1, 6, 11),
        "nuit",
        {k: BV_STOPS[k] for k in ("S1", "S2", "S3")},
        paired="bv_day_prev",
    )
    prev_ids = []
    for walk, feelings in ((prev_day, (3, 2, 2)), (prev_night, (0, 1, 1))):
        for i, stop in enumerate(("S1", "S2", "S3")):
            for w in range(4):
                theme = THEMES[(i + w) % 6]
                prev_ids.append(
                    s.observe(
                        walk,
                        stop,
                        w,
                        theme,
                        feelings[i],
                        jitter=(w * 2, i),
                        proposal="Installer un plan" if theme == "reperage" else None,
                    )
                )
        s.realise(walk)
    # --- this year (last month): Bellevue by day and by night; S3 not walked again -----------
    day = s.walk(
        "bv_day",
        BELLEVUE,
        today - timedelta(days=31),
        "jour",
        {k: BV_STOPS[k] for k in ("S1", "S2", "S4")},
    )
    night = s.walk(
        "bv_night",
        BELLEVUE,
        today - timedelta(days=30),
        "nuit",
        {k: BV_STOPS[k] for k in ("S1", "S2", "S4")},
        paired="bv_day",
    )
    # dense group of HIGH feeling by day at S1 (no hotspot)
    for w in range(4):
        for j in range(2):
            s.observe(day, "S1", w, "animation", 3, jitter=(w * 3, j * 3))
    s.observe(day, "S2", 0, "reperage", 2, proposal="Un plan du quartier à la sortie du tram")
    s.observe(day, "S2", 1, "entretien", 2, moderation="en_attente")
    s.observe(day, "S4", 2, "entretien", 1, moderation="en_attente")
    # dense group of LOW feeling by night at S1: the hotspot of Bellevue
    hot = []
    for w in range(4):
        for j in range(2):
            theme = "visibilite" if (w + j) % 3 else "aide"
            hot.append(
                s.observe(
                    night,
                    "S1",
                    w,
                    theme,
                    (w + j) % 2,
                    jitter=(w * 4, j * 5),
                    comment="Passage sombre sous la passerelle",
                    proposal="Éclairer la passerelle" if j == 0 and w == 0 else None,
                )
            )
    isolated = s.observe(night, "S2", 0, "usages", 1, proposal="Médiation de nuit au square")
    s.observe(night, "S2", 1, "usages", 3, moderation="masquee")
    s.observe(night, "S2", 2, "animation", 2)
    s.observe(night, "S4", 3, "entretien", 0)
    s.observe(night, "S4", 0, "reperage", 2)
    for walk in (day, night):
        s.realise(walk)
    # --- Malakoff, by day: the second hotspot --------------------------------------------------
    mk = s.walk("mk_day", MALAKOFF, today - timedelta(days=40), "jour", MK_STOPS)
    mk_ids = [
        s.observe(mk, "M1", w % 4, "entretien", w % 2, jitter=(w * 3, w * 2)) for w in range(5)
    ]
    s.observe(mk, "M2", 0, "animation", 2)
    s.realise(mk)
    # --- a photo on a published night observation --------------------------------------------
    photo_id = uuid.uuid4()
    photos.add(conn, night["walkers"][0], hot[0], photo_id, _jpeg())
    s.out.photo = {"observation": str(hot[0]), "id": str(photo_id)}
    # --- GUSP issues (controlled opening and resolution times) --------------------------------
    now = datetime.now(PARIS).replace(microsecond=0)
    for category, back, end, days in (
        ("depot_sauvage", 200, "resolu", 10),
        ("eclairage_panne", 100, "resolu", 30),
        ("tag_haineux", 60, "resolu", 3),
        ("proprete", 20, "transmis", None),
        ("degradation", 50, "rejete", None),
        ("eclairage_panne", 45, None, None),
    ):
        s.issue(category, now - timedelta(days=back), end, days)
    s.issue("depot_sauvage", datetime(year - 1, 3, 1, 10, tzinfo=PARIS), "resolu", 40)
    s.issue("proprete", datetime(year - 1, 9, 1, 10, tzinfo=PARIS), "resolu", 5)
    s.issue("visibilite", now - timedelta(days=25), "transmis", None, obs_id=hot[1])
    # --- actions of the plan -------------------------------------------------------------------
    s.action(
        "Éclairer la passerelle",
        "Nantes Métropole — éclairage public",
        hot[:3],
        ("valider", "demarrer", "realiser"),
        today + timedelta(days=60),
        done_at=now - timedelta(days=5),
    )
    s.action(
        "Élaguer la haie du square",
        "Ville de Nantes — espaces verts (SEVE)",
        [isolated],
        ("valider", "demarrer"),
        today - timedelta(days=10),
    )
    s.action("Plan du quartier à la sortie du tram", "Nantes Métropole", prev_ids[:2], (), None)
    s.action(
        "Nettoyer les abords du M1",
        "Nantes Métropole Habitat",
        mk_ids[:2],
        (),
        today + timedelta(days=90),
    )
    # --- one exhibition showing at collège Claude Debussy (inside Bellevue) ---------------------
    planner = s.staff["planner"]
    exhibition = exhibitions.create_exhibition(
        conn,
        planner,
        {
            "title": "Ma terre est ma couleur",
            "partner": "MRAP",
            "themes": ["racisme"],
            "age_min": 11,
            "age_max": 15,
            "description": None,
        },
        1,
    )
    school_year = SchoolYear.of(today)
    start = max(school_year.start, today - timedelta(days=15))
    shown = exhibitions.record_showing(
        conn,
        planner,
        "nantes-metropole",
        ShowingInput(
            exhibition.id, 1, DEBUSSY, start, start + timedelta(days=4), classes=2, pupils=52
        ),
    )
    s.out.showing = {
        "uai": DEBUSSY,
        "pupils": 52,
        "school_year": str(school_year),
        "id": str(shown.id),
    }
    return s.out
