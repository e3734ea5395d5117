"""The walkers' field app: the offline-first page ``/marche`` and its service worker.

The page is one HTML shell (template ``marche/app.html``, no inline script or style) whose
scripts and styles are static files under ``api/static/marche/``. The service worker is served
from ``/marche/sw.js`` with ``Service-Worker-Allowed: /marche`` so that it controls ``/marche``
itself; its cache name is a hash of everything it caches, so a new deployment replaces the
cached shell.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api.deps import SettingsDep
from api.routing import StrictJSONRoute
from app.tiles import tiles_of
from maps.assets import VENDOR_PREFIX
from ui.templating import TEMPLATES_DIR, render

router = APIRouter(route_class=StrictJSONRoute, tags=["application de terrain"])

SCOPE = "/marche"
STATIC = Path(__file__).resolve().parents[1] / "static" / "marche"
TEMPLATE = TEMPLATES_DIR / "marche" / "app.html"
WORKER = STATIC / "sw.js"
APP_URL = "/static/app/marche"
LEAFLET_URL = f"{VENDOR_PREFIX}/leaflet/dist"
LEAFLET_FILES = (
    "leaflet.js",
    "leaflet.css",
    "images/layers.png",
    "images/layers-2x.png",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
)
"""Leaflet files the service worker keeps for offline use (served by the app, never a CDN)."""


def app_files() -> list[Path]:
    """The app's own scripts and styles (the worker itself excluded), in a stable order."""
    return sorted(
        p for p in STATIC.iterdir() if p.suffix in (".js", ".css") and p.name != WORKER.name
    )


def shell_urls() -> list[str]:
    """Every URL the service worker caches at installation."""
    own = [f"{APP_URL}/{p.name}" for p in app_files()]
    return [SCOPE, *own, *(f"{LEAFLET_URL}/{name}" for name in LEAFLET_FILES)]


def _stamp() -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of the files the page and worker are made of."""
    files = [TEMPLATE, WORKER, *app_files()]
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)


@cache
def _page(stamp: object, tile_url: str, attribution: str) -> str:
    return render(
        "marche/app.html",
        app=APP_URL,
        leaflet=LEAFLET_URL,
        tiles=tile_url,
        attribution=attribution,
    )


@cache
def _worker(stamp: object, page: str) -> str:
    digest = hashlib.sha256(page.encode())
    for path in app_files():
        digest.update(path.read_bytes())
    source = WORKER.read_text(encoding="utf-8")
    digest.update(source.encode())
    version = digest.hexdigest()[:16]
    return source.replace('"__VERSION__"', json.dumps(version)).replace(
        '"__SHELL__"', json.dumps(shell_urls())
    )


def page_html(tile_url: str | None, attribution: str = "") -> str:
    """The app shell with the base-map settings as data attributes (HTML-escaped)."""
    return _page(_stamp(), tile_url or "", attribution)


@router.get(SCOPE, response_class=HTMLResponse, include_in_schema=False)
def marche(settings: SettingsDep) -> HTMLResponse:
    """The field app (join, walk, capture, my observations: views of one page)."""
    tiles = tiles_of(settings)
    body = page_html(tiles.url if tiles else None, tiles.attribution if tiles else "")
    return HTMLResponse(body, headers={"Cache-Control": "no-cache"})


@router.get(f"{SCOPE}/sw.js", include_in_schema=False)
def service_worker(settings: SettingsDep) -> Response:
    """The service worker, allowed to control ``/marche`` (its cache is versioned by content)."""
    tiles = tiles_of(settings)
    page = page_html(tiles.url if tiles else None, tiles.attribution if tiles else "")
    return Response(
        _worker(_stamp(), page),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": SCOPE, "Cache-Control": "no-cache"},
    )
