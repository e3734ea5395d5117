"""Done when: a planner opens Bellevue's dashboard, sees what changed since last year and what is
missing, prints the report of last month's night walk for the restitution, and opens the same
data live in QGIS (GDAL's OAPIF driver, with the planner's token)."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pypdf
import pytest

from tests.browser import save_screenshot
from tests.planning import oracle
from tests.planning.seed import BELLEVUE, Seeded


@pytest.mark.browser
def test_planner_story(
    page: Any, seeded: Seeded, conn: psycopg.Connection[Any], tmp_path: Path
) -> None:
    token = seeded.tokens["planner"]
    page.context.set_extra_http_headers({"Authorization": f"Bearer {token}"})
    year = datetime.now(oracle.PARIS).year
    bellevue = oracle.qpv_shapes(conn)[BELLEVUE]

    # 1. Bellevue's dashboard, from the list of neighbourhoods
    page.goto(f"{page.base_url}/quartiers")
    page.get_by_role("link", name="Bellevue").first.click()
    page.wait_for_url(re.compile(rf".*/quartiers/{BELLEVUE}.*"))
    assert "Version équipe" in page.inner_text("body")

    # 2. what changed since last year: the observations and the mean feeling, both years
    changes = page.locator("#evolution table")
    for label, y in (("Observations de marche", year - 1), ("Observations de marche", year)):
        expected = oracle.walk_obs(seeded, bellevue, y, public=False)
        row = changes.locator("tr", has_text=label).first.inner_text()
        assert str(len(expected)) in row.split("\t"), (label, y, row)
    night_now = [
        o for o in oracle.walk_obs(seeded, bellevue, year, False) if o["slot"] in ("soiree", "nuit")
    ]
    night_row = changes.locator("tr", has_text="tombée de la nuit").inner_text()
    assert str(oracle.mean_feeling(night_now)).replace(".", ",") in night_row

    # 3. what is missing: night stops never walked again, collèges not reached
    missing = page.locator("#absences").inner_text()
    not_rewalked = oracle.night_stops_not_rewalked(conn, BELLEVUE)
    assert f"{len(not_rewalked)} arrêt(s) de marche de nuit jamais re-parcouru(s)" in missing
    assert "Collège Anne Frank" in missing and "Collège Claude Debussy" not in missing
    save_screenshot(page, "planning-done-when-dashboard")

    # 4. last month's night walk → its report, printed to PDF as a person would (Ctrl+P)
    night = seeded.walks["bv_night"]
    row = page.locator("#marches tr", has_text=night["date"].isoformat()).filter(has_text="Nuit")
    row.get_by_role("link", name="restitution").click()
    page.wait_for_url(re.compile(rf".*/marches/{night['id']}/rapport"))
    assert page.locator("#plan-action").is_visible() and page.locator("#jour-nuit").is_visible()
    page.emulate_media(media="print")
    pdf = tmp_path / "restitution.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    text = " ".join(" ".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages).split())
    assert night["stops"]["S1"]["name"] in text and "Éclairer la passerelle" in text
    assert "Préconisations" in text
    assert page.log.errors == [] and page.log.external == []

    # 5. the same observations, live in QGIS: GDAL's OAPIF driver with the planner's token
    env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Bearer {token}"}
    proc = subprocess.run(
        [
            "ogrinfo",
            "-ro",
            "-al",
            "-so",
            "-where",
            f"walk_id = '{night['id']}'",
            f"OAPIF:{page.base_url}/ogc",
            "observations",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    walked = [o for o in seeded.observations if o["walk"] == night["id"]]
    count = re.search(r"Feature Count: (\d+)", proc.stdout)
    assert count is not None and int(count.group(1)) == len(walked)
