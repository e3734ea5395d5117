"""Compose a Folium map from data handed in, and render it to HTML with local assets only."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import folium
from branca.element import Figure, MacroElement
from jinja2 import Template

from maps.assets import VENDOR_PREFIX, localize
from maps.csp import script_nonce
from maps.styles import DEFAULT_BOUNDS, Tiles
from ui.templating import render

_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*/>', re.S)

Bounds = tuple[float, float, float, float]
"""(min lon, min lat, max lon, max lat)."""


class NoncedFigure(Figure):
    """Folium's page with the response's CSP nonce on its one inline script (the map's code)."""

    _template = Template(
        "<!DOCTYPE html>\n"
        "<html>\n"
        "<head>\n"
        "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        '<script{% if this.nonce %} nonce="{{ this.nonce }}"{% endif %}>\n'
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n"
    )

    @property
    def nonce(self) -> str | None:
        return script_nonce()


_MAP_HEADER = """
{% macro header(this, kwargs) %}
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
<style>
    #{{ this.get_name() }} {
        position: {{this.position}};
        width: {{this.width[0]}}{{this.width[1]}};
        height: {{this.height[0]}}{{this.height[1]}};
        left: {{this.left[0]}}{{this.left[1]}};
        top: {{this.top[0]}}{{this.top[1]}};
    }
    .leaflet-container { font-size: {{this.font_size}}; }
</style>
<style>html, body { width: 100%; height: 100%; margin: 0; padding: 0; }</style>
<style>#map { position:absolute; top:0; bottom:0; right:0; left:0; }</style>
<script{% if this.nonce %} nonce="{{ this.nonce }}"{% endif %}>
    L_NO_TOUCH = {{ this.global_switches.no_touch | tojson }};
    L_DISABLE_3D = {{ this.global_switches.disable_3d | tojson }};
</script>
{% endmacro %}
{% macro html(this, kwargs) %}{{ this.folium_part("html", kwargs) }}{% endmacro %}
{% macro script(this, kwargs) %}{{ this.folium_part("script", kwargs) }}{% endmacro %}
"""


class CgMap(folium.Map):
    """Folium's map whose head script (Leaflet's global switches) carries the CSP nonce; its
    element and code are Folium's own."""

    _template = Template(_MAP_HEADER)

    @property
    def nonce(self) -> str | None:
        return script_nonce()

    def folium_part(self, part: str, kwargs: Any) -> str:
        """Folium's own ``html`` or ``script`` macro for this map."""
        return str(getattr(folium.Map._template.module, part)(self, kwargs))


def base_map(
    title: str,
    bounds: Bounds | None,
    tiles: Tiles | None,
    height: str = "75vh",
    padding: int | None = None,
) -> CgMap:
    """An empty map fitted to ``bounds`` (or :data:`DEFAULT_BOUNDS`), with a scale bar.

    Parameters
    ----------
    title : str
        Page title (French).
    bounds : tuple, optional
        (min lon, min lat, max lon, max lat) to fit; the territory when None.
    tiles : Tiles, optional
        Base layer; None for no base tiles (offline use, tests).
    height : str
        CSS height of the map element.
    padding : int, optional
        Pixels kept free around ``bounds`` (markers at the edges stay whole).
    """
    figure = NoncedFigure(title=html.escape(title))
    m = CgMap(
        location=None,
        tiles=None,
        control_scale=True,
        height=height,
        prefer_canvas=False,
    )
    figure.add_child(m)
    if tiles is not None:
        folium.TileLayer(
            tiles=tiles.url,
            attr=html.escape(tiles.attribution),
            name="Fond de carte",
            overlay=False,
        ).add_to(m)
    minx, miny, maxx, maxy = bounds or DEFAULT_BOUNDS
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(padding, padding) if padding else None)
    return m


def geojson_bounds(collections: Iterable[dict[str, Any]]) -> Bounds | None:
    """Bounds of every position in the given FeatureCollections (None when empty)."""
    xs: list[float] = []
    ys: list[float] = []

    def visit(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(float(coords[0]))
            ys.append(float(coords[1]))
        else:
            for c in coords or []:
                visit(c)

    for fc in collections:
        for feature in fc.get("features", []):
            geometry = feature.get("geometry") or {}
            visit(geometry.get("coordinates"))
    if not xs:
        return None
    return (min(xs), min(ys), max(xs), max(ys))


_LEGEND_JS = """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
    var box = L.DomUtil.create("section", "cg-legend");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Légende");
    box.style.cssText = "background:#fff;padding:8px 12px;border:1px solid #555;" +
        "border-radius:4px;font:14px/1.4 system-ui,sans-serif;max-width:300px";
    box.innerHTML = {{ this.markup_json }};
    L.DomEvent.disableClickPropagation(box);
    return box;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
"""


class Legend(MacroElement):
    """A legend box, as a Leaflet control inside the map (bottom right); ``entries`` are
    (inline CSS of the swatch, French label), drawn by ``ui/templates/maps/legend_box.html``."""

    _template = Template(_LEGEND_JS)

    def __init__(self, title: str, entries: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        markup = render("maps/legend_box.html", title=title, entries=list(entries))
        # JSON inside a <script>: "</" must not appear literally.
        self.markup_json = json.dumps(markup, ensure_ascii=False).replace("</", "<\\/")


class Below(MacroElement):
    """Markup placed in the page right after the map (children of the map render after its div);
    the markup comes from a template."""

    _template = Template("{% macro html(this, kwargs) %}{{ this.markup }}{% endmacro %}")

    def __init__(self, markup: str) -> None:
        super().__init__()
        self._name = "Below"
        self.markup = markup


def render_html(m: folium.Map, prefix: str = VENDOR_PREFIX) -> str:
    """Render the whole page with every asset rewritten to the app's local copies."""
    folium.LayerControl(collapsed=False).add_to(m)
    root = m.get_root()
    localize(root, prefix)
    page = root.render()
    page = page.replace("<html>", '<html lang="fr">', 1)
    # Folium forbids zooming the page (user-scalable=no): an accessibility failure (WCAG 1.4.4).
    return _VIEWPORT.sub(
        '<meta name="viewport" content="width=device-width, initial-scale=1.0" />', page, count=1
    )
