"""The "done when" of issue 3, as one story told through HTTP.

A facilitator creates a walk; three participants join and submit observations with photos —
some twice, after a simulated network failure; a planner routes two GUSP issues and closes one;
the public endpoint shows only the aggregated picture."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from PIL import Image

from tests.surveys.conftest import Staff, count_rows, gusp_obs, join, walk_obs
from tests.surveys.images import phone_jpeg
from tests.surveys.phone import Phone


def test_walk_to_action_to_public_picture(
    client: TestClient,
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    # 1. the facilitator prepares a night walk in Malakoff (ten days ago)
    start = point_in("QP044013")
    walk = client.post(
        "/api/walks",
        json={
            "title": "Marche exploratoire des femmes de Malakoff",
            "date": "2026-01-10",
            "time_slot": "nuit",
            "qpv_codes": ["QP044013"],
            "women_only": True,
            "organiser": "Association des habitantes",
            "group_size": 9,
            "stops": [
                {
                    "name": "Sortie du tram",
                    "location": {"type": "Point", "coordinates": list(start)},
                }
            ],
        },
        headers=staff.facilitator,
    ).json()
    stop_id = walk["stops"][0]["id"]

    # 2. three participants join with the invite code and a pseudonym
    phones = [Phone(client, join(client, walk, name)) for name in ("Awa", "Lucie", "Mina")]

    # 3. each records observations (the first with a photo) within one 200 m cell
    for i, phone in enumerate(phones):
        for j in range(3):
            lon, lat = point_in("QP044013", dx=10 * j, dy=8 * i)
            body = walk_obs(
                walk["id"],
                lon,
                lat,
                hours_ago=24 * 10 + j,
                stop_id=stop_id,
                comment=f"Passage sombre n°{i}{j}",
            )
            phone.record(body, photos={str(uuid.uuid4()): phone_jpeg(48, 24)} if j == 0 else None)
    # Awa loses the answer to her first observation, Lucie the answer to her photo: the
    # requests reached the server, the phones went offline and keep everything
    phones[0].lose_at = 1
    phones[1].lose_at = 4
    assert [phone.sync() for phone in phones] == [False, False, True]
    assert len(phones[0].outbox) == 3 and len(phones[1].outbox) == 3 and not phones[2].outbox
    # back online: everything is sent again, the server recognises what it already holds
    for phone in phones[:2]:
        assert phone.sync() is True
        assert phone.outbox == {} and phone.photos == {}
    assert phones[0].answers[:3] == [200, 201, 201]  # the resent first observation: 200
    assert phones[1].answers[3:5] == [200, 200]  # resent observation 1, resent photo
    assert count_rows(conn, "observations") == 9
    assert count_rows(conn, "observation_photos") == 3

    # two GUSP issues come from the same diagnostic
    hall = gusp_obs(*point_in("QP044013", dx=20), category="hall_parties_communes")
    lamp = gusp_obs(*point_in("QP044013", dx=30), category="eclairage_panne")
    for body in (hall, lamp):
        assert (
            client.post("/api/observations", json=body, headers=phones[2].headers).status_code
            == 201
        )

    # 4. the planner routes both issues (rules) and closes one
    for body, expected in (
        (hall, "Nantes Métropole Habitat"),
        (lamp, "Nantes Métropole — éclairage public"),
    ):
        sent = client.post(
            f"/api/observations/{body['id']}/transitions",
            json={"action": "transmettre"},
            headers=staff.planner,
        )
        assert sent.status_code == 201 and sent.json()["responsible_body"] == expected
    closed = client.post(
        f"/api/observations/{lamp['id']}/transitions",
        json={"action": "resoudre", "comment": "Lampadaire remplacé"},
        headers=staff.planner,
    )
    assert closed.json()["followup"] == "resolu"
    still_open = client.get(
        "/api/observations?kind=gusp&followup=open", headers=staff.planner
    ).json()
    assert [f["id"] for f in still_open["features"]] == [hall["id"]]
    reporter_view = client.get(f"/api/observations/{lamp['id']}", headers=phones[2].headers).json()
    assert reporter_view["followup_label"] == "Résolu"
    assert reporter_view["followup_reason"] == "Lampadaire remplacé"

    # the walk's observations are moderated before anything leaves the staff
    listed = client.get(
        f"/api/observations?walk_id={walk['id']}&kind=marche", headers=staff.moderator
    ).json()
    assert len(listed["features"]) == 9
    for feature in listed["features"]:
        resp = client.post(
            f"/api/observations/{feature['id']}/transitions",
            json={"action": "publier"},
            headers=staff.moderator,
        )
        assert resp.status_code == 201

    # 5. the public sees counts per 200 m cell, nothing else
    public = client.get("/api/public/observations")
    assert public.status_code == 200
    features = public.json()["features"]
    assert [
        (f["properties"]["kind"], f["properties"]["theme"], f["properties"]["count"])
        for f in features
    ] == [("marche", "visibilite", 9)]
    assert features[0]["properties"]["first_month"] == features[0]["properties"]["last_month"]
    text = public.text
    stored = conn.execute("SELECT ST_X(geom), ST_Y(geom) FROM observation_versions").fetchall()
    ring = {(round(x, 6), round(y, 6)) for x, y in features[0]["geometry"]["coordinates"][0]}
    assert not ring & {(round(x, 6), round(y, 6)) for x, y in stored}
    for secret in (
        "Passage sombre",
        "Awa",
        "Lucie",
        "Mina",
        "photos",
        "Encombrants",
        str(walk["id"]),
    ):
        assert secret not in text, secret
    assert "moins 5 observations" in public.json()["methode"]
    # photos served to staff carry no metadata
    served = [
        client.get(f"/api/observations/{f['id']}/photos/{p}", headers=staff.planner)
        for f in listed["features"]
        for p in f["properties"]["photos"]
    ]
    assert len(served) == 3
    for resp in served:
        with Image.open(io.BytesIO(resp.content)) as img:
            assert len(img.getexif()) == 0
    assert json.loads(text)["total_publie"] == 9
