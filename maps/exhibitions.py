"""The exhibitions coverage page: QPV shaded by pupils reached, schools marked reached / priority
not reached / other (shape, glyph and words, never colour alone), the exhibitions' circulation,
and the same information as tables. Pure: a :class:`~exhibitions.models.Coverage` in, a
:class:`~maps.parts.MapPage` out."""

from __future__ import annotations

import html
from collections import defaultdict
from typing import Any

import folium
from branca.element import CssLink, Figure

from exhibitions import coverage as coverage_table
from exhibitions import themes as theme_vocab
from exhibitions.models import Circulation, Coverage, CoveredSchool, priority_label
from geo.errors import InvariantError
from maps import parts
from maps.layers import escape_properties
from maps.parts import Heading, MapPage, Part
from maps.render import Bounds, base_map, geojson_bounds
from maps.styles import Tiles
from ui.templating import render

PUPIL_BINS: tuple[tuple[int, str, str], ...] = (
    (0, "#f2f0f7", "aucun élève touché"),
    (1, "#cbc9e2", "1 à 99 élèves"),
    (100, "#9e9ac8", "100 à 299 élèves"),
    (300, "#6a51a3", "300 élèves ou plus"),
)
"""(lower bound, fill colour, French label) of the QPV choropleth, lightest first."""

MARKERS = {
    "reached": ("cg-reached", "✓", "atteint cette année"),
    "missed": ("cg-missed", "✗", "prioritaire, non atteint cette année"),
    "other": ("cg-other", "○", "autre établissement, non atteint"),
}
"""Category → (CSS class, glyph, French words). Each category differs by shape AND glyph."""

COVERAGE_CSS = "/static/app/couverture.css"
"""The page's own stylesheet (school markers, tables, legend), served by the app."""


def pupils_colour(pupils: int) -> str:
    """Fill colour of a QPV from the pupils reached there this school year."""
    colour = PUPIL_BINS[0][1]
    for low, fill, _label in PUPIL_BINS:
        if pupils >= low:
            colour = fill
    return colour


def category(school: CoveredSchool) -> str:
    """``reached``, ``missed`` (priority, not reached) or ``other``."""
    if school.year.reached:
        return "reached"
    return "missed" if school.is_priority else "other"


def qpv_choropleth(coverage: Coverage, qpv_fc: dict[str, Any]) -> folium.GeoJson:
    """QPV polygons shaded by pupils reached in the school year, with figures in tooltips."""
    by_code = {q.code: q for q in coverage.qpv}
    safe = escape_properties(qpv_fc)
    for feature in safe["features"]:
        props = feature["properties"]
        q = by_code.get(props.get("code"))
        props["pupils"] = q.pupils if q else 0
        props["reached"] = f"{q.reached} sur {len(q.schools)}" if q else "—"
        props["themes_label"] = (
            html.escape(", ".join(theme_vocab.label(t) for t in q.themes)) if q else ""
        ) or "—"
    return folium.GeoJson(
        safe,
        name=f"Quartiers : élèves touchés en {coverage.school_year}",
        style_function=lambda f: {
            "color": "#3f007d",
            "weight": 2,
            "fillColor": pupils_colour(int(f["properties"].get("pupils") or 0)),
            "fillOpacity": 0.6,
        },
        highlight_function=lambda _f: {"weight": 4},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "pupils", "reached", "themes_label"],
            aliases=["Quartier", "Élèves touchés", "Établissements atteints", "Thèmes"],
            labels=True,
        ),
    )


def _school_popup(school: CoveredSchool, names: dict[str, str]) -> str:
    near = ", ".join(
        f"{names.get(code, code)} ({'dans le quartier' if m == 0 else f'{m} m'})"
        for code, m in school.qpv
    )
    rows = [
        ("UAI", school.uai),
        ("Commune", school.commune or "—"),
        ("Éducation prioritaire", priority_label(school.priority)),
        ("Effectif", str(school.enrolment) if school.enrolment is not None else "inconnu"),
        ("Quartier(s)", near or "—"),
        ("Présentations cette année", str(school.year.showings)),
        ("Élèves touchés", str(school.year.pupils)),
        ("Thèmes", ", ".join(theme_vocab.label(t) for t in school.year.themes) or "—"),
        ("Dernière présentation (3 ans)", _day(school.window.last_showing)),
    ]
    return render("maps/school_popup.html", name=school.name, rows=rows)


