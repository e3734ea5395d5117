"""How long does a phone take to empty its outbox when the network comes back?

Starts a throw-away *durable* PostgreSQL cluster prepared like ``cartegalite serve``, the real
app under uvicorn in a separate process, and Debian's Chromium (Playwright) as a 390×844 phone.
The phone joins a walk through the page, goes offline, and N observations with one photo each
(a 1600×1200 JPEG, the size the app downscales to) are put in its IndexedDB outbox exactly as
the capture form stores them. Then the network comes back and the app's own sync loop runs:
batch, photos, sync-status, forget. "Done" is when the phone's outbox is empty and the database
holds the N observations and N photos.

    .venv/bin/python bench/fieldapp_sync.py [--count 100]

Browser, server and database share the machine's cores: the figures are a floor.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import psycopg
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app import bootstrap  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.observations_submit import ADMIN, CENTRE  # noqa: E402
from bench.servers import free_port, uvicorn_process  # noqa: E402
from geo.localdb import LocalCluster  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.marche.steps import LOCAL_DB_COUNTS  # noqa: E402

INJECT = """
async ([records, photo]) => {
  const bytes = Uint8Array.from(atob(photo), (c) => c.charCodeAt(0));
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open("cartegalite-marche");
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const tx = db.transaction(["observations", "photos"], "readwrite");
  for (const rec of records) {
    tx.objectStore("observations").put(rec);
    const blob = new Blob([bytes], { type: "image/jpeg" });
    const id = rec.content.photo_ids[0];
    tx.objectStore("photos").put({ id, obsId: rec.id, blob, uploaded: false });
  }
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}
"""


def street_photo() -> bytes:
    """A 1600×1200 JPEG with shapes and grain (compresses like a photo, not like a flat image)."""
    img = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    draw = ImageDraw.Draw(img)
    for i in range(40):
        x, y = (i * 97) % 1500, (i * 53) % 1100
        draw.rectangle((x, y, x + 120, y + 80), fill=((i * 40) % 255, (i * 90) % 255, 120))
    noise = Image.effect_noise((1600, 1200), 30).convert("RGB")
    img = Image.blend(img, noise, 0.25).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82)
    return out.getvalue()


def records(walk_id: str, n: int) -> list[dict[str, Any]]:
    when = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()
    out = []
    for i in range(n):
        obs_id = str(uuid.uuid4())
        content = {
            "id": obs_id,
            "kind": "marche",
            "walk_id": walk_id,
            "stop_id": None,
            "location": {"type": "Point", "coordinates": [CENTRE[0] + i * 1e-5, CENTRE[1]]},
            "observed_at": when,
            "theme": "visibilite",
            "items": ["eclairage"],
            "rating": i % 4,
            "feeling": None,
            "works_well": False,
            "comment": f"banc d'essai n°{i}",
            "proposal": None,
            "photo_ids": [str(uuid.uuid4())],
        }
        out.append(
            {
                "id": obs_id,
                "walkId": walk_id,
                "createdAt": when,
                "content": content,
                "meta": {},
                "server": None,
                "attempted": False,
                "dirty": True,
                "deleting": False,
                "blocked": False,
                "error": None,
                "rev": 1,
            }
        )
    return out


def walk_code(base: str) -> str:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    user = httpx2.post(
        f"{base}/api/users",
        json={"login": f"bench{uuid.uuid4().hex[:8]}", "role": "facilitator"},
        headers=admin,
    ).json()
    walk = httpx2.post(
        f"{base}/api/walks",
        json={"title": "Banc d'essai terrain", "date": "2026-05-01", "time_slot": "nuit"},
        headers={"Authorization": f"Bearer {user['token']}"},
    ).json()
    return str(walk["invite_code"])


def held(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM observations), (SELECT count(*) FROM observation_photos)"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def run(base: str, url: str, n: int, photo: bytes) -> None:
    from playwright.sync_api import sync_playwright

    code = walk_code(base)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            locale="fr-FR", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto(base + "/marche")
        page.get_by_label("Code d'invitation").fill(code)
        page.get_by_label("Pseudonyme").fill("Banc")
        page.get_by_role("button", name="Rejoindre la marche").click()
        page.locator("#v-walk").wait_for()
        walk_id = page.evaluate(
            "() => JSON.parse(localStorage.getItem('cg-marche-session')).walkId"
        )
        context.set_offline(True)
        page.evaluate(INJECT, [records(walk_id, n), base64.b64encode(photo).decode()])
        assert page.evaluate(LOCAL_DB_COUNTS) == [n, n]
        t0 = time.monotonic()
        context.set_offline(False)
        while page.evaluate(LOCAL_DB_COUNTS) != [0, 0]:
            if time.monotonic() - t0 > 600:
                raise RuntimeError("the outbox did not empty in 10 minutes")
            time.sleep(0.2)
        elapsed = time.monotonic() - t0
        browser.close()
    stored = held(url)
    megabytes = n * len(photo) / 1e6
    print(
        f"{n} observations + {n} photos ({len(photo) // 1024} KiB each) synced in {elapsed:.1f} s: "
        f"{n / elapsed:.1f} observations/s, {megabytes / elapsed:.1f} MB/s of photos; "
        f"database holds {stored[0]} observations, {stored[1]} photos"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cartegalite-bench-pg-"))
    root.chmod(0o755)
    cluster = LocalCluster(root=root, port=free_port(), fast=False)  # durable, like production
    cluster.start()
    try:
        cluster.create_database("bench")
        url = cluster.url("bench")
        bootstrap.prepare(Settings.from_env({}).with_(admin_token=ADMIN), url)
        chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True)
        print(
            f"machine: {platform.node()} — {os.cpu_count()} CPU "
            f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
            f"{chromium.stdout.strip()}, PostgreSQL durable, "
            f"load average before: {os.getloadavg()[0]:.2f}"
        )
        env = {"DATABASE_URL": url, "CARTEGALITE_ADMIN_TOKEN": ADMIN, "CARTEGALITE_POOL_MAX": "20"}
        with uvicorn_process(
            "api.main:app_from_env", env, 1, ready_path="/health", name="fieldapp"
        ) as base:
            run(base, url, args.count, street_photo())
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
