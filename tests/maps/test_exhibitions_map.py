"""The exhibitions coverage page builder, tested by rendering (no server, no database)."""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from app.map_pages import render_map_page
from app.settings import PROJECT_ROOT
from exhibitions.models import (
    Circulation,
    Coverage,
    CoveredSchool,
    Level,
    Priority,
    QpvCoverage,
    Reach,
    SchoolYear,
    Sector,
)
from maps.exhibitions import MARKERS, PUPIL_BINS, category, pupils_colour
from maps.exhibitions import coverage_page as build_coverage_page
from tests.maps.test_qpv_map import URL, qpv_fc


def coverage_page(*args: Any, **kwargs: Any) -> str:
    """The page of ``maps`` builder ``coverage_page``, rendered as the app does."""
    return render_map_page(build_coverage_page(*args, **kwargs))


EVIL = '<img src=x onerror="alert(1)">'


def school(
    uai: str,
    name: str,
    qpv: tuple[tuple[str, int], ...],
    pupils: int = 0,
    priority: Priority | None = Priority.HORS_EP,
    lon: float = -1.6,
) -> CoveredSchool:
    reach = Reach(1, pupils, ("origine",), date(2025, 10, 6)) if pupils else Reach()
    return CoveredSchool(
        uai,
        name,
        "Nantes",
        Level.COLLEGE,
        Sector.PUBLIC,
        priority,
        False,
        400,
        90.0,
        lon,
        47.2,
        reach,
        reach,
        qpv,
    )


def sample(shared_data: Path) -> tuple[Coverage, dict[str, Any]]:
    fc = qpv_fc(shared_data)
    reached = school("0440286X", "Collège Claude Debussy", (("QP044005", 0),), pupils=120)
    missed = school("0440311Z", EVIL, (("QP044005", 289),))
    rep_far = school("0441608J", "Collège La Durantière", (), priority=Priority.REP)
    other = school("0440010X", "Collège Paul Langevin", (), lon=-1.72)
    bellevue = QpvCoverage("QP044005", "Bellevue", ("Nantes",), (reached, missed), ("origine",))
    stops = (
        Circulation(
            f"Expo {EVIL}",
            1,
            "0440286X",
            "Collège Claude Debussy",
            "Nantes",
            date(2025, 10, 6),
            date(2025, 10, 17),
            120,
            -1.6,
            47.2,
        ),
        Circulation(
            f"Expo {EVIL}",
            1,
            "0440010X",
            "Collège Paul Langevin",
            "Couëron",
            date(2025, 11, 3),
            date(2025, 11, 14),
            None,
            -1.72,
            47.2,
        ),
    )
    cov = Coverage(
        SchoolYear(2025),
        3,
        2015,
        500,
        "nantes-metropole",
        (bellevue,),
        (reached, missed, rep_far, other),
        stops,
    )
    return cov, fc


class Tables(HTMLParser):
    """Rows of every table by id."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, int] = {}
        self.current: str | None = None
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.current = dict(attrs).get("id")
            self.rows[self.current or ""] = 0
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body and self.current:
            self.rows[self.current] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False


def icons(page: str) -> list[str]:
    """The HTML of every marker icon (Folium writes it as a JSON string in the script)."""
    return [json.loads(m) for m in re.findall(r'"html": ("(?:[^"\\]|\\.)*")', page)]


def test_categories_shapes_and_glyphs(shared_data: Path) -> None:
    cov, fc = sample(shared_data)
    assert [category(s) for s in cov.schools] == ["reached", "missed", "missed", "other"]
    page = coverage_page(cov, fc, tiles=None, csv_url="/api/exhibitions/coverage.csv?x=1")
    found = icons(page)
    assert len(found) == 4
    for key, count in {"reached": 1, "missed": 2, "other": 1}.items():
        css, glyph, words = MARKERS[key]
        mine = [i for i in found if f'class="cg-school {css}"' in i]
        assert len(mine) == count, key
        assert all(i.endswith(f">{glyph}</span>") and f" : {words}" in i for i in mine)
    # Distinct shapes, not only colours; and every category named in words.
    assert len({m[1] for m in MARKERS.values()}) == 3
    assert '<link rel="stylesheet" href="/static/app/couverture.css"/>' in page
    css = (PROJECT_ROOT / "api" / "static" / "couverture.css").read_text(encoding="utf-8")
    assert ".cg-reached { background: #1b7837; border-radius: 50%; }" in css
    assert ".cg-missed { background: #b2182b; border-radius: 3px; }" in css
    assert "Collège Claude Debussy : atteint cette année" in page
    assert "Collège La Durantière : prioritaire, non atteint cette année" in page


def test_tables_legend_and_local_assets_only(shared_data: Path) -> None:
    cov, fc = sample(shared_data)
    page = coverage_page(cov, fc, tiles=None, csv_url="/api/exhibitions/coverage.csv?x=1")
    parser = Tables()
    parser.feed(page)
    assert parser.rows == {
        "cg-not-reached": 2,
        "cg-qpv-table": 1,
        "cg-table": 3,
        "cg-circulation": 2,
    }
    assert 'role="region" aria-label="Légende"' in page
    assert '<html lang="fr">' in page
    assert '<label for="school_year">' in page and '<label for="generation">' in page
    assert 'href="/api/exhibitions/coverage.csv?x=1" download' in page
    assert URL.findall(page) == []
    assert "Circulation des exemplaires" in page and "dashArray" in page


def test_user_text_is_escaped_everywhere(shared_data: Path) -> None:
    cov, fc = sample(shared_data)
    page = coverage_page(cov, fc, tiles=None)
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


def test_choropleth_bins() -> None:
    assert [pupils_colour(n) for n in (0, 1, 99, 100, 299, 300, 5000)] == [
        PUPIL_BINS[0][1],
        PUPIL_BINS[1][1],
        PUPIL_BINS[1][1],
        PUPIL_BINS[2][1],
        PUPIL_BINS[2][1],
        PUPIL_BINS[3][1],
        PUPIL_BINS[3][1],
    ]
    assert len({fill for _l, fill, _t in PUPIL_BINS}) == len(PUPIL_BINS)


def test_empty_coverage_falls_back_to_the_territory() -> None:
    cov = Coverage(SchoolYear(2025), 3, 2024, 500, "nantes-metropole", (), ())
    page = coverage_page(
        cov, {"type": "FeatureCollection", "features": []}, None, (-1.85, 47.07, -1.33, 47.37)
    )
    match = re.search(r"fitBounds\(\s*\[\[([-\d.]+),\s*([-\d.]+)\]", page)
    assert match and (float(match.group(1)), float(match.group(2))) == (47.07, -1.85)
    assert "0 établissement(s) prioritaire(s)" in page
