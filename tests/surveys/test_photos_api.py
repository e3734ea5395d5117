"""Photos through HTTP: served bytes carry no EXIF, uploads are idempotent, refusals keep the
observation, access follows the observation's."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from fastapi.testclient import TestClient
from PIL import Image

from tests.surveys.conftest import Headers, Staff, count_rows, join, walk_obs
from tests.surveys.images import GPS_IFD, HTML, SVG, phone_jpeg, png_bytes


def _upload(
    client: TestClient,
    obs_id: str,
    photo_id: str,
    data: bytes,
    headers: Headers,
    name: str = "p.jpg",
) -> Any:
    return client.post(
        f"/api/observations/{obs_id}/photos",
        files={"file": (name, data, "image/jpeg")},
        data={"photo_id": photo_id},
        headers=headers,
    )


def _observation(
    client: TestClient, walk: dict[str, Any], headers: Headers, point: tuple[float, float]
) -> str:
    body = walk_obs(walk["id"], *point)
    assert client.post("/api/observations", json=body, headers=headers).status_code == 201
    return str(body["id"])


def test_jpeg_with_gps_exif_is_served_back_without_any_exif(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
) -> None:
    obs_id = _observation(client, walk, participant, point_in("QP044013"))
    photo_id = str(uuid.uuid4())
    original = phone_jpeg(64, 32, orientation=6)
    resp = _upload(client, obs_id, photo_id, original, participant)
    assert resp.status_code == 201, resp.text
    assert resp.json()["url"] == f"/api/observations/{obs_id}/photos/{photo_id}"

    served = client.get(resp.json()["url"], headers=staff.planner)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "private, no-store"
    with Image.open(io.BytesIO(served.content)) as img:
        assert len(img.getexif()) == 0
        assert not img.getexif().get_ifd(GPS_IFD)
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(img.info)
        assert (img.width, img.height) == (32, 64)  # EXIF rotation applied to the pixels
    assert served.content != original and b"Exif" not in served.content
    got = client.get(f"/api/observations/{obs_id}", headers=participant).json()
    assert got["photos"] == [photo_id]


def test_photo_upload_is_idempotent(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    obs_id = _observation(client, walk, participant, point_in("QP044013"))
    photo_id = str(uuid.uuid4())
    data = phone_jpeg()
    assert _upload(client, obs_id, photo_id, data, participant).status_code == 201
    assert _upload(client, obs_id, photo_id, data, participant).status_code == 200
    other = _upload(client, obs_id, photo_id, phone_jpeg(colour="blue"), participant)
    assert other.status_code == 409
    assert "déjà utilisé" in other.json()["detail"]
    second_obs = _observation(client, walk, participant, point_in("QP044013"))
    assert _upload(client, second_obs, photo_id, data, participant).status_code == 409
    assert count_rows(conn, "observation_photos") == 1


def test_refused_photos_keep_the_observation(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    point_in: Callable[..., tuple[float, float]],
    conn: psycopg.Connection[Any],
) -> None:
    obs_id = _observation(client, walk, participant, point_in("QP044013"))
    cases = [
        ("svg", SVG, 422, "pas une image"),
        ("html", HTML, 422, "pas une image"),
        ("truncated", phone_jpeg()[:300], 422, "illisible"),
        ("bomb", png_bytes(8000, 6000, "1"), 413, "mégapixels"),
        ("over 20 MB", b"\xff\xd8\xff" + bytes(21 * 1024 * 1024), 413, "20 Mo"),
        ("over the body limit", bytes(26 * 1024 * 1024), 413, "requête trop volumineuse"),
    ]
    for name, data, status, fragment in cases:
        resp = _upload(client, obs_id, str(uuid.uuid4()), data, participant, name="photo.jpg")
        assert resp.status_code == status, (name, resp.text[:200])
        assert fragment in resp.json()["detail"], name
    bad_id = client.post(
        f"/api/observations/{obs_id}/photos",
        files={"file": ("p.jpg", phone_jpeg(), "image/jpeg")},
        data={"photo_id": "photo-1"},
        headers=participant,
    )
    assert bad_id.status_code == 422 and "UUID" in bad_id.json()["detail"]
    assert count_rows(conn, "observation_photos") == 0
    kept = client.get(f"/api/observations/{obs_id}", headers=participant)
    assert kept.status_code == 200 and kept.json()["photos"] == []


def test_photo_access_follows_the_observation(
    client: TestClient,
    walk: dict[str, Any],
    participant: Headers,
    staff: Staff,
    point_in: Callable[..., tuple[float, float]],
) -> None:
    obs_id = _observation(client, walk, participant, point_in("QP044013"))
    photo_id = str(uuid.uuid4())
    assert _upload(client, obs_id, photo_id, phone_jpeg(), participant).status_code == 201
    url = f"/api/observations/{obs_id}/photos/{photo_id}"
    other = join(client, walk, "Inès")
    assert client.get(url, headers=other).status_code == 404
    assert _upload(client, obs_id, str(uuid.uuid4()), phone_jpeg(), other).status_code == 404
    assert client.get(url, headers=staff.facilitator2).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get(url, headers=staff.facilitator).status_code == 200
    unknown = client.get(f"/api/observations/{obs_id}/photos/{uuid.uuid4()}", headers=staff.admin)
    assert unknown.status_code == 404
