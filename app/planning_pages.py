"""Typed view models of the dashboard and comparison pages: what each template shows, already
in French (suppressed counts said « < k », absences as sentences), built from the dicts of
:mod:`planning.dashboard`. The templates read these dataclasses only, never the dicts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app import planning_views as charts
from app.planning_views import below
from maps.charts import BarChart, DataTable
from maps.sketch import WalkSketch
from surveys.grid import grid


def _count(value: int | None, k: int) -> str:
    return str(value) if value is not None else below(k)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class QpvHeader:
    code: str
    name: str
    generation: int
    approximate: bool
    communes: tuple[str, ...]
    population: str


@dataclass(frozen=True)
class Absence:
    """One « ce qui manque » line: the emphasised part (may be empty) and the rest."""

    strong: str
    rest: str


@dataclass(frozen=True)
class OpenIssue:
    label: str
    state: str
    body: str
    opened_on: str
    age_days: str


@dataclass(frozen=True)
class PlanItem:
    title: str
    owner: str
    state: str
    overdue: bool
    due: str
    done_on: str


@dataclass(frozen=True)
class WalkItem:
    id: str
    title: str
    date: str
    slot: str
    status: str


@dataclass(frozen=True)
class NightStop:
    position: str
    stop: str
    walk: str
    date: str


@dataclass(frozen=True)
class DashboardCharts:
    changes: DataTable
    theme_slot: tuple[BarChart, DataTable]
    feeling: tuple[BarChart, DataTable]
    months: tuple[BarChart, DataTable]
    issues: tuple[BarChart, DataTable]
    plan: tuple[BarChart, DataTable]
    actors: tuple[BarChart, DataTable]
    schools: tuple[BarChart, DataTable]


@dataclass(frozen=True)
class DashboardView:
    qpv: QpvHeader
    year: int
    previous_year: int
    this_year: int
    public: bool
    min_count: int
    absences: tuple[Absence, ...]
    issues_reported: str
    issues_resolved: str
    median_days: str
    issues_open_now: str
    open_issues: tuple[OpenIssue, ...] | None
    actions_total: int
    actions_done: int
    actions_done_previous: int
    plan: tuple[PlanItem, ...] | None
    actor_distance_m: int
    schools_distance_m: int
    schools_reached: int
    schools_count: int
    pupils: int
    pupils_previous: int
    school_year: str
    previous_school_year: str
    walks: tuple[WalkItem, ...] | None
    night_stops: tuple[NightStop, ...]
    charts: DashboardCharts


def _population(q: dict[str, Any]) -> str:
    if not q["population"]:
        return "population inconnue"
    text = f"{q['population']:,}".replace(",", "\u202f") + " habitants"
    return text + (f" ({q['population_year']})" if q["population_year"] else "")


def _absences(d: dict[str, Any]) -> tuple[Absence, ...]:
    a, year = d["absences"], d["year"]
    if a["no_walk_this_year"]:
        last = (
            f" (dernière le {a['last_walk']})" if a["last_walk"] else " (aucune marche enregistrée)"
        )
        walks = Absence(f"Aucune marche exploratoire en {year}", last)
    else:
        walks = Absence(
            "", f"{d['walks']['current']} marche(s) en {year} (dernière le {a['last_walk']})"
        )
    night = a["night_stops_not_rewalked"]
    stops = (
        Absence(f"{night} arrêt(s) de marche de nuit jamais re-parcouru(s)", " depuis")
        if night
        else Absence("", "Tous les arrêts des marches de nuit ont été re-parcourus")
    )
    distance = d["actors"]["distance_m"]
    grounds = (
        Absence(
            f"Motifs sans acteur actif à moins de {distance} m",
            " : " + ", ".join(a["grounds_without_actor"]),
        )
        if a["grounds_without_actor"]
        else Absence(
            "", f"Chaque motif de discrimination a un acteur actif à moins de {distance} m"
        )
    )
    school_year = d["exhibitions"]["school_year"]
    colleges = (
        Absence(
            f"Collèges prioritaires non atteints par une exposition en {school_year}",
            " : " + ", ".join(a["priority_colleges_not_reached"]),
        )
        if a["priority_colleges_not_reached"]
        else Absence(
            "",
            "Tous les collèges du quartier ou proches ont accueilli une exposition en "
            f"{school_year}",
        )
    )
    return (walks, stops, grounds, colleges)


def dashboard(d: dict[str, Any], this_year: int) -> DashboardView:
    """The view model of ``/quartiers/{code}`` from :func:`planning.dashboard.dashboard`."""
    q, k = d["qpv"], int(d["min_count"])
    year, previous = int(d["year"]), int(d["previous_year"])
    iy = d["issues"][str(year)]
    median = iy["median_days_to_resolve"]
    issues_list = d["issues"].get("open_items")
    plan_list = d["actions"].get("list")
    walk_list = d["walks"].get("list")
    ex = d["exhibitions"]
    return DashboardView(
        qpv=QpvHeader(
            code=q["code"],
            name=q["name"],
            generation=int(q["generation"]),
            approximate=bool(q["approximate"]),
            communes=tuple(q["communes"]),
            population=_population(q),
        ),
        year=year,
        previous_year=previous,
        this_year=this_year,
        public=d["audience"] == "public",
        min_count=k,
        absences=_absences(d),
        issues_reported=_count(iy["reported"], k),
        issues_resolved=_count(iy["resolved"], k),
        median_days=f"{median} jours"
        if median is not None
        else f"non publié (moins de {k} résolutions)",
        issues_open_now=_count(d["issues"]["open_now"], k),
        open_issues=None
        if issues_list is None
        else tuple(
            OpenIssue(
                i["label"],
                _text(i["state"]),
                i["responsible_body"] or "",
                _text(i["opened_on"]),
                _text(i["age_days"]),
            )
            for i in issues_list
        ),
        actions_total=int(d["actions"]["total"]),
        actions_done=int(d["actions"]["done"][str(year)]),
        actions_done_previous=int(d["actions"]["done"][str(previous)]),
        plan=None
        if plan_list is None
        else tuple(
            PlanItem(
                x["title"],
                _text(x["owner"]),
                _text(x["label"]),
                bool(x["overdue"]),
                (x["due_date"] and str(x["due_date"])) or "",
                (x["done_on"] and str(x["done_on"])) or "",
            )
            for x in plan_list
        ),
        actor_distance_m=int(d["actors"]["distance_m"]),
        schools_distance_m=int(ex["distance_m"]),
        schools_reached=int(ex["reached"]),
        schools_count=len(ex["schools"]),
        pupils=int(ex["pupils"]),
        pupils_previous=int(ex["pupils_previous"]),
        school_year=str(ex["school_year"]),
        previous_school_year=str(ex["previous_school_year"]),
        walks=None
        if walk_list is None
        else tuple(
            WalkItem(
                str(w["id"]), w["title"], _text(w["date"]), w["slot_label"], _text(w["status"])
            )
            for w in walk_list
        ),
        night_stops=tuple(
            NightStop(_text(s["position"]), s["stop"], s["walk"], _text(s["date"]))
            for s in d["night_stops"].get("list") or []
        ),
        charts=DashboardCharts(
            changes=charts.changes(d),
            theme_slot=charts.theme_slot(d),
            feeling=charts.feeling(d),
            months=charts.months(d),
            issues=charts.issues(d),
            plan=charts.plan(d),
            actors=charts.actors(d),
            schools=charts.schools(d),
        ),
    )


# --- comparison ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareQpv:
    code: str
    name: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class CompareView:
    year: int
    public: bool
    min_count: int
    codes: str
    quartiers: tuple[CompareQpv, ...]
    table: DataTable
    chart: BarChart


def compare(body: dict[str, Any], codes: str) -> CompareView:
    """The view model of ``/quartiers/comparer`` from :func:`planning.dashboard.compare`."""
    year = int(body["year"])

    def missing(a: dict[str, Any]) -> tuple[str, ...]:
        out = []
        if a["no_walk_this_year"]:
            out.append(f"Aucune marche en {year}.")
        if a["night_stops_not_rewalked"]:
            out.append(f"{a['night_stops_not_rewalked']} arrêt(s) de nuit jamais re-parcouru(s).")
        if a["grounds_without_actor"]:
            out.append(f"Sans acteur proche : {', '.join(a['grounds_without_actor'])}.")
        if a["priority_colleges_not_reached"]:
            out.append(f"Collèges non atteints : {', '.join(a['priority_colleges_not_reached'])}.")
        return tuple(out)

    return CompareView(
        year=year,
        public=body["audience"] == "public",
        min_count=int(body["qpv"][0]["min_count"]) if body["qpv"] else 0,
        codes=codes,
        quartiers=tuple(
            CompareQpv(q["qpv"]["code"], q["qpv"]["name"], missing(q["absences"]))
            for q in body["qpv"]
        ),
        table=charts.compare_table(body),
        chart=charts.compare_chart(body),
    )


# --- walk report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairedRef:
    title: str
    date: str
    slot_label: str


@dataclass(frozen=True)
class BilanStop:
    position: str
    name: str
    walked_again: str
    last_date: str
    slots: str


@dataclass(frozen=True)
class BilanView:
    one_year_on: str
    actions_done: int
    actions_total: int
    actions_open: int
    actions_overdue: int
    actions_abandoned: int
    issues_resolved: int
    issues_open: int
    stops: tuple[BilanStop, ...]


@dataclass(frozen=True)
class StopRow:
    position: str
    name: str
    lon: str
    lat: str


@dataclass(frozen=True)
class Proposal:
    text: str
    where: str
    theme: str


@dataclass(frozen=True)
class Remark:
    theme: str
    comment: str
    rating: str
    feeling: str | None
    works_well: bool


@dataclass(frozen=True)
class StopRemarks:
    heading: str
    remarks: tuple[Remark, ...]


@dataclass(frozen=True)
class Photo:
    data_uri: str
    alt: str
    caption: str


@dataclass(frozen=True)
class ActionLine:
    title: str
    description: str
    owner: str
    due: str
    state: str
    overdue: bool
    done_on: str


@dataclass(frozen=True)
class IssueLine:
    label: str
    stop: str
    body: str
    state: str
    resolved_on: str


@dataclass(frozen=True)
class ReportView:
    version: str
    version_label: str
    generated_on: str
    demo: bool
    title: str
    date: str
    slot_label: str
    quartiers: str
    organiser: str
    women_only: bool
    participants: str
    group_size: str
    published: int
    pending: int
    status_label: str
    paired: PairedRef | None
    paragraphs: tuple[str, ...]
    bilan: BilanView | None
    stop_rows: tuple[StopRow, ...]
    sketch: WalkSketch
    themes: tuple[BarChart, DataTable]
    stops: DataTable
    comparison: tuple[BarChart, DataTable] | None
    proposals: tuple[Proposal, ...]
    remarks: tuple[StopRemarks, ...]
    photos: tuple[Photo, ...]
    actions: tuple[ActionLine, ...]
    issues: tuple[IssueLine, ...]


def _where(position: Any, stop: Any) -> str:
    return f"arrêt {position} — {stop}" if position else "hors des arrêts prévus"


def _bilan_view(b: dict[str, Any] | None) -> BilanView | None:
    if not b:
        return None
    return BilanView(
        one_year_on=str(b["one_year_on"]),
        actions_done=int(b["actions_done"]),
        actions_total=int(b["actions_total"]),
        actions_open=int(b["actions_open"]),
        actions_overdue=int(b["actions_overdue"]),
        actions_abandoned=int(b["actions_abandoned"]),
        issues_resolved=int(b["issues_resolved"]),
        issues_open=int(b["issues_open"]),
        stops=tuple(
            BilanStop(
                _text(s["position"]),
                str(s["name"]),
                _text(s["walked_again"]),
                str(s["last_date"] or "jamais"),
                ", ".join(s["slots"]),
            )
            for s in b["stops"]
        ),
    )


def _remarks(observations: list[dict[str, Any]]) -> tuple[StopRemarks, ...]:
    groups: dict[int, list[dict[str, Any]]] = {}
    for o in observations:
        groups.setdefault(int(o["stop_group"]), []).append(o)
    found = []
    for key in sorted(groups):
        items = groups[key]
        heading = f"Arrêt {key} — {items[0]['stop']}" if key else "Hors des arrêts prévus"
        found.append(
            StopRemarks(
                heading,
                tuple(
                    Remark(
                        o["theme_label"],
                        o["comment"] or "(sans commentaire)",
                        _text(o["rating"]),
                        None if o["feeling"] is None else str(o["feeling"]),
                        bool(o["works_well"]),
                    )
                    for o in items
                ),
            )
        )
    return tuple(found)


def report(r: dict[str, Any]) -> ReportView:
    """The view model of the printable walk report from :func:`planning.report.walk_report`."""
    w = r["walk"]
    used = {t["theme"] for t in r["themes"]}
    theme_codes = [(code, grid().label_of(code)) for code in grid().themes if code in used]
    paired = r["paired"]
    text = r.get("text") or ""
    return ReportView(
        version=str(r["version"]),
        version_label=str(r["version_label"]),
        generated_on=str(r["generated_on"]),
        demo=bool(w.get("demo")),
        title=str(w["title"]),
        date=_text(w["date"]),
        slot_label=str(w["slot_label"]),
        quartiers=", ".join(f"{q['name']} ({q['code']})" for q in r["qpv"]),
        organiser=w["organiser"] or "—",
        women_only=bool(w["women_only"]),
        participants=_text(w["participants_count"]),
        group_size=_text(w["group_size"]) if w["group_size"] else "",
        published=int(r["moderation"].get("publiee", 0)),
        pending=int(r["moderation"].get("en_attente") or 0),
        status_label=str(w["status_label"]),
        paired=PairedRef(str(paired["title"]), _text(paired["date"]), str(paired["slot_label"]))
        if paired
        else None,
        paragraphs=tuple(text.split("\n\n")) if text else (),
        bilan=_bilan_view(r["bilan"]),
        stop_rows=tuple(
            StopRow(
                _text(s["position"]),
                str(s["name"]),
                f"{s['location']['coordinates'][0]:.5f}",
                f"{s['location']['coordinates'][1]:.5f}",
            )
            for s in w["stops"]
        ),
        sketch=charts.sketch(r),
        themes=charts.report_themes(r),
        stops=charts.report_stops(r, theme_codes),
        comparison=charts.report_comparison(r) if r["comparison"] else None,
        proposals=tuple(
            Proposal(o["proposal"], _where(o["position"], o["stop"]), o["theme_label"].lower())
            for o in r["observations"]
            if o["proposal"]
        ),
        remarks=_remarks(r["observations"]),
        photos=tuple(
            Photo(
                p["data_uri"],
                "Photo prise "
                + (
                    f"à l'arrêt {p['position']} ({p['stop']})"
                    if p["position"]
                    else "hors des arrêts prévus"
                )
                + f", thème : {p['theme_label']}",
                (
                    f"Arrêt {p['position']} — {p['stop']}"
                    if p["position"]
                    else "Hors des arrêts prévus"
                )
                + f" · {p['theme_label']}",
            )
            for p in r["photos"]
        ),
        actions=tuple(
            ActionLine(
                a["title"],
                a["description"] or "",
                _text(a["owner"]),
                a["due_date"] or "à fixer",
                str(a["status_label"]),
                bool(a["overdue"]),
                a["done_on"] or "",
            )
            for a in r["actions"]
        ),
        issues=tuple(
            IssueLine(
                i["label"],
                i["stop"] or "",
                i["responsible_body"] or "",
                i["state"],
                i["resolved_on"] or "",
            )
            for i in r["issues"]
        ),
    )


@dataclass(frozen=True)
class FacilityRow:
    name: str
    kind: str
    where: str
    free_access: str


@dataclass(frozen=True)
class ShareRow:
    place: str
    cells: tuple[str, ...]
    """One per time slot, then all slots together: « 38 % (12 séances) » or « moins de k »."""


@dataclass(frozen=True)
class SportView:
    """« Sports et femmes » on a QPV's dashboard."""

    facilities: tuple[FacilityRow, ...]
    slots: tuple[str, ...]
    shares: tuple[ShareRow, ...]
    quarters: tuple[tuple[str, str], ...]
    min_sessions: int
    minutes: int
    source: str


