"""The actors' map builder: pure, escaped, local assets only."""

from __future__ import annotations

import re
from typing import Any

from app.map_pages import render_map_page
from maps.actors import actors_map as build_actors_map
from maps.actors import category, popup_html, tel_link


def actors_map(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``actors_map``, rendered as the app does."""
    return render_map_page(build_actors_map(*args, **kwargs))


XSS = '<img src=x onerror="alert(1)">'


def feature(name: str, **props: Any) -> dict[str, Any]:
    base = {
        "id": "5f1c0e4e-1111-4222-8333-944455556666",
        "nom": name,
        "domains": ["emploi"],
        "grounds": [],
        "opening": {"label": "ouvert en ce moment, ferme à 12 h"},
        "telephone": "+33240419596",
        "telephone_display": "02 40 41 95 96",
        "distance_label": "à 1,2 km",
    }
    base.update(props)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-1.55, 47.21]},
        "properties": base,
    }


def test_user_text_is_escaped_in_popups_tooltips_and_table() -> None:
    html = actors_map(
        [feature(XSS, adresse=XSS)], tiles=None, title=XSS, reference=(-1.6, 47.2, XSS)
    )
    assert XSS not in html
    assert "&lt;img src=x onerror=" in html


def test_popup_has_status_and_tel_link_and_detail_link() -> None:
    popup = popup_html(feature("Maison")["properties"])
    assert '<a href="tel:+33240419596">02 40 41 95 96</a>' in popup
    assert "Ouvert en ce moment" in popup
    assert 'href="/aide/lieux/5f1c0e4e-1111-4222-8333-944455556666"' in popup


def test_tel_links_only_for_valid_numbers() -> None:
    assert tel_link("3928", "39 28") == '<a href="tel:3928">39 28</a>'
    assert tel_link('+33"><script>', "x") == ""
    assert tel_link(None) == ""


def test_icons_by_what_the_actor_handles() -> None:
    assert category({"grounds": ["age"], "domains": ["emploi"]})[0] == "scale-balanced"
    assert category({"grounds": [], "domains": ["emploi"]})[0] == "briefcase"
    assert category({})[0] == "circle-info"


def test_page_uses_local_assets_only_and_has_legend_and_table() -> None:
    html = actors_map([feature("A"), feature("B", grounds=["age"])], tiles=None)
    assert re.findall(r"(?:https?:)?//[a-zA-Z0-9.-]+\.[a-z]{2,}/", html) == []
    assert "Légende" in html
    assert html.count("<tr><td>") == 2
    assert '<html lang="fr">' in html
    framed = actors_map([feature("A")], tiles=None, with_table=False)
    assert "<tr><td>" not in framed
