"""Charts and tables of the planning pages, laid out from the dashboard and report dicts as
data (:class:`~maps.charts.BarChart`, :class:`~maps.charts.DataTable`,
:class:`~maps.sketch.WalkSketch`) that the templates draw with their macros."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from maps.charts import BarChart, DataTable, bar_chart, table
from maps.sketch import WalkSketch, walk_sketch

SHORT = {
    "reperage": "Repérage",
    "visibilite": "Visibilité",
    "animation": "Animation",
    "aide": "Aide",
    "entretien": "Entretien",
    "usages": "Usages",
}
"""Short names of the six principles, for table headers."""


def below(k: int) -> str:
    """How a count smaller than ``k`` is shown on a public page (« < 5 »)."""
    return "< " + str(k)


def _hidden(d: dict[str, Any]) -> str:
    return below(d["min_count"]) if d["audience"] == "public" else "—"


def theme_slot(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Observations of the year by theme (rows) and time slot (series)."""
    cells = d["observations"]["by_theme_slot"]
    themes = list(dict.fromkeys(c["theme_label"] for c in cells))
    slots = list(dict.fromkeys(c["slot_label"] for c in cells))
    value = {(c["theme_label"], c["slot_label"]): c["count"] for c in cells}
    title = f"Observations de marche {d['year']} par thème et moment"
    chart = bar_chart(title, themes, [(s, [value[(t, s)] for t in themes]) for s in slots])
    rows = [[t, *(value[(t, s)] for s in slots)] for t in themes]
    return chart, table(title, ["Thème", *slots], rows, _hidden(d))