def _share(cell: dict[str, Any], k: int) -> str:
    if cell["sessions"] is None:
        return f"moins de {k} séances"
    share = "—" if cell["share"] is None else f"{cell['share']} %"
    return f"{share} ({cell['sessions']} séances, {cell['people']} personnes)"


def sport(s: dict[str, Any]) -> SportView:
    """The view model of the dashboard's « Sports et femmes » section."""
    k = int(s["min_sessions"])
    sources = {f"{f['source']}, extraction du {f['source_date']}" for f in s["facilities"]}
    return SportView(
        facilities=tuple(
            FacilityRow(
                f["name"],
                f["kind"] or "—",
                "dans le quartier" if f["inside"] else f"à {f['distance_m']} m",
                {True: "oui", False: "non"}.get(f["free_access"], "non renseigné"),
            )
            for f in s["facilities"]
        ),
        slots=tuple(s["slots"]),
        shares=tuple(
            ShareRow(r["place"], tuple(_share(c, k) for c in [*r["slots"], r["all"]]))
            for r in s["shares"]
        ),
        quarters=tuple((q["quarter"], _share(q, k)) for q in s["quarters"]),
        min_sessions=k,
        minutes=int(s["minutes"]),
        source=" ; ".join(sorted(sources)) or "—",
    )


