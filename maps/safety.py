"""The planners' safety map (``/cartes/securite``): walk observations coloured by theme and
shaped by rating in one layer per time slot, a heat map of low feeling of safety, walks (routes
and stops), GUSP issues by state, support actors and QPV boundaries; the filters as a French
form; a legend and the same information as tables. Pure: :class:`SafetyData`
in, a :class:`~maps.parts.MapPage` out."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium
from folium.plugins import HeatMap

from maps import page, parts
from maps.actors import ActorMarkers, actor_markers
from maps.actors import legend_entries as actor_legend
from maps.actors import table_rows as actor_rows
from maps.layers import qpv_layer
from maps.marks import (
    RATING_SHAPES,
    SLOT_LABELS,
    THEME_SHORT,
    issue_layer,
    observation_layer,
    theme_swatch,
)
from maps.parts import Heading, MapPage, Part
from maps.render import Bounds, base_map
from maps.styles import QPV_STYLE, Tiles
from surveys.grid import grid
from surveys.mapdata import SafetyData, WalkLine
from surveys.models import TimeSlot
from surveys.states import followup

HEAT_GRADIENT = {0.3: "#fee08b", 0.6: "#f46d43", 1.0: "#a50026"}
SHAPE_CSS = (
    "clip-path:polygon(50% 0,100% 100%,0 100%)",
    "clip-path:polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "border-radius:2px",
    "border-radius:50%",
)
ROUTE_DASH = {"jour": None, "soiree": "10 6", "nuit": "3 6"}
FIT_PADDING_PX = 24
"""Room around the fitted data, so that the markers at the edges show whole."""


def safety_map(
    data: SafetyData,
    qpv_fc: dict[str, Any],
    actors: Sequence[dict[str, Any]],
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
    action: str | None = "/cartes/securite",
) -> MapPage:
    """The whole page (rendered by ``app.map_pages``).

    Parameters
    ----------
    data : SafetyData
        From ``surveys.service.maps.safety`` (already filtered and aggregated).
    qpv_fc : dict
        QPV of ``data.filters.generation`` (GeoJSON, properties as served by ``/api/qpv``).
    actors : sequence of dict
        Support actors as enriched GeoJSON Features (``maps.actors``).
    tiles : Tiles, optional
        Base layer, or None.
    fallback_bounds : tuple, optional
        Extent when there is nothing to fit (the chosen QPV, or the territory).
    action : str, optional
        URL of the filter form; None for no form (standalone files).
    """
    f = data.filters
    title = "Sécurité ressentie : marches exploratoires et signalements"
    bounds = _pad(data.extent) if data.extent else fallback_bounds
    if f.qpv and data.extent and fallback_bounds:  # the chosen quartier stays in view
        bounds = _union(bounds, fallback_bounds)
    m = base_map(title, bounds, tiles, padding=FIT_PADDING_PX)
    page.add_page_css(m)
    above: list[Part] = [filter_form(data, action)] if action is not None else []
    if qpv_fc.get("features"):
        qpv_layer(qpv_fc, f.generation).add_to(m)
    if data.heat:
        heat_layer(data).add_to(m)
    for layer in walk_layers(data.walks):
        layer.add_to(m)
    for slot in TimeSlot:
        marks = [x for x in data.marks if x.time_slot == slot.value]
        n = sum(x.count for x in marks)
        name = f"Observations — {SLOT_LABELS[slot]} ({n})"
        observation_layer(name, marks, slot.value, data.marks_info.cell_m, data.qpv_names).add_to(m)
    cell = data.issues_info.cell_m
    opened = [i for i in data.issues if i.is_open]
    closed = [i for i in data.issues if not i.is_open]
    issue_layer(f"Signalements ouverts ({data.open_issues})", opened, cell).add_to(m)
    issue_layer(f"Signalements clos ({data.closed_issues})", closed, cell, show=False).add_to(m)
    helpers = actor_markers(actors)
    helpers.add_to(m)
    below: list[Part] = [legend(data, helpers), *tables(data, actors)]
    return MapPage(m, Heading(title, summary(data)), above, below)


def summary(data: SafetyData) -> str:
    """One sentence: the filters and what is shown."""
    f = data.filters
    said = []
    if f.qpv:
        said.append(data.qpv_names.get(f.qpv, f.qpv))
    if f.time_slot:
        said.append(SLOT_LABELS[f.time_slot])
    if f.theme:
        said.append(grid().label_of(f.theme))
    if f.women_only:
        said.append("marches non mixtes")
    if f.start or f.end:
        said.append(f"du {f.start or '…'} au {f.end or '…'}")
    scope = ", ".join(said) or "tout le territoire"
    info = data.marks_info
    shown = f"regroupées par carrés de {info.cell_m} m" if info.grouped else "une par une"
    text = (
        f"{scope} : {info.total} observation(s) de marche ({shown}), "
        f"{data.open_issues} signalement(s) ouvert(s), {data.closed_issues} clos, "
        f"{len(data.walks)} marche(s)."
    )
    if f.demo:
        text += " Données de démonstration."
    return text


def filter_form(data: SafetyData, action: str) -> parts.FilterForm:
    """The filters as a French GET form."""
    f = data.filters
    quartiers = [("", "Tous"), *sorted(data.qpv_names.items(), key=lambda cn: cn[1])]
    themes = [("", "Tous")] + [(c, grid().label_of(c)) for c in grid().themes]
    slots = [("", "Tous")] + [(s.value, SLOT_LABELS[s]) for s in TimeSlot]
    generations = [("2015", "QPV 2015"), ("2024", "QPV 2024")]
    fields: list[parts.Field] = [
        parts.date_input("du", "Du", f.start.isoformat() if f.start else None),
        parts.date_input("au", "Au", f.end.isoformat() if f.end else None),
        parts.select("qpv", "Quartier prioritaire", quartiers, f.qpv),
        parts.select("theme", "Thème", themes, f.theme),
        parts.select("creneau", "Créneau", slots, f.time_slot.value if f.time_slot else None),
        parts.select("generation", "Génération des QPV", generations, str(f.generation)),
        parts.checkbox("non_mixte", "Marches non mixtes (femmes) seulement", f.women_only),
    ]
    return parts.form(action, "Filtres de la carte", fields)


def heat_layer(data: SafetyData) -> HeatMap:
    """Weighted points of low feeling of safety (``max`` = the heaviest cell)."""
    top = max(w for _lat, _lon, w in data.heat)
    return HeatMap(
        [[lat, lon, w] for lat, lon, w in data.heat],
        name="Sentiment d'insécurité (pas ou peu en sécurité)",
        radius=22,
        blur=18,
        min_opacity=0.35,
        gradient=HEAT_GRADIENT,
        max=float(top),
    )


def walk_layers(walks: Sequence[WalkLine]) -> list[folium.GeoJson]:
    """The routes (dash by time slot) and the numbered stops of the walks."""
    routes = [
        {
            "type": "Feature",
            "geometry": w.route,
            "properties": {
                "title": html.escape(w.title),
                "day": w.day,
                "slot": w.time_slot,
                "slot_label": SLOT_LABELS[TimeSlot(w.time_slot)],
            },
        }
        for w in walks
        if w.route
    ]
    stops = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"label": html.escape(f"Arrêt {pos} : {name} — {w.title}")},
        }
        for w in walks
        for pos, name, lon, lat in w.stops
    ]
    layers = []
    if routes:
        layers.append(
            folium.GeoJson(
                {"type": "FeatureCollection", "features": routes},
                name=f"Parcours des marches ({len(routes)})",
                style_function=lambda feat: {
                    "color": "#222",
                    "weight": 4,
                    "opacity": 0.8,
                    "dashArray": ROUTE_DASH.get(feat["properties"]["slot"]),
                },
                tooltip=folium.GeoJsonTooltip(
                    fields=["title", "day", "slot_label"],
                    aliases=["Marche", "Date", "Créneau"],
                ),
            )
        )
    if stops:
        layers.append(
            folium.GeoJson(
                {"type": "FeatureCollection", "features": stops},
                name=f"Arrêts des marches ({len(stops)})",
                marker=folium.CircleMarker(
                    radius=6, color="#222", weight=2, fill=True, fill_color="#fff", fill_opacity=1
                ),
                tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
            )
        )
    return layers


def legend(data: SafetyData, helpers: ActorMarkers | None) -> parts.LegendFlow:
    """The legend in the page flow: every colour also said by a shape, glyph or word."""
    themes = [(theme_swatch(c), THEME_SHORT.get(c, ""), grid().label_of(c)) for c in grid().themes]
    ratings = [
        (f"background:#bbb;{SHAPE_CSS[i]}", "", f"{RATING_SHAPES[i]} : {label}")
        for i, label in sorted(grid().scales["rating"].items())
    ]
    groups: list[tuple[str, Sequence[tuple[str, str, str]]]] = [
        ("Thème de l'observation (couleur et initiales)", themes),
        ("Appréciation (forme)", ratings),
    ]
    if data.marks_info.grouped:
        groups.append(
            (
                "Observations regroupées",
                [
                    (
                        "background:#ddd;border-radius:50%",
                        "12",
                        f"nombre d'observations dans un carré de {data.marks_info.cell_m} m "
                        "(couleur : thème le plus fréquent ; forme : appréciation moyenne)",
                    )
                ],
            )
        )
    groups += [
        (
            "Sentiment d'insécurité",
            [
                (
                    "background:linear-gradient(90deg,#fee08b,#f46d43,#a50026)",
                    "",
                    "carte de chaleur des observations « pas du tout » ou « peu en sécurité » "
                    f"(plus foncé = plus nombreuses ; carrés de {data.heat_cell_m} m)",
                )
            ],
        ),
        (
            "Signalements (suivi GUSP)",
            [
                ("background:#b2182b;color:#fff;border-radius:2px", "!", "carré rouge : ouvert"),
                ("background:#595959;color:#fff;border-radius:50%", "✓", "rond gris : clos"),
            ],
        ),
        (
            "Marches",
            [
                ("border-top:4px solid #222;height:0", "", "parcours de jour (trait plein)"),
                ("border-top:4px dashed #222;height:0", "", "parcours de soirée (tirets)"),
                ("border-top:4px dotted #222;height:0", "", "parcours de nuit (pointillés)"),
                ("background:#fff;border:2px solid #222;border-radius:50%", "", "arrêt"),
            ],
        ),
        (
            "Quartiers et lieux d'aide",
            [
                (
                    f"background:{QPV_STYLE['fillColor']};border:2px solid {QPV_STYLE['color']}",
                    "",
                    f"quartier prioritaire (QPV {data.filters.generation})",
                ),
                *[(css, "", label) for css, label in (actor_legend(helpers) if helpers else [])],
            ],
        ),
    ]
    return parts.legend_flow(groups)


def tables(data: SafetyData, actors: Sequence[dict[str, Any]]) -> list[Part]:
    """The table alternative: per QPV × time slot × theme, the observations themselves when
    drawn one by one, the issues, the walks and the support actors."""
    g, states = grid(), followup()
    names = data.qpv_names
    found: list[Part] = [
        parts.table(
            "Observations par quartier, créneau et thème",
            [
                "Quartier",
                "Créneau",
                "Thème",
                "Observations",
                "Appréciation moyenne (0 à 3)",
                "Pas ou peu en sécurité",
            ],
            [
                (
                    names.get(s.qpv, s.qpv) if s.qpv else "hors quartier prioritaire",
                    SLOT_LABELS[TimeSlot(s.time_slot)],
                    g.label_of(s.theme),
                    s.count,
                    page.number(s.mean_rating),
                    s.low_feeling,
                )
                for s in data.stats
            ],
            "cg-stats",
        )
    ]
    if not data.marks_info.grouped:
        found.append(
            parts.table(
                "Observations, une par ligne",
                ["Date", "Créneau", "Quartier", "Thème", "Appréciation", "Sentiment", "Extrait"],
                [
                    (
                        x.day,
                        SLOT_LABELS[TimeSlot(x.time_slot)],
                        names.get(x.qpv or "", x.qpv or ""),
                        g.label_of(x.theme),
                        g.scales["rating"].get(x.rating, ""),
                        g.scales["feeling"].get(x.feeling, "") if x.feeling is not None else "",
                        x.comment,
                    )
                    for x in data.marks
                ],
                "cg-observations",
            )
        )
    found.append(
        parts.table(
            f"Signalements : {data.open_issues} ouvert(s), {data.closed_issues} clos "
            f"({len(data.issue_rows)} plus récents, les ouverts d'abord)",
            ["État", "Catégorie", "Organisme", "Date", "Extrait"],
            [
                (
                    ("ouvert — " if i.is_open else "clos — ")
                    + (states.state(i.state).label if i.state else ""),
                    g.label_of(i.category) if i.category else "observation de marche",
                    i.body,
                    i.day,
                    i.comment,
                )
                for i in data.issue_rows
            ],
            "cg-issues",
        )
    )
    found.append(walks_table(data.walks, names))
    found.append(
        parts.table(
            "Lieux d'aide",
            ["Lieu", "Distance", "Ouverture", "Téléphone"],
            actor_rows(actors),
            "cg-actors",
        )
    )
    return found


def walks_table(walks: Sequence[WalkLine], names: dict[str, str]) -> parts.Table:
    """The walks shown, with their stops."""
    return parts.table(
        "Marches",
        ["Marche", "Date", "Créneau", "Quartier(s)", "Non mixte", "Observations", "Arrêts"],
        [
            (
                w.title,
                w.day,
                SLOT_LABELS[TimeSlot(w.time_slot)],
                ", ".join(names.get(c, c) for c in w.qpv_codes),
                "oui" if w.women_only else "non",
                w.observations,
                " ; ".join(f"{p}. {n}" for p, n, _x, _y in w.stops),
            )
            for w in walks
        ],
        "cg-walks",
    )


def _union(a: Bounds | None, b: Bounds) -> Bounds:
    if a is None:
        return b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _pad(bounds: Bounds, least: float = 0.002) -> Bounds:
    """The data's bounds, widened only when they are (nearly) a single point."""
    dx = max(0.0, least - (bounds[2] - bounds[0])) / 2
    dy = max(0.0, least - (bounds[3] - bounds[1])) / 2
    return (bounds[0] - dx, bounds[1] - dy, bounds[2] + dx, bounds[3] + dy)
