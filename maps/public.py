"""The public map (``/cartes/publique``): the aggregated grid of the observations (cells of at
least *k*, months only), the QPV boundaries and the support actors — never an exact observation,
never a free text. Pure: the public aggregate, the QPV and the actors in, a page
(:class:`~maps.parts.MapPage`) out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from maps import page, parts
from maps.actors import actor_markers
from maps.actors import legend_entries as actor_legend
from maps.actors import table_rows as actor_rows
from maps.layers import qpv_layer
from maps.parts import Heading, MapPage, Part
from maps.render import Bounds, base_map, geojson_bounds
from maps.styles import QPV_STYLE, Tiles
from maps.surveys import COUNT_CLASSES, KIND_LABELS, cells_layer, padded
from surveys.grid import grid


def public_map(
    cells: dict[str, Any],
    qpv_fc: dict[str, Any],
    generation: int,
    actors: Sequence[dict[str, Any]],
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
    action: str | None = "/cartes/publique",
    demo_label: str | None = None,
    kind: str | None = None,
    theme: str | None = None,
) -> MapPage:
    """The whole page (rendered by ``app.map_pages``).

    Parameters
    ----------
    cells : dict
        The public aggregate as served by ``/api/public/observations`` (FeatureCollection of
        cell squares with ``kind``, ``theme``, ``theme_label``, ``count``, ``first_month``,
        ``last_month``, ``cell``; ``methode`` explains it in French).
    qpv_fc : dict
        QPV of ``generation`` (GeoJSON as served by ``/api/qpv``).
    actors : sequence of dict
        Public support actors as enriched GeoJSON Features.
    tiles : Tiles, optional
        Base layer, or None.
    fallback_bounds : tuple, optional
        Extent when there is no cell (the territory).
    action : str, optional
        URL of the filter form; None for none (standalone files).
    demo_label : str, optional
        Shown in the title for demonstration data.
    kind, theme : str, optional
        The filters the cells were computed with (shown selected in the form).
    """
    title = "Carte publique : observations agrégées, quartiers et lieux d'aide"
    if demo_label:
        title += f" ({demo_label})"
    fit = padded(geojson_bounds([cells])) or geojson_bounds([qpv_fc]) or fallback_bounds
    m = base_map(title, fit, tiles)
    page.add_page_css(m)
    above: list[Part] = []
    if action is not None:
        above.append(filter_form(kind, theme, generation, action, demo=bool(demo_label)))
    if qpv_fc.get("features"):
        qpv_layer(qpv_fc, generation).add_to(m)
    if cells.get("features"):
        cells_layer(cells).add_to(m)
    helpers = actor_markers(actors)
    helpers.add_to(m)
    entries: list[tuple[str, str, str]] = [
        (f"background:{colour};border:1px solid #444", "", label)
        for _low, colour, label in COUNT_CLASSES
    ]
    legend = parts.legend_flow(
        [
            (
                "Observations par carré de 200 m (le nombre est dans l'infobulle et le tableau)",
                entries,
            ),
            (
                "Quartiers et lieux d'aide",
                [
                    (
                        f"background:{QPV_STYLE['fillColor']};border:2px solid "
                        f"{QPV_STYLE['color']}",
                        "",
                        f"quartier prioritaire (QPV {generation})",
                    ),
                    *[(css, "", label) for css, label in actor_legend(helpers)],
                ],
            ),
        ]
    )
    return MapPage(
        m, Heading(title, str(cells.get("methode") or "")), above, [legend, *_tables(cells, actors)]
    )


def filter_form(
    kind: str | None, theme: str | None, generation: int, action: str, demo: bool
) -> parts.FilterForm:
    """Type, theme or category, QPV generation."""
    g = grid()
    themes = [("", "Tous")] + [(c, g.label_of(c)) for c in (*g.themes, *g.category_codes)]
    fields: list[parts.Field] = [
        parts.select("kind", "Type", [("", "Tous"), *KIND_LABELS.items()], kind),
        parts.select("theme", "Thème ou catégorie", themes, theme),
        parts.select(
            "generation",
            "Génération des QPV",
            [("2015", "QPV 2015"), ("2024", "QPV 2024")],
            str(generation),
        ),
    ]
    if demo:
        fields.append(parts.Hidden("demo", "true"))
    return parts.form(action, "Filtres de la carte", fields)


def _tables(cells: dict[str, Any], actors: Sequence[dict[str, Any]]) -> list[Part]:
    rows = [
        (
            KIND_LABELS.get(p["kind"], p["kind"]),
            p["theme_label"],
            p["count"],
            p["first_month"]
            if p["first_month"] == p["last_month"]
            else f"{p['first_month']} à {p['last_month']}",
            p["cell"],
        )
        for p in (f["properties"] for f in cells.get("features", []))
    ]
    return [
        parts.table(
            "Carrés publiés",
            ["Type", "Thème", "Observations", "Période", "Carré"],
            rows,
            "cg-cells",
        ),
        parts.table(
            "Lieux d'aide",
            ["Lieu", "Distance", "Ouverture", "Téléphone"],
            actor_rows(actors),
            "cg-actors",
        ),
    ]