@dataclass(frozen=True)
class EvaluationLine:
    code: str
    commitment: str
    pilot: str
    indicator: str
    value: str
    previous: str
    target: str
    target_note: str
    query: str
    sql: str


@dataclass(frozen=True)
class EvaluationView:
    territory_name: str
    year: int
    k: int
    lines: tuple[EvaluationLine, ...]


def _figure(value: float | None, hidden: bool, kind: str, k: int) -> str:
    if hidden:
        return f"moins de {k}" if kind == "count" else f"non publié (moins de {k})"
    if value is None:
        return "—"
    number = f"{value:g}".replace(".", ",")
    return {"share": f"{number} %", "median": f"{number} jours"}.get(kind, number)


def evaluation(e: Any) -> EvaluationView:
    """The view model of ``/evaluation`` from :func:`planning.evaluation.evaluate`."""
    return EvaluationView(
        territory_name=e.territory_name,
        year=e.year,
        k=e.k,
        lines=tuple(
            EvaluationLine(
                code=line.commitment.code,
                commitment=line.commitment.commitment,
                pilot=line.commitment.pilot,
                indicator=line.commitment.indicator,
                value=_figure(line.value, line.hidden, line.commitment.kind, e.k),
                previous=_figure(line.previous, line.previous_hidden, line.commitment.kind, e.k),
                target=_figure(line.commitment.target, False, line.commitment.kind, e.k),
                target_note=line.commitment.target_note,
                query=line.commitment.query,
                sql=line.sql,
            )
            for line in e.lines
        ),
    )
