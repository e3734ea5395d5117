"""A walk's map (``/cartes/marches/{id}``): its route, stops, observations and issues — and,
side by side, its paired walk (the same route by day and by night), both maps fitted to the
same extent so that places line up. Pure: :class:`WalkMapData` in, a
:class:`~maps.parts.MapPage` out."""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium
from branca.element import CssLink, Figure, MacroElement
from jinja2 import Template

from geo.errors import InvariantError
from maps import page, parts
from maps.marks import (
    RATING_SHAPES,
    SLOT_LABELS,
    THEME_SHORT,
    issue_layer,
    observation_layer,
    safe_json,
    theme_swatch,
)
from maps.parts import Heading, MapPage, Part
from maps.render import Bounds, CgMap, base_map
from maps.safety import SHAPE_CSS, walk_layers, walks_table
from maps.styles import DEFAULT_BOUNDS, Tiles
from surveys.grid import Grid, grid
from surveys.mapdata import Mark, WalkMapData, WalkSide
from surveys.models import DEMO_LABEL, TimeSlot
from ui.templating import render

PAIR_CSS = "/static/app/paire.css"
"""The walk page's stylesheet: the two maps side by side, the title box inside each map."""


class MapTitle(MacroElement):
    """A heading inside the map (top right), naming the walk it shows."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "topright"});
{{ this.get_name() }}.onAdd = function () {
    var box = L.DomUtil.create("div", "cg-map-title");
    box.innerHTML = {{ this.markup_json }};
    return box;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "MapTitle"
        self.markup_json = safe_json(render("maps/map_title.html", text=text))


def side_title(side: WalkSide) -> str:
    """« Marche de nuit du 2026-05-12 : <titre> »."""
    slot = SLOT_LABELS[TimeSlot(side.walk.time_slot)]
    return f"Marche de {slot} du {side.walk.day} : {side.walk.title}"


def walk_map(data: WalkMapData, tiles: Tiles | None, height: str = "70vh") -> MapPage:
    """The whole page: one map per walk of the pair, a legend, the tables.

    Parameters
    ----------
    data : WalkMapData
        From ``surveys.service.maps.walk_map`` (what the viewer may see).
    tiles : Tiles, optional
        Base layer, or None.
    height : str
        CSS height of each map.
    """
    sides = [data.walk] + ([data.paired] if data.paired else [])
    bounds = _union([_side_bounds(s) for s in sides]) or DEFAULT_BOUNDS
    title = f"Carte de la marche « {data.walk.walk.title} »"
    if data.walk.demo:
        title += f" ({DEMO_LABEL})"
    maps = [_side_map(sides[0], bounds, tiles, height, None, len(sides))]
    figure = maps[0].get_root()
    if not isinstance(figure, Figure):
        raise InvariantError("expected isinstance(figure, Figure)")
    for side in sides[1:]:
        maps.append(_side_map(side, bounds, tiles, height, figure, len(sides)))
    note = (
        "Marche appariée (même parcours) à droite."
        if data.paired
        else "Pas de marche appariée visible."
    )
    page.add_page_css(maps[0])
    figure.header.add_child(CssLink(PAIR_CSS), name="paire.css")
    for m in maps[:-1]:
        folium.LayerControl(collapsed=False).add_to(m)
    heading = Heading(title, f"{side_title(data.walk)}. {note}")
    return MapPage(maps[-1], heading, below=[_legend(), *_tables(sides, data.qpv_names)])


def _side_map(
    side: WalkSide,
    bounds: Bounds,
    tiles: Tiles | None,
    height: str,
    figure: Figure | None,
    count: int,
) -> folium.Map:
    width = "100%" if count == 1 else "49.5%"
    if figure is None:
        m = base_map(side_title(side), bounds, tiles, height=height, padding=24)
        m.width = (49.5, "%") if count > 1 else m.width
    else:
        m = CgMap(location=None, tiles=None, control_scale=True, height=height, width=width)
        figure.add_child(m)
        if tiles is not None:
            folium.TileLayer(
                tiles=tiles.url,
                attr=html.escape(tiles.attribution),
                name="Fond de carte",
                overlay=False,
            ).add_to(m)
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], padding=(24, 24))
    MapTitle(side_title(side)).add_to(m)
    for layer in walk_layers([side.walk]):
        layer.add_to(m)
    observation_layer(
        f"Observations ({len(side.marks)})", side.marks, side.walk.time_slot, None, {}
    ).add_to(m)
    if side.issues:
        issue_layer(f"Signalements ({len(side.issues)})", side.issues, None).add_to(m)
    return m


def _side_bounds(side: WalkSide) -> Bounds | None:
    xs = [m.lon for m in side.marks] + [i.lon for i in side.issues]
    ys = [m.lat for m in side.marks] + [i.lat for i in side.issues]
    xs += [x for _p, _n, x, _y in side.walk.stops]
    ys += [y for _p, _n, _x, y in side.walk.stops]
    if side.walk.route:
        for c in side.walk.route.get("coordinates", []):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


def _union(bounds: Sequence[Bounds | None]) -> Bounds | None:
    found = [b for b in bounds if b is not None]
    if not found:
        return None
    return (
        min(b[0] for b in found),
        min(b[1] for b in found),
        max(b[2] for b in found),
        max(b[3] for b in found),
    )


def _legend() -> parts.LegendFlow:
    g = grid()
    return parts.legend_flow(
        [
            (
                "Thème de l'observation (couleur et initiales)",
                [
                    (
                        theme_swatch(c),
                        THEME_SHORT.get(c, ""),
                        g.label_of(c),
                    )
                    for c in g.themes
                ],
            ),
            (
                "Appréciation (forme)",
                [
                    (f"background:#bbb;{SHAPE_CSS[i]}", "", f"{RATING_SHAPES[i]} : {label}")
                    for i, label in sorted(g.scales["rating"].items())
                ],
            ),
            (
                "Parcours, arrêts et signalements",
                [
                    (
                        "border-top:4px solid #222;height:0",
                        "",
                        "parcours (tirets le soir, pointillés la nuit)",
                    ),
                    ("background:#fff;border:2px solid #222;border-radius:50%", "", "arrêt"),
                    ("background:#b2182b;color:#fff;border-radius:2px", "!", "signalement ouvert"),
                    ("background:#595959;color:#fff;border-radius:50%", "✓", "signalement clos"),
                ],
            ),
        ]
    )


def _tables(sides: Sequence[WalkSide], names: dict[str, str]) -> list[Part]:
    g = grid()
    found: list[Part] = [walks_table([s.walk for s in sides], names)]
    for i, side in enumerate(sides):
        found.append(
            parts.table(
                f"Observations : {side_title(side)}",
                ["Date", "Thème", "Appréciation", "Sentiment de sécurité", "Extrait"],
                [_row(m, g) for m in side.marks],
                f"cg-observations-{i + 1}",
            )
        )
    return found


def _row(m: Mark, g: Grid) -> tuple[object, ...]:
    return (
        m.day,
        g.label_of(m.theme),
        g.scales["rating"].get(m.rating, ""),
        g.scales["feeling"].get(m.feeling, "") if m.feeling is not None else "",
        m.comment,
    )
