"""The campaign kit on paper (issue 21): an A4 directory of the nearest help places of a QPV or
commune, grouped by need, with the campaign's help lines and a QR code to the search of that
area; A3/A4 posters of the campaign with a QR code per place of display; and the scans of those
QR codes as published (k ≥ 5 per month, :func:`planning.suppress.suppress`).

Pages are typed views drawn by ``ui/templates/print``; PDF by Chromium (:mod:`app.pdf`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg

from actors import campaign_kit, helplines, hours
from actors.campaign_kit import Area
from app.pdf import html_to_pdf
from app.qr import QrCode, qr_code
from planning.suppress import suppress
from ui.templating import render

PAPERS = ("A4", "A3")
SCAN_MIN = 5
"""Scans are published per place of display and month from this count (issue 21)."""


@dataclass(frozen=True)
class PrintedPlace:
    name: str
    address: str
    phone: str | None
    hours: list[tuple[str, str]]
    """(weekday, « 9 h – 12 h, 14 h – 17 h ») of the open days."""
    hours_text: str | None
    distance: str | None


@dataclass(frozen=True)
class PrintedNeed:
    label: str
    places: list[PrintedPlace]


@dataclass(frozen=True)
class PrintedLine:
    name: str
    phone: str
    about: str
    hours: str | None
    cost: str | None
    source: str


@dataclass(frozen=True)
class DirectoryPage:
    area_name: str
    area_kind: str
    needs: list[PrintedNeed]
    lines: list[PrintedLine]
    url: str
    qr: QrCode
    printed_on: str


@dataclass(frozen=True)
class PosterPage:
    label: str
    paper: str
    lines: list[PrintedLine]
    url: str
    qr: QrCode
    printed_on: str


def search_url(base_url: str, area: Area | None, source: str) -> str:
    """The link of a QR code: the resident search of the area, naming its place of display."""
    query = {**(area.query if area else {}), "src": source}
    return f"{base_url.rstrip('/')}/aide?{urlencode(query)}"


def _weekly(expression: str | None) -> list[tuple[str, str]]:
    """The open days of a regular week (next Monday to Sunday) of an opening-hours
    expression (closed days are left out: paper is short)."""
    if not expression:
        return []
    now = hours.paris_now()
    monday = now + timedelta(days=(7 - now.weekday()) % 7 or 7)
    out = []
    for label, spans in hours.week(expression, monday):
        if spans:
            out.append((label.split(" ", 1)[0], ", ".join(spans)))
    return out


def _place(props: dict[str, Any]) -> PrintedPlace:
    address = " ".join(
        x for x in (props.get("adresse"), props.get("code_postal"), props.get("commune")) if x
    )
    return PrintedPlace(
        name=str(props["nom"]),
        address=address or "—",
        phone=props.get("telephone_display") or props.get("telephone"),
        hours=_weekly(props.get("horaires_accueil")),
        hours_text=props.get("hours_text"),
        distance=props.get("distance_label"),
    )


def campaign_lines(helplines_file: Path | None = None) -> list[PrintedLine]:
    """The campaign's help lines (AlloNantes, 3919, 39 28), from the one help-line file."""
    return [
        PrintedLine(
            name=line.name,
            phone=line.telephone_display or line.telephone or "",
            about=line.about,
            hours=line.hours,
            cost=line.cost,
            source=f"{line.source}, {line.source_date}",
        )
        for line in helplines.for_campaign(helplines_file)
    ]


def _today() -> str:
    return hours.french_date(hours.paris_now().date())


def directory_page(
    conn: psycopg.Connection[Any],
    territory_id: str,
    area: Area,
    base_url: str,
    by_login: str | None,
    helplines_file: Path | None = None,
) -> DirectoryPage:
    """The printed directory of ``area`` (its place of display is registered for the scans)."""
    source = campaign_kit.register_source(
        conn,
        f"annuaire-{area.code.lower()}",
        f"Annuaire imprimé : {area.name}",
        "annuaire",
        area,
        "A4",
        by_login,
    )
    url = search_url(base_url, area, source)
    groups = campaign_kit.places_by_need(conn, territory_id, area)
    return DirectoryPage(
        area_name=area.name,
        area_kind="quartier" if area.kind == "qpv" else "commune",
        needs=[PrintedNeed(g.label, [_place(p) for p in g.places]) for g in groups],
        lines=campaign_lines(helplines_file),
        url=url,
        qr=qr_code(url, f"QR code : trouver de l'aide près de chez vous ({url})"),
        printed_on=_today(),
    )


def poster_page(
    conn: psycopg.Connection[Any],
    label: str,
    paper: str,
    area: Area | None,
    base_url: str,
    by_login: str | None,
    helplines_file: Path | None = None,
) -> PosterPage:
    """A campaign poster for one place of display (its own QR code, counted apart)."""
    source = campaign_kit.register_source(
        conn, f"affiche-{campaign_kit.slug(label)}", label, "affiche", area, paper, by_login
    )
    url = search_url(base_url, area, source)
    return PosterPage(
        label=label,
        paper=paper,
        lines=campaign_lines(helplines_file),
        url=url,
        qr=qr_code(url, f"QR code : trouver de l'aide près de chez vous ({url})"),
        printed_on=_today(),
    )


def directory_html(page: DirectoryPage) -> str:
    return render("print/annuaire.html", p=page)


def poster_html(page: PosterPage) -> str:
    return render("print/affiche.html", p=page)


def to_pdf(page_html: str, paper: str = "A4", running_heads: bool = False) -> bytes:
    """The PDF bytes of a print page (Chromium, :func:`app.pdf.html_to_pdf`)."""
    with tempfile.TemporaryDirectory(prefix="cartegalite-print-") as tmp:
        target = Path(tmp) / "page.pdf"
        html_to_pdf(page_html, target, paper, running_heads)
        return target.read_bytes()


@dataclass(frozen=True)
class ScanTable:
    months: list[str]
    """« décembre 2026 »…, oldest first."""
    rows: list[tuple[str, list[str]]]
    """(place of display, one cell per month: a count, or « moins de k »)."""
    k: int


def _month(day: date | datetime) -> str:
    return f"{hours.FRENCH_MONTHS[day.month - 1]} {day.year}"


def scan_table(conn: psycopg.Connection[Any], k: int, months: int = 12) -> ScanTable:
    """The scans as published: each month is one table of the places of display, suppressed
    like the dashboards' (a count below ``k`` is hidden, and others with it when a total
    would reveal it); no total is published."""
    data = campaign_kit.scans(conn, months)
    month_keys = sorted({m for _, _, m, _ in data})
    labels: dict[str, str] = {}
    by_month: dict[date, dict[str, int]] = {m: {} for m in month_keys}
    for source, label, month, n in data:
        labels[source] = label
        by_month[month][source] = n
    shown = {m: suppress(cells, k) for m, cells in by_month.items()}
    rows = []
    for source in sorted(labels, key=lambda s: labels[s]):
        cells = []
        for m in month_keys:
            if source not in shown[m]:
                cells.append("—")  # the place did not exist yet
            else:
                value = shown[m][source]
                cells.append(f"moins de {k}" if value is None else str(value))
        rows.append((labels[source], cells))
    return ScanTable([_month(m) for m in month_keys], rows, k)