def _day(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def school_markers(coverage: Coverage) -> list[folium.FeatureGroup]:
    """One layer per category of school, markers shaped and labelled by category."""
    names = {q.code: q.name for q in coverage.qpv}
    titles = {
        "reached": "✓ Établissements atteints",
        "missed": "✗ Prioritaires non atteints",
        "other": "○ Autres établissements",
    }
    groups = {key: folium.FeatureGroup(name=title) for key, title in titles.items()}
    for school in coverage.schools:
        key = category(school)
        css, glyph, words = MARKERS[key]
        label = f"{school.name} : {words}"
        icon = folium.DivIcon(
            html=render("maps/school_icon.html", css=css, label=label, glyph=glyph),
            icon_size=(24, 24) if key != "other" else (16, 16),
            icon_anchor=(12, 12) if key != "other" else (8, 8),
            class_name="cg-marker",
        )
        folium.Marker(
            location=[school.lat, school.lon],
            icon=icon,
            tooltip=folium.Tooltip(html.escape(label)),
            popup=folium.Popup(_school_popup(school, names), max_width=340),
        ).add_to(groups[key])
    return [groups["other"], groups["missed"], groups["reached"]]


def circulation_layer(circulation: tuple[Circulation, ...]) -> folium.FeatureGroup:
    """The path of each physical copy from school to school, in date order."""
    group = folium.FeatureGroup(name="Circulation des exemplaires", show=True)
    paths: dict[tuple[str, int], list[Circulation]] = defaultdict(list)
    for stop in circulation:
        paths[(stop.exhibition_title, stop.copy_number)].append(stop)
    for (title, copy), stops in sorted(paths.items()):
        stops.sort(key=lambda s: s.start_date)
        if len(stops) < 2:
            continue
        route = " → ".join(s.school_name for s in stops)
        folium.PolyLine(
            [[s.lat, s.lon] for s in stops],
            color="#1a1a1a",
            weight=2,
            dash_array="6 6",
            tooltip=folium.Tooltip(html.escape(f"« {title} », exemplaire n° {copy} : {route}")),
        ).add_to(group)
    return group


def legend(distance_m: int) -> parts.LegendFlow:
    """The legend, in the page flow under the map: shapes and glyphs said in words."""
    entries: list[tuple[str, str]] = [
        ("background:#1b7837;border-radius:50%", "✓ rond vert : atteint cette année"),
        ("background:#b2182b;border-radius:3px", "✗ carré rouge : prioritaire non atteint"),
        (
            "background:#595959;border-radius:50%;width:10px;height:10px",
            "○ petit rond gris : autre",
        ),
    ]
    entries += [
        (f"background:{fill};border:2px solid #3f007d", f"Quartier : {label}")
        for _low, fill, label in PUPIL_BINS
    ]
    entries.append(("border-top:2px dashed #1a1a1a;height:0", "Circulation d'un exemplaire"))
    title = f"Légende (prioritaire : dans un QPV ou à moins de {distance_m} m, ou REP/REP+)"
    return parts.legend_flow([("", [(css, "", label) for css, label in entries])], title)


def coverage_page(
    coverage: Coverage,
    qpv_fc: dict[str, Any],
    tiles: Tiles | None,
    fallback_bounds: Bounds | None = None,
    csv_url: str = "",
) -> MapPage:
    """The whole page: heading, year selector, map, and the tables (QPV summary, priority
    schools not reached, coverage lines, circulation).

    Parameters
    ----------
    coverage : Coverage
        From ``exhibitions.service.coverage``.
    qpv_fc : dict
        GeoJSON FeatureCollection of the QPV of ``coverage.generation`` (``code``, ``name``).
    tiles : Tiles, optional
        Base layer, or None.
    fallback_bounds : tuple, optional
        Extent to show when there is nothing to fit.
    csv_url : str
        Link to the CSV export of the coverage table.
    """
    year = coverage.school_year
    title = f"Expositions dans les établissements : couverture {year}"
    priority = [s for s in coverage.schools if s.is_priority]
    points = {"features": [{"geometry": {"coordinates": [s.lon, s.lat]}} for s in priority]}
    # Fitted to the QPV and the priority schools; the other schools are a pan away.
    m = base_map(title, geojson_bounds([qpv_fc, points]) or fallback_bounds, tiles)
    missed = coverage.not_reached
    note = (
        f"{len(priority)} établissement(s) prioritaire(s) (dans un QPV {coverage.generation}, "
        f"à moins de {coverage.distance_m} m, ou en REP/REP+) : "
        f"{len(priority) - len(missed)} atteint(s), {len(missed)} non atteint(s) en {year}."
    )
    root = m.get_root()
    if not isinstance(root, Figure):
        raise InvariantError("expected isinstance(root, Figure)")
    root.header.add_child(CssLink(COVERAGE_CSS), name="couverture.css")
    if qpv_fc.get("features"):
        qpv_choropleth(coverage, qpv_fc).add_to(m)
    circulation_layer(coverage.circulation).add_to(m)
    for group in school_markers(coverage):
        group.add_to(m)
    below = [legend(coverage.distance_m), *_tables(coverage)]
    return MapPage(m, Heading(title, note), _controls(coverage, csv_url), below, "cg-tables")


PAGE_COLUMNS = (
    "quartier",
    "distance_m",
    "uai",
    "etablissement",
    "education_prioritaire",
    "effectif",
    "atteint_annee",
    "eleves_annee",
    "themes_annee",
    "atteint_3_ans",
    "derniere_presentation",
)
"""Columns of the coverage table shown on the page, by name (the CSV has them all)."""


def _page_columns() -> list[int]:
    """Positions of :data:`PAGE_COLUMNS` in the table's rows."""
    return [coverage_table.TABLE_HEADERS.index(name) for name in PAGE_COLUMNS]


def _tables(coverage: Coverage) -> list[Part]:
    return [
        _not_reached_table(coverage),
        _qpv_table(coverage),
        _coverage_table(coverage),
        _circulation_table(coverage),
    ]


def _not_reached_table(coverage: Coverage) -> parts.Table:
    names = {q.code: q.name for q in coverage.qpv}
    return parts.table(
        f"Établissements prioritaires non atteints en {coverage.school_year} "
        "(par effectif décroissant)",
        [
            "UAI",
            "Établissement",
            "Commune",
            "Éducation prioritaire",
            "Effectif",
            "Quartier(s) proche(s)",
            f"Dernière présentation depuis {coverage.window_start}",
            "Équipe",
        ],
        [
            (
                s.uai,
                s.name,
                s.commune,
                priority_label(s.priority),
                s.enrolment,
                ", ".join(names.get(c, c) for c, _m in s.qpv) or "—",
                _day(s.window.last_showing),
                parts.LinkCell(
                    "réserver une présentation", f"/equipe/expositions/reserver?uai={s.uai}"
                ),
            )
            for s in coverage.not_reached
        ],
        "cg-not-reached",
    )


def _qpv_table(coverage: Coverage) -> parts.Table:
    return parts.table(
        f"Couverture par quartier prioritaire en {coverage.school_year}",
        [
            "Code",
            "Quartier",
            "Établissements",
            "Atteints",
            "Élèves touchés",
            f"Atteints depuis {coverage.window_start}",
            "Thèmes abordés",
        ],
        [
            (
                q.code,
                q.name,
                len(q.schools),
                q.reached,
                q.pupils,
                q.reached_window,
                ", ".join(theme_vocab.label(t) for t in q.themes),
            )
            for q in coverage.qpv
        ],
        "cg-qpv-table",
    )


def _coverage_table(coverage: Coverage) -> parts.Table:
    return parts.table(
        "Tableau de couverture : une ligne par établissement prioritaire et quartier "
        "(toutes les colonnes dans l'export CSV)",
        [coverage_table.PAGE_LABELS[i] for i in _page_columns()],
        [tuple(row[i] for i in _page_columns()) for row in coverage_table.table_rows(coverage)],
        "cg-table",
    )


def _circulation_table(coverage: Coverage) -> parts.Table:
    return parts.table(
        f"Circulation des expositions depuis {coverage.window_start}",
        ["Exposition", "Exemplaire", "Du", "Au", "Établissement", "Commune", "Élèves"],
        [
            (
                c.exhibition_title,
                c.copy_number,
                _day(c.start_date),
                _day(c.end_date),
                c.school_name,
                c.commune,
                c.pupils,
            )
            for c in coverage.circulation
        ],
        "cg-circulation",
    )


def _controls(coverage: Coverage, csv_url: str) -> list[Part]:
    fields: list[parts.Field] = [
        parts.TextInput(
            "school_year",
            "Année scolaire (AAAA-AAAA)",
            str(coverage.school_year),
            "school_year",
            pattern="[0-9]{4}-[0-9]{4}",
            size=10,
        ),
        parts.select(
            "generation",
            "Génération des QPV",
            [(str(g), f"QPV {g}") for g in (2015, 2024)],
            str(coverage.generation),
            id="generation",
        ),
    ]
    found: list[Part] = [parts.form(None, "Choix de l'année", fields)]
    if csv_url:
        found.append(parts.Link(csv_url, "Télécharger le tableau de couverture (CSV)", True))
    return found
