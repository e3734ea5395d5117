"""The public endpoint: only cells of a fixed 200 m grid with at least k observations,
published and older than the delay; never a stored coordinate, a text or a pseudonym."""

from __future__ import annotations

import json
import math
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, target
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from pyproj import Transformer

from accounts.models import Principal, Role
from api.main import create_app
from app.settings import Settings
from surveys.models import Kind, ObservationInput, SurveyConfig, TimeSlot, WalkInput
from surveys.service import observations as service
from surveys.service.walks import create_walk

TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)
TO_WGS = Transformer.from_crs(2154, 4326, always_xy=True)
CENTRES = [(355_100.0, 6_689_300.0), (352_450.0, 6_690_020.0), (357_830.0, 6_686_650.0)]
THEMES = ["visibilite", "entretien", "usages"]
K = 3
CELL = 200


def _admin(conn: psycopg.Connection[Any]) -> Principal:
    row = conn.execute("SELECT id FROM users WHERE login = 'admin'").fetchone()
    assert row is not None
    return Principal(role=Role.ADMIN, token_id=0, user_id=row[0], login="admin")


@pytest.fixture
def k3_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings.with_(public_min_count=K))) as c:
        yield c


observation = st.tuples(
    st.integers(0, len(CENTRES) - 1),
    st.floats(-120, 120, allow_nan=False),
    st.floats(-120, 120, allow_nan=False),
    st.sampled_from(THEMES),
    st.sampled_from([1, 6, 8, 40, 400]),  # days ago
    st.booleans(),  # published
)


@hsettings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.lists(observation, min_size=0, max_size=45))
def test_public_cells_never_under_k_nor_at_a_stored_point(
    k3_client: TestClient, conn: psycopg.Connection[Any], data: list[Any]
) -> None:
    conn.execute("TRUNCATE observations CASCADE")
    admin, config, now = _admin(conn), SurveyConfig(), datetime.now(UTC)
    stored: list[Any] = []
    expected: Counter[Any] = Counter()
    for centre, dx, dy, theme, days, published in data:
        x, y = CENTRES[centre][0] + dx, CENTRES[centre][1] + dy
        lon, lat = TO_WGS.transform(x, y)
        lx, ly = TO_L93.transform(lon, lat)  # the cell as PostGIS will compute it
        assume(min(abs(lx / CELL - round(lx / CELL)), abs(ly / CELL - round(ly / CELL))) > 1e-6)
        gusp = theme == "usages" and days == 8
        obs = ObservationInput(
            id=uuid.uuid4(),
            kind=Kind.GUSP if gusp else Kind.MARCHE,
            lon=lon,
            lat=lat,
            observed_at=now - timedelta(days=days),
            walk_id=None if gusp else _walk(conn, admin),
            theme=None if gusp else theme,
            rating=None if gusp else 1,
            category="proprete" if gusp else None,
            comment="texte libre secret",
        )
        service.submit(conn, admin, obs, config)
        if published:
            conn.execute("UPDATE observations SET moderation = 'publiee' WHERE id = %s", (obs.id,))
        stored.append((lon, lat))
        if published and days > 7:
            key = (
                obs.kind.value,
                obs.theme or obs.category,
                math.floor(lx / CELL),
                math.floor(ly / CELL),
            )
            expected[key] += 1

    resp = k3_client.get("/api/public/observations")
    assert resp.status_code == 200
    body = resp.json()
    features = body["features"]
    assert all(f["properties"]["count"] >= K for f in features)
    got = {
        (
            f["properties"]["kind"],
            f["properties"]["theme"],
            *map(int, f["properties"]["cell"].split("-")[1:]),
        ): f["properties"]["count"]
        for f in features
    }
    assert got == {key: n for key, n in expected.items() if n >= K}
    published_points = {(round(lon, 6), round(lat, 6)) for lon, lat in stored}
    for feature in features:
        ring = feature["geometry"]["coordinates"][0]
        assert feature["geometry"]["type"] == "Polygon" and len(ring) == 5
        assert not {(round(x, 6), round(y, 6)) for x, y in ring} & published_points
        assert set(feature["properties"]) == {
            "cell",
            "kind",
            "theme",
            "theme_label",
            "count",
            "first_month",
            "last_month",
        }
        assert len(feature["properties"]["first_month"]) == 7  # YYYY-MM, no day
    assert "secret" not in resp.text
    target(float(len(features)))  # steer the search towards non-empty answers


def _walk(conn: psycopg.Connection[Any], admin: Principal) -> uuid.UUID:
    """One walk per database, created on first use (TRUNCATE of observations keeps it)."""
    row = conn.execute("SELECT id FROM walks LIMIT 1").fetchone()
    if row:
        return uuid.UUID(str(row[0]))
    data = WalkInput("Marche test", date(2026, 1, 5), TimeSlot.NUIT)
    return uuid.UUID(create_walk(conn, admin, data, SurveyConfig())["id"])


def test_public_endpoint_explains_its_method_in_french(client: TestClient) -> None:
    resp = client.get("/api/public/observations")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/geo+json")
    body = resp.json()
    assert body["type"] == "FeatureCollection" and body["features"] == []
    assert "200 m" in body["methode"] and "au moins 5 observations" in body["methode"]
    assert "7 jours" in body["methode"] and "Aucun point exact" in body["methode"]
    assert body["parametres"] == {
        "taille_carre_m": 200,
        "systeme": "EPSG:2154",
        "seuil_minimal": 5,
        "delai_publication_jours": 7,
    }
    assert client.get("/api/public/observations?theme=ovni").status_code == 422
    demo = client.get("/api/public/observations?demo=true").json()
    assert demo["avertissement"] == "données de démonstration"


def test_settings_change_k_and_delay(settings: Settings) -> None:
    env = {"CARTEGALITE_PUBLIC_MIN_COUNT": "8", "CARTEGALITE_PUBLIC_DELAY_DAYS": "14"}
    read = Settings.from_env(env)
    assert (read.public_min_count, read.public_delay_days) == (8, 14)
    with pytest.raises(ValueError, match="CARTEGALITE_PUBLIC_MIN_COUNT"):
        Settings.from_env({"CARTEGALITE_PUBLIC_MIN_COUNT": "1"})
    assert json.dumps(settings.body_limit_overrides)  # the photo route has its own limit
