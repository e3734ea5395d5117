"""The offline scenario of issue #8 in real Chromium against the live app and PostGIS.

Join with the code, capture online, lose the network, capture three observations with a photo
each (JPEG with GPS EXIF), reload the page offline (it opens and lists them), get the network
back: the server ends up with exactly those observations and photos, once each, although the
first batch and the first photo upload were cut after reaching the server (the answer lost)."""

from __future__ import annotations

import io
import time
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import expect

from tests.browser import save_screenshot
from tests.marche.steps import capture, join, local_counts, wait_controlled, wait_synced
from tests.surveys.conftest import Staff
from tests.surveys.images import GPS_IFD, phone_jpeg


class CutOnce:
    """A route handler: when armed, the next matching request reaches the server, then the
    connection is reset before the answer arrives; the following ones go through."""

    def __init__(self) -> None:
        self.calls = 0
        self.armed = True
        self.cut: list[int] = []

    def __call__(self, route: Any) -> None:
        self.calls += 1
        if self.armed:
            self.armed = False
            answer = route.fetch()  # the server does its work…
            self.cut.append(answer.status)
            route.abort("connectionreset")  # …and the phone never hears of it
        else:
            route.fallback()


def _server_rows(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return conn.execute(
        """
        SELECT o.id::text, v.comment, ST_X(v.geom), ST_Y(v.geom), v.photo_ids::text[],
               ARRAY(SELECT p.id::text FROM observation_photos p WHERE p.observation_id = o.id),
               ARRAY(SELECT p.width FROM observation_photos p WHERE p.observation_id = o.id)
        FROM observations o JOIN observation_versions v ON v.observation_id = o.id
        ORDER BY v.comment
        """
    ).fetchall()


@pytest.mark.browser
def test_offline_capture_survives_reload_and_cut_sync(
    phone: Any,
    walk: dict[str, Any],
    here: tuple[float, float],
    conn: psycopg.Connection[Any],
    client: TestClient,
    staff: Staff,
) -> None:
    page = phone
    batches, uploads = CutOnce(), CutOnce()
    page.context.route("**/api/observations/batch", batches)
    page.context.route("**/api/observations/*/photos", uploads)

    join(page, walk["invite_code"], "Awa")
    wait_controlled(page)
    capture(page, comment="En ligne : passage sans éclairage", theme="Voir et être vue")
    wait_synced(page, 1)
    assert batches.cut == [200]  # the first batch was stored, its answer lost, then resent

    page.context.set_offline(True)
    expect(page.locator("#net")).to_contain_text("Hors ligne")
    for i, colour in enumerate(("red", "green", "blue")):
        capture(
            page,
            comment=f"Hors ligne n°{i + 1}",
            photo=phone_jpeg(2400, 1800, orientation=1, colour=colour),
            theme=(
                "Lieux animés, présence de femmes",
                "Lieu propre et accueillant",
                "Voir et être vue",
            )[i],
        )
    expect(page.locator("#sync-panel")).to_contain_text("En attente d'envoi : 3 (3 photos)")
    expect(page.locator("#sync-panel")).to_contain_text("Hors ligne")
    save_screenshot(page, "marche-offline-waiting")
    assert local_counts(page) == (3, 3)

    # the phone restarts the page without network: the app opens from the service worker
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.locator("#t-walk")).to_have_text(walk["title"])
    page.get_by_role("link", name="Mes observations").tap()
    cards = page.locator("#obs-list > li")
    expect(cards).to_have_count(4)
    waiting = page.locator("#obs-list .state.waiting")
    expect(waiting).to_have_count(3)
    for i in range(3):
        expect(waiting.nth(i)).to_contain_text("En attente d'envoi · 1 photo à envoyer")
    save_screenshot(page, "marche-offline-after-reload")
    assert [r[1] for r in _server_rows(conn)] == ["En ligne : passage sans éclairage"]

    batches.armed = True  # the first attempt after the network is back is cut too
    back = time.monotonic()
    page.context.set_offline(False)
    page.get_by_role("link", name="Retour à la marche").tap()
    wait_synced(page, 4)
    print(
        f"\nback online → 3 observations and 3 photos confirmed in {time.monotonic() - back:.1f} s"
    )
    save_screenshot(page, "marche-back-online")

    rows = _server_rows(conn)
    assert [r[1] for r in rows] == [
        "En ligne : passage sans éclairage",
        "Hors ligne n°1",
        "Hors ligne n°2",
        "Hors ligne n°3",
    ]
    lon, lat = here
    for _id, _comment, x, y, announced, received, widths in rows:
        assert abs(x - lon) < 1e-6 and abs(y - lat) < 1e-6  # the emulated GPS position
        assert sorted(announced) == sorted(received)  # every announced photo arrived, once
        assert all(w == 1600 for w in widths)  # downscaled on the phone (2400 px taken)
    assert sum(len(r[5]) for r in rows) == 3
    assert batches.cut == [200, 200]  # both cut batches had been stored: resent, recognised
    assert uploads.cut == [201] and uploads.calls == 4  # the cut upload was restarted
    assert local_counts(page) == (0, 0)  # forgotten only after sync-status confirmed

    for obs_id, *_rest, received, _w in rows:
        for photo_id in received:
            served = client.get(
                f"/api/observations/{obs_id}/photos/{photo_id}", headers=staff.planner
            )
            assert served.status_code == 200
            image = Image.open(io.BytesIO(served.content))
            exif = image.getexif()
            assert len(exif) == 0 and not exif.get_ifd(GPS_IFD)
            assert "exif" not in image.info and "xmp" not in image.info

    page.get_by_role("link", name="Mes observations").tap()
    expect(page.locator("#obs-list .state.sent")).to_have_count(4)
    expect(page.locator("#obs-list .state.sent").first).to_contain_text("Envoyée")
    assert page.log.external == []
    assert [e for e in page.log.errors if "net::ERR" not in e and "Failed to load" not in e] == []
