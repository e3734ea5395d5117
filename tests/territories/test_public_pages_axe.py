"""The public pages added with issues 20 and 21 — territories compared, the yearly evaluation,
the campaign's scans — in Chromium with axe-core: 0 serious or critical violations."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import LiveServer, run_axe


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/territoires", "/evaluation", "/aide/campagne"])
def test_new_public_pages_are_axe_clean(page: Any, live_server: LiveServer, path: str) -> None:
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == 200, path
    assert run_axe(page) == []
    assert page.log.external == []
