"""Standalone files: every local script and stylesheet inlined, images and fonts as data: URIs."""

from __future__ import annotations

from typing import Any

import pytest

from api.main import SERVED_PACKAGES
from app.map_pages import render_map_page
from app.settings import PROJECT_ROOT, Settings
from cli.maps import asset_reader
from maps.qpv_map import qpv_map as build_qpv_map
from maps.standalone import MissingAsset, inline_assets, inline_css, vendor_path
from tests.maps.test_safety_map import actor, data


def qpv_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``qpv_map``, rendered as the app does."""
    return render_map_page(build_qpv_map(*args, **kwargs))


READ = asset_reader(Settings(assets_dir=PROJECT_ROOT / "node_modules"))


def test_safety_page_becomes_self_contained() -> None:
    from maps.safety import safety_map

    built = safety_map(data(), {"features": []}, [actor()], None, action=None)
    page = render_map_page(built)
    assert 'src="/static/' in page and 'href="/static/' in page
    alone = inline_assets(page, READ)
    assert 'src="/static/' not in alone and 'href="/static/' not in alone
    assert "url(../" not in alone and "url(images/" not in alone
    assert "data:font/woff2;base64," in alone  # Font Awesome, for the actors' icons
    assert "data:image/png;base64," in alone  # awesome-markers' pins
    assert ".ttf" not in alone  # WOFF2 only
    assert "window.cgMarks" in alone
    assert "</script" not in alone.split("<script>", 2)[1].split("</script>")[0]


def test_css_urls_are_resolved_relative_to_the_stylesheet() -> None:
    css = "a{background:url(images/layers.png)} b{background:url('data:x')} c{x:url(#f)}"
    out = inline_css(css, "/static/vendor/leaflet/dist/leaflet.css", READ)
    assert out.startswith('a{background:url("data:image/png;base64,')
    assert "url('data:x')" in out and "url(#f)" in out


def test_unknown_files_are_refused() -> None:
    page = '<script src="/static/vendor/leaflet/dist/nope.js"></script>'
    with pytest.raises(MissingAsset):
        inline_assets(page, READ)
    with pytest.raises(MissingAsset):  # not a served package
        inline_assets('<script src="/static/vendor/axe-core/axe.min.js"></script>', READ)
    with pytest.raises(MissingAsset):  # no way out of the served folders
        inline_assets('<script src="/static/app/../../pyproject.toml"></script>', READ)


def test_vendor_paths() -> None:
    assert vendor_path("/static/vendor/leaflet/dist/leaflet.js") == ("leaflet", "dist/leaflet.js")
    assert vendor_path("/static/vendor/@fortawesome/fontawesome-free/css/all.min.css") == (
        "@fortawesome/fontawesome-free",
        "css/all.min.css",
    )
    assert vendor_path("/static/app/cartes.js") is None
    assert "@fortawesome/fontawesome-free" in SERVED_PACKAGES


def test_any_builder_output_works(shared_data: object) -> None:
    alone = inline_assets(qpv_map({"features": []}, 2015, None), READ)
    assert "/static/" not in alone.replace("/static/app/cartes", "")
