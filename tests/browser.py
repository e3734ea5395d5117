"""Real headless Chromium (Debian ``chromium``) driven by Playwright, and a live uvicorn server.

Playwright's own browser download does not work here: we always launch ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.main import create_app
from app.settings import PROJECT_ROOT, Settings

CHROMIUM = os.environ.get("CARTEGALITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


class LiveServer:
    """uvicorn serving the app in a background thread."""

    def __init__(self, settings: Settings, port: int) -> None:
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    from tests.conftest import free_port

    with LiveServer(settings, free_port()) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make test` (it installs Debian's chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class ConsoleLog:
    """Console errors and failed requests seen by a page."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []


@pytest.fixture
def page(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (French locale) whose console errors and any request that
    leaves the live server are recorded on ``page.log`` — and external requests are blocked."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    log = ConsoleLog()
    pg.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: log.errors.append(str(e)))

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            log.external.append(url)
            route.abort()

    context.route("**/*", guard)
    pg.log = log
    pg.base_url = live_server.url
    yield pg
    context.close()


def save_screenshot(page: Any, name: str) -> Path:
    """Save a PNG under ``test-artifacts/`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Inject axe-core (from npm) and return serious or critical violations."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated, so a strict CSP does not block it
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]


SCREENS = PROJECT_ROOT / "docs" / "screens"
"""Where the README's screenshots live (rewritten by ``make screens``)."""


def readme_screen(page: Any, name: str, size: tuple[int, int] = (1000, 720)) -> Path:
    """A small PNG of the visible part of the page: under ``test-artifacts/``, or in
    ``docs/screens/`` (shown by the README) with ``CARTEGALITE_UPDATE_SCREENS=1``
    (``make screens``)."""
    folder = SCREENS if os.environ.get("CARTEGALITE_UPDATE_SCREENS") == "1" else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.screenshot(path=str(path), type="png", scale="css")
    return path
