"""Compact marker layers for the surveys' maps: one small JSON array per marker, turned into
Leaflet markers by ``/static/app/cartes.js`` (shape = rating or issue state, colour = theme,
initials or count as text, the whole said in words in the marker's title). A thousand markers
weigh tens of kilobytes instead of the megabytes of one Folium object each.

Every string from the data is HTML-escaped here, before it reaches the page.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

from folium.elements import JSCSSMixin
from folium.map import Layer
from jinja2 import Template

from surveys.grid import grid
from surveys.mapdata import IssueMark, Mark
from surveys.models import TimeSlot
from surveys.states import followup

CARTES_JS = "/static/app/cartes.js"
CARTES_CSS = "/static/app/cartes.css"

THEME_SHORT = {
    "reperage": "Re",
    "visibilite": "Vi",
    "animation": "An",
    "aide": "Ai",
    "entretien": "En",
    "usages": "Us",
}
"""Initials written in an observation's marker (the colour is never the only clue)."""
THEME_COLOURS = {
    "reperage": "#e69f00",
    "visibilite": "#56b4e9",
    "animation": "#f0e442",
    "aide": "#cc79a7",
    "entretien": "#009e73",
    "usages": "#d55e00",
}
"""Same colours as ``cartes.css`` (Okabe–Ito palette, distinguishable by colour-blind readers)."""
THEME_TEXT: dict[str, str] = {}
"""Text colour on a theme's colour when black would not contrast enough (WCAG AA: none today,
black reaches 5.4:1 on the darkest, #d55e00)."""


def theme_swatch(code: str) -> str:
    """Inline CSS of a legend swatch for ``code`` (background and text as on the markers)."""
    return f"background:{THEME_COLOURS.get(code, '#999')};color:{THEME_TEXT.get(code, '#000')}"


RATING_SHAPES = ("triangle", "losange", "carré", "rond")
"""Shape of an observation's marker by rating 0–3 (see ``cartes.css``)."""
SLOT_LABELS = {TimeSlot.JOUR: "jour", TimeSlot.SOIREE: "soirée", TimeSlot.NUIT: "nuit"}
SLOT_OFFSETS = {TimeSlot.JOUR: -15, TimeSlot.SOIREE: 0, TimeSlot.NUIT: 15}
"""Horizontal offset (px) of a grouped marker, so the three slots of one cell sit side by side."""


def safe_json(value: Any) -> str:
    """JSON that can sit inside a ``<script>`` element (no ``</`` sequence)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def escape(text: str | None) -> str | None:
    """``html.escape`` that keeps None."""
    return None if text is None else html.escape(text)


def theme_codes() -> tuple[str, ...]:
    """The themes in grid order (their index is what the rows carry)."""
    return grid().themes


def labels(slot: str | None = None, cell_m: int | None = None) -> dict[str, Any]:
    """French labels sent once per layer (escaped)."""
    g = grid()
    return {
        "themes": [
            {
                "label": html.escape(g.label_of(code)),
                "short": THEME_SHORT.get(code, html.escape(code[:2].title())),
                "css": f"cg-t-{code}",
            }
            for code in g.themes
        ],
        "ratings": [html.escape(g.scales["rating"][i]) for i in range(4)],
        "feelings": [html.escape(g.scales["feeling"][i]) for i in range(4)],
        "slot": html.escape(SLOT_LABELS.get(TimeSlot(slot), slot) if slot else ""),
        "cell": cell_m or 0,
        "offset": SLOT_OFFSETS.get(TimeSlot(slot), 0) if slot else 0,
    }


class MarksLayer(JSCSSMixin, Layer):
    """A Leaflet feature group filled by one function of ``cartes.js`` from compact rows."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
cgMarks.{{ this.function }}({{ this.get_name() }}, {{ this.rows_json }}, {{ this.labels_json }});
{% endmacro %}
"""
    )
    # Instance attributes in folium (JSCSSMixin); class-level defaults as folium declares them.
    default_js = [("cartes.js", CARTES_JS)]  # noqa: RUF012
    default_css = [("cartes.css", CARTES_CSS)]  # noqa: RUF012

    def __init__(
        self,
        name: str,
        function: str,
        rows: Sequence[Sequence[Any]],
        layer_labels: dict[str, Any],
        show: bool = True,
    ) -> None:
        super().__init__(name=html.escape(name), overlay=True, control=True, show=show)
        self._name = "MarksLayer"
        self.function = function
        self.count = len(rows)
        self.rows_json = safe_json(rows)
        self.labels_json = safe_json(layer_labels)


def _r(x: float) -> float:
    return round(float(x), 5)


def observation_layer(
    name: str,
    marks: Sequence[Mark],
    slot: str,
    cell_m: int | None,
    qpv_names: dict[str, str],
    show: bool = True,
) -> MarksLayer:
    """Walk observations of one time slot: exact (``cell_m`` None) or grouped per cell."""
    index = {code: i for i, code in enumerate(theme_codes())}
    if cell_m is None:
        rows: list[list[Any]] = [
            [
                _r(m.lat),
                _r(m.lon),
                index[m.theme],
                m.rating,
                m.feeling,
                m.day,
                escape(qpv_names.get(m.qpv or "", m.qpv)),
                escape(m.comment),
            ]
            for m in marks
        ]
        function = "observationPoints"
    else:
        rows = [
            [
                _r(m.lat),
                _r(m.lon),
                index[m.theme],
                max(0, min(3, m.rating)),
                m.count,
                round(m.mean_rating if m.mean_rating is not None else m.rating, 2),
                m.low_feeling,
            ]
            for m in marks
        ]
        function = "observationGroups"
    return MarksLayer(name, function, rows, labels(slot, cell_m), show)


def issue_layer(
    name: str, issues: Sequence[IssueMark], cell_m: int | None, show: bool = True
) -> MarksLayer:
    """GUSP issues (observations in the follow-up): exact or grouped per cell."""
    machine = followup()
    if cell_m is None:
        rows: list[list[Any]] = [
            [
                _r(i.lat),
                _r(i.lon),
                int(i.is_open),
                html.escape(grid().label_of(i.category) if i.category else "Observation de marche"),
                html.escape(machine.state(i.state).label if i.state else ""),
                escape(i.body),
                i.day,
                escape(i.comment),
            ]
            for i in issues
        ]
        function = "issuePoints"
    else:
        rows = [[_r(i.lat), _r(i.lon), int(i.is_open), i.count] for i in issues]
        function = "issueGroups"
    return MarksLayer(name, function, rows, labels(None, cell_m), show)