def feeling(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Mean feeling of safety by time slot, this year and last year."""
    y, p = str(d["year"]), str(d["previous_year"])
    by = d["observations"]["feeling_by_slot"]
    labels = [s["label"] for s in by[y]]
    title = "Sentiment de sécurité moyen (0 = pas du tout en sécurité, 3 = en sécurité)"
    chart = bar_chart(
        title,
        labels,
        [(p, [s["mean"] for s in by[p]]), (y, [s["mean"] for s in by[y]])],
        max_value=3,
        hidden_label="non publié" if d["audience"] == "public" else "sans donnée",
    )
    rows = [
        [a["label"], b["count"], b["mean"], a["count"], a["mean"]]
        for a, b in zip(by[y], by[p], strict=True)
    ]
    head = ["Moment", f"Observations {p}", f"Moyenne {p}", f"Observations {y}", f"Moyenne {y}"]
    return chart, table(title, head, rows, _hidden(d))


def months(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Observations month by month, this year against last year."""
    y, p = str(d["year"]), str(d["previous_year"])
    rows = {m["month"]: m for m in d["observations"]["by_month"]}
    names = [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ]
    title = "Évolution : observations de marche par mois"
    series = [(yr, [rows[f"{yr}-{m:02d}"]["count"] for m in range(1, 13)]) for yr in (p, y)]
    chart = bar_chart(title, names, series)
    body = [
        [
            names[m - 1],
            rows[f"{p}-{m:02d}"]["count"],
            rows[f"{p}-{m:02d}"]["mean_feeling"],
            rows[f"{y}-{m:02d}"]["count"],
            rows[f"{y}-{m:02d}"]["mean_feeling"],
        ]
        for m in range(1, 13)
    ]
    head = ["Mois", f"Observations {p}", f"Sentiment {p}", f"Observations {y}", f"Sentiment {y}"]
    return chart, table(title, head, body, _hidden(d))


def issues(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Issues reported in the year by category, still open or closed."""
    y = d["issues"][str(d["year"])]
    labels = [c["label"] for c in y["by_category"]]
    title = f"Signalements GUSP {d['year']} par catégorie : ouverts ou clos aujourd'hui"
    chart = bar_chart(
        title,
        labels or ["aucun signalement"],
        [
            ("ouverts", [c["open"] for c in y["by_category"]] or [0]),
            ("clos", [c["closed"] for c in y["by_category"]] or [0]),
        ],
    )
    rows = [[c["label"], c["open"], c["closed"]] for c in y["by_category"]]
    return chart, table(title, ["Catégorie", "Ouverts", "Clos"], rows, _hidden(d))


def plan(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Actions by status (chart) and by owner (table)."""
    a = d["actions"]
    title = "Actions du plan par état"
    chart = bar_chart(
        title,
        [s["label"] for s in a["by_status"]],
        [("actions", [s["count"] for s in a["by_status"]])],
    )
    labels = [s["label"] for s in a["by_status"]]
    rows = [
        [o["owner"], *(o["by_status"][s["status"]] for s in a["by_status"]), o["total"]]
        for o in a["by_owner"]
    ]
    owners = table("Actions par porteur et par état", ["Porteur", *labels, "Total"], rows)
    return chart, owners


def actors(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Distance from the QPV to the nearest active actor, per ground."""
    a = d["actors"]
    title = "Distance du quartier à l'acteur actif le plus proche, par motif de discrimination"
    chart = bar_chart(
        title,
        [g["label"] for g in a["grounds"]],
        [
            (
                "distance",
                [g["nearest"]["distance_m"] if g["nearest"] else None for g in a["grounds"]],
            )
        ],
        unit=" m",
        threshold=(a["distance_m"], f"{a['distance_m']} m"),
        hidden_label="aucun acteur",
    )
    rows = [
        [
            g["label"],
            g["nearest"]["name"] if g["nearest"] else "aucun",
            g["nearest"]["commune"] if g["nearest"] else "",
            g["nearest"]["distance_m"] if g["nearest"] else "",
            g["within"],
        ]
        for g in a["grounds"]
    ]
    head = [
        "Motif",
        "Acteur le plus proche",
        "Commune",
        "Distance (m)",
        f"À moins de {a['distance_m']} m",
    ]
    return chart, table(title, head, rows)


def schools(d: dict[str, Any]) -> tuple[BarChart, DataTable]:
    """Pupils reached per school in or near the QPV."""
    e = d["exhibitions"]
    title = f"Élèves touchés par les expositions, année scolaire {e['school_year']}"
    chart = bar_chart(
        title,
        [s["name"] for s in e["schools"]] or ["aucun établissement"],
        [("élèves", [s["pupils"] for s in e["schools"]] or [0])],
    )
    rows = [
        [
            s["name"],
            s["level_label"],
            s["priority"],
            s["distance_m"],
            s["reached"],
            s["showings"],
            s["pupils"],
        ]
        for s in e["schools"]
    ]
    head = [
        "Établissement",
        "Niveau",
        "Éducation prioritaire",
        "Distance au QPV (m)",
        "Atteint",
        "Expositions",
        "Élèves",
    ]
    return chart, table(title, head, rows)


def changes(d: dict[str, Any]) -> DataTable:
    """The « what changed since last year » table, with the direction in words."""
    rows = []
    for c in d["changes"]:
        before, now = c["previous"], c["current"]
        trend = ""
        if isinstance(before, (int, float)) and isinstance(now, (int, float)):
            trend = "en hausse" if now > before else "en baisse" if now < before else "stable"
        rows.append([c["label"], before, now, trend])
    head = ["Indicateur", str(d["previous_year"]), str(d["year"]), "Évolution"]
    return table(f"Ce qui a changé depuis {d['previous_year']}", head, rows, _hidden(d))


def compare_table(body: dict[str, Any]) -> DataTable:
    """Side-by-side indicators of several QPV."""
    qs = body["qpv"]
    y = str(body["year"])
    lines: list[tuple[str, Any]] = [
        ("Population", lambda q: q["qpv"]["population"]),
        (f"Marches {y}", lambda q: q["walks"]["current"]),
        (f"Observations {y}", lambda q: q["observations"]["total"][y]),
        ("Sentiment de sécurité moyen", lambda q: q["observations"]["feeling"][y]["mean"]),
        (
            "Sentiment après la tombée de la nuit",
            lambda q: q["observations"]["feeling_night"][y]["mean"],
        ),
        (f"Signalements GUSP {y}", lambda q: q["issues"][y]["reported"]),
        ("Signalements ouverts aujourd'hui", lambda q: q["issues"]["open_now"]),
        ("Délai médian de résolution (jours)", lambda q: q["issues"][y]["median_days_to_resolve"]),
        ("Actions réalisées dans l'année", lambda q: q["actions"]["done"][y]),
        ("Motifs sans acteur proche", lambda q: len(q["absences"]["grounds_without_actor"])),
        ("Élèves touchés (année scolaire)", lambda q: q["exhibitions"]["pupils"]),
        (
            "Collèges prioritaires non atteints",
            lambda q: len(q["absences"]["priority_colleges_not_reached"]),
        ),
        ("Arrêts de nuit jamais re-parcourus", lambda q: q["absences"]["night_stops_not_rewalked"]),
    ]
    rows = [[label, *(get(q) for q in qs)] for label, get in lines]
    head = ["Indicateur", *(f"{q['qpv']['name']} ({q['qpv']['code']})" for q in qs)]
    hidden = below(qs[0]["min_count"]) if body["audience"] == "public" else "—"
    return table("Comparaison des quartiers", head, rows, hidden)


def compare_chart(body: dict[str, Any]) -> BarChart:
    y = str(body["year"])
    qs = body["qpv"]
    title = "Sentiment de sécurité moyen, de jour et après la tombée de la nuit"
    return bar_chart(
        title,
        [q["qpv"]["name"] for q in qs],
        [
            ("ensemble", [q["observations"]["feeling"][y]["mean"] for q in qs]),
            ("nuit", [q["observations"]["feeling_night"][y]["mean"] for q in qs]),
        ],
        max_value=3,
    )


# --- walk report -------------------------------------------------------------------------------


def sketch(report: dict[str, Any]) -> WalkSketch:
    """The static map of the walk (route, numbered stops, QPV outline)."""
    walk = report["walk"]
    stops = [(s["position"], s["name"], tuple(s["location"]["coordinates"])) for s in walk["stops"]]
    route = [tuple(p) for p in walk["route"]["coordinates"]] if walk.get("route") else None
    outlines = []
    for q in report["qpv"]:
        geom = q["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        outlines += [[[tuple(p) for p in ring] for ring in poly] for poly in polys]
    return walk_sketch(
        f"Parcours et arrêts de la marche « {walk['title']} »", stops, route, outlines
    )


def report_themes(report: dict[str, Any]) -> tuple[BarChart, DataTable]:
    t = report["themes"]
    title = "Appréciation et sentiment de sécurité moyens par thème (0 à 3)"
    chart = bar_chart(
        title,
        [x["label"] for x in t] or ["aucune observation publiée"],
        [
            ("appréciation", [x["rating_mean"] for x in t] or [0]),
            ("sentiment de sécurité", [x["feeling_mean"] for x in t] or [0]),
        ],
        max_value=3,
        hidden_label="—",
    )
    rows = [
        [x["label"], x["observations"], x["rating_mean"], x["feeling_mean"], x["works_well"]]
        for x in t
    ]
    head = [
        "Thème",
        "Observations",
        "Appréciation moyenne",
        "Sentiment de sécurité moyen",
        "Points forts",
    ]
    return chart, table(title, head, rows, "—")


def report_stops(report: dict[str, Any], themes: list[tuple[str, str]]) -> DataTable:
    rows = [
        [
            f"{s['position']}. {s['name']}",
            s["observations"],
            s["rating_mean"],
            s["feeling_mean"],
            *(s["rating_by_theme"].get(code) for code, _ in themes),
        ]
        for s in report["stops"]
    ]
    head = [
        "Arrêt",
        "Observations",
        "Appréciation",
        "Sentiment de sécurité",
        *(SHORT.get(code, label) for code, label in themes),
    ]
    return table("Appréciation moyenne par arrêt et par thème (0 à 3)", head, rows, "—")


def report_comparison(report: dict[str, Any]) -> tuple[BarChart, DataTable]:
    w, p = report["walk"], report["paired"]
    rows_in = report["comparison"] or []
    names = [f"{c['position']}. {c['name']}" for c in rows_in]

    def val(side: dict[str, Any] | None, key: str) -> float | None:
        return side[key] if side else None

    title = "Sentiment de sécurité moyen par arrêt : comparaison des deux marches"
    chart = bar_chart(
        title,
        names,
        [
            (w["slot_label"], [val(c["walk"], "feeling_mean") for c in rows_in]),
            (p["slot_label"], [val(c["paired"], "feeling_mean") for c in rows_in]),
        ],
        max_value=3,
        hidden_label="—",
    )
    rows = [
        [
            n,
            val(c["walk"], "observations"),
            val(c["walk"], "rating_mean"),
            val(c["walk"], "feeling_mean"),
            val(c["paired"], "observations"),
            val(c["paired"], "rating_mean"),
            val(c["paired"], "feeling_mean"),
        ]
        for n, c in zip(names, rows_in, strict=True)
    ]
    a, b = w["slot_label"], p["slot_label"]
    head = [
        "Arrêt",
        f"Observations ({a})",
        f"Appréciation ({a})",
        f"Sentiment ({a})",
        f"Observations ({b})",
        f"Appréciation ({b})",
        f"Sentiment ({b})",
    ]
    return chart, table(title, head, rows, "—")


# --- overview page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    """One QPV line of the overview page, as shown (suppressed counts already said in words)."""

    code: str
    name: str
    communes: tuple[str, ...]
    population: str
    walks: int
    observations: str
    issues_open_now: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class OverviewView:
    """The overview page: every QPV of the territory with its headline figures and absences."""

    year: int
    generation: int
    public: bool
    min_count: int
    rows: tuple[OverviewRow, ...]


def overview(body: dict[str, Any], min_count: int) -> OverviewView:
    """The view model of ``/quartiers`` from :func:`planning.dashboard.overview`."""
    year = int(body["year"])

    def shown(value: int | None) -> str:
        return str(value) if value is not None else below(min_count)

    def missing(a: dict[str, Any]) -> tuple[str, ...]:
        out = []
        if a["no_walk_this_year"]:
            out.append(f"aucune marche en {year}")
        if a["night_stops_not_rewalked"]:
            out.append(f"{a['night_stops_not_rewalked']} arrêt(s) de nuit jamais re-parcouru(s)")
        if a["grounds_without_actor"]:
            out.append(f"{len(a['grounds_without_actor'])} motif(s) sans acteur proche")
        if a["priority_colleges_not_reached"]:
            out.append(f"{len(a['priority_colleges_not_reached'])} collège(s) non atteint(s)")
        return tuple(out)

    rows = tuple(
        OverviewRow(
            code=q["code"],
            name=q["name"],
            communes=tuple(q["communes"]),
            population=str(q["population"]) if q["population"] else "—",
            walks=int(q["walks"]),
            observations=shown(q["observations"]),
            issues_open_now=shown(q["issues_open_now"]),
            missing=missing(q["absences"]),
        )
        for q in body["qpv"]
    )
    return OverviewView(
        year=year,
        generation=int(body["generation"]),
        public=body["audience"] == "public",
        min_count=min_count,
        rows=rows,
    )
