"""``cartegalite map NAME --out FILE.html``: standalone files that open and draw in Chromium with
the network fully blocked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.cartes.conftest import LAYERS_JS, layer_count
from tests.cartes.scenario import XSS, Scenario

pytestmark = pytest.mark.browser


def write(db_url: str, tmp_path: Path, *args: str) -> Path:
    out = tmp_path / f"{args[0]}.html"
    result = CliRunner().invoke(
        app,
        ["map", *args, "--out", str(out), "--no-tiles"],
        env={"DATABASE_URL": db_url, "CARTEGALITE_TILE_URL": "none"},
    )
    assert result.exit_code == 0, result.output
    assert "autonome" in result.output
    return out


def open_offline(browser: Any, path: Path) -> tuple[Any, Any, list[str], list[str]]:
    context = browser.new_context(offline=True, locale="fr-FR")
    asked: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            asked.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelector('.leaflet-control-layers')")
    return context, page, errors, asked


def test_standalone_safety_map_draws_offline(
    browser: Any, db_url: str, tmp_path: Path, story: Scenario
) -> None:
    out = write(db_url, tmp_path, "securite", "--qpv", "QP044005", "--creneau", "nuit")
    text = out.read_text(encoding="utf-8")
    assert "/static/" not in text and XSS not in text
    context, page, errors, asked = open_offline(browser, out)
    try:
        layers = page.evaluate(LAYERS_JS)
        assert layer_count(layers, "Observations — nuit") == story.night_bellevue
        assert layer_count(layers, "Signalements ouverts") == story.open_bellevue
        assert layer_count(layers, "Lieux d'aide") > 0
        drawn = page.evaluate("() => document.querySelectorAll('.cg-mk').length")
        assert drawn >= story.night_bellevue + story.open_bellevue
        # the actors' icons come from the inlined Font Awesome font
        assert page.evaluate("() => document.fonts.check('900 12px \"Font Awesome 6 Free\"')")
        assert errors == [] and asked == []
    finally:
        context.close()


def test_every_map_can_be_written(
    browser: Any, db_url: str, tmp_path: Path, story: Scenario
) -> None:
    for args in (
        ("publique",),
        ("acteurs",),
        ("expositions",),
        ("marche", "--marche", story.walks["night"]),
    ):
        out = write(db_url, tmp_path, *args)
        context, page, errors, asked = open_offline(browser, out)
        try:
            assert page.evaluate(LAYERS_JS), args
            assert errors == [] and asked == [], (args, errors, asked)
        finally:
            context.close()
    result = CliRunner().invoke(
        app,
        ["map", "marche", "--out", str(tmp_path / "x.html"), "--marche", "not-a-uuid"],
        env={"DATABASE_URL": db_url},
    )
    assert result.exit_code != 0
