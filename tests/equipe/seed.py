"""A walk with observations from its participants, made through the API (what the field app
sends), for the back-office tests."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

STOPS = [
    {
        "name": "Place Mendès-France",
        "location": {"type": "Point", "coordinates": [-1.615, 47.2062]},
    },
    {"name": "Maison de quartier", "location": {"type": "Point", "coordinates": [-1.612, 47.2075]}},
]


def walk_with_observations(
    client: TestClient, admin_headers: dict[str, str], count: int, login: str = "seed.anim"
) -> list[str]:
    """Ids of ``count`` observations (received in order) of a new walk in Bellevue."""
    made = client.post(
        "/api/users", json={"login": login, "role": "facilitator"}, headers=admin_headers
    )
    assert made.status_code == 201, made.text
    headers = {"Authorization": f"Bearer {made.json()['token']}"}
    walk = client.post(
        "/api/walks",
        json={
            "title": "Bellevue — nuit",
            "date": (datetime.now(UTC) - timedelta(days=2)).date().isoformat(),
            "time_slot": "nuit",
            "qpv_codes": ["QP044005"],
            "stops": STOPS,
        },
        headers=headers,
    )
    assert walk.status_code == 201, walk.text
    joined = client.post(
        "/api/walks/join", json={"invite_code": walk.json()["invite_code"], "pseudonym": "Awa"}
    )
    walker = {"Authorization": f"Bearer {joined.json()['token']}"}
    ids = []
    for i in range(count):
        obs_id = str(uuid.uuid4())
        resp = client.post(
            "/api/observations",
            json={
                "id": obs_id,
                "kind": "marche",
                "walk_id": walk.json()["id"],
                "location": {"type": "Point", "coordinates": [-1.6148 + i * 1e-4, 47.2063]},
                "observed_at": (datetime.now(UTC) - timedelta(hours=3 - i)).isoformat(),
                "theme": "visibilite",
                "items": ["eclairage"],
                "rating": 1,
                "feeling": 1,
                "comment": f"Lampadaire éteint n° {i + 1}",
            },
            headers=walker,
        )
        assert resp.status_code == 201, resp.text
        ids.append(obs_id)
        time.sleep(0.01)  # distinct reception times: the queue is oldest first
    return ids
