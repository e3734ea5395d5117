"""Fixtures of the field-app tests: a phone (390×844, touch, French, geolocation granted at a
point of the walk, service workers on) driving Debian's Chromium against the live app, and the
walk of the surveys tests (night walk in Malakoff with two stops)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser import ConsoleLog, LiveServer
from tests.surveys.conftest import point_in, staff, walk  # noqa: F401  (fixtures reused here)

PHONE_VIEWPORT = {"width": 390, "height": 844}


@pytest.fixture
def here(point_in: Callable[..., tuple[float, float]]) -> tuple[float, float]:  # noqa: F811
    """Where the phone is (lon, lat): in Malakoff, a few metres from the first stop."""
    return point_in("QP044013", 25, 15)


@pytest.fixture
def phone(browser: Any, live_server: LiveServer, here: tuple[float, float]) -> Iterator[Any]:
    """A page in a phone-like context; external requests are blocked and recorded, console
    errors collected (``page.log``), ``page.context`` can go offline."""
    lon, lat = here
    context = browser.new_context(
        locale="fr-FR",
        viewport=PHONE_VIEWPORT,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
        permissions=["geolocation"],
        service_workers="allow",
    )
    page = context.new_page()
    log = ConsoleLog()
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(live_server.url) or url.startswith(("data:", "blob:")):
            route.fallback()
        else:
            log.external.append(url)
            route.abort()

    context.route("**/*", guard)
    page.log = log
    page.base_url = live_server.url
    yield page
    context.close()
