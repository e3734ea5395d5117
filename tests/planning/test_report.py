"""The walk report: every section from the seeded walk, in HTML, in headless Chromium and as a
PDF printed by the CLI."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf
import pytest
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from cli.main import app
from tests.browser import run_axe, save_screenshot
from tests.planning.seed import Seeded

SECTIONS = (
    "entete",
    "carte",
    "themes",
    "arrets",
    "jour-nuit",
    "preconisations",
    "photos",
    "plan-action",
)


class Sections(HTMLParser):
    """Text of each <section>/<header> by id, and the images."""

    def __init__(self) -> None:
        super().__init__()
        self.text: dict[str, str] = {}
        self.images: list[dict[str, str]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("section", "header") and a.get("id"):
            self._stack.append(a["id"])
            self.text[a["id"]] = ""
        if tag == "img":
            self.images.append({**a, "section": self._stack[-1] if self._stack else ""})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("section", "header") and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        for ident in self._stack:
            self.text[ident] += data


def _parse(page: str) -> Sections:
    parser = Sections()
    parser.feed(page)
    return parser


def test_report_sections(client: TestClient, seeded: Seeded, planner: dict[str, str]) -> None:
    walk = seeded.walks["bv_night"]
    resp = client.get(f"/marches/{walk['id']}/rapport", headers=planner)
    assert resp.status_code == 200, resp.text
    assert '<html lang="fr">' in resp.text
    page = _parse(resp.text)
    assert set(SECTIONS) <= set(page.text), set(page.text)
    assert "bilan" not in page.text
    mine = [o for o in seeded.observations if o["walk"] == walk["id"]]
    published = [o for o in mine if o["moderation"] == "publiee"]
    head = page.text["entete"]
    assert walk["date"].isoformat() in head and "Nuit" in head and "Bellevue" in head
    assert re.search(rf"Observations publiées\s*{len(published)}", head)
    # the map: one numbered stop per stop, a scale bar, the QPV outline
    svg = resp.text[resp.text.index('id="carte"') : resp.text.index('id="themes"')]
    assert svg.count("<circle") == len(walk["stops"]) and " m</text>" in svg and "<path" in svg
    for name in walk["stops"]:
        assert name in page.text["carte"]
    # ratings per theme: the means of the published observations only
    for theme in {o["theme"] for o in published}:
        ratings = [o["rating"] for o in published if o["theme"] == theme]
        mean = f"{sum(ratings) / len(ratings):.2f}".rstrip("0").rstrip(".").replace(".", ",")
        assert mean in page.text["themes"], theme
    # per stop, and by day and by night
    for stop in walk["stops"]:
        n = sum(1 for o in published if o["stop"] == stop)
        assert re.search(rf"\d\. {stop}\s*{n}", page.text["arrets"]), stop
    assert "Jour" in page.text["jour-nuit"] and "Nuit" in page.text["jour-nuit"]
    # préconisations: published proposals; the masked and pending texts never appear
    for o in published:
        if o["proposal"]:
            assert o["proposal"] in page.text["preconisations"]
    masked = [o for o in mine if o["moderation"] == "masquee"]
    assert masked and all(o["comment"] not in resp.text for o in masked)
    # the photo: published, a real JPEG, with a French alternative text
    (img,) = page.images
    assert img["section"] == "photos" and img["alt"].startswith("Photo prise à l'arrêt")
    data = base64.b64decode(img["src"].split(",", 1)[1])
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    # the action plan with owners and dates
    plan = page.text["plan-action"]
    for action in ("Éclairer la passerelle", "Élaguer la haie du square"):
        assert action in plan
    assert "Nantes Métropole — éclairage public" in plan and "(en retard)" in plan
    assert "Transmis" in plan  # the issue opened from an observation


def test_bilan_version(client: TestClient, seeded: Seeded, planner: dict[str, str]) -> None:
    walk = seeded.walks["bv_day_prev"]
    resp = client.get(f"/marches/{walk['id']}/rapport?version=bilan", headers=planner)
    assert resp.status_code == 200
    bilan = _parse(resp.text).text["bilan"]
    assert "Bilan à un an" in resp.text and "1 action(s) réalisée(s)" not in bilan
    assert re.search(r"0 action\(s\) réalisée\(s\) sur 1", bilan)
    assert "Plan du quartier à la sortie du tram" in bilan or "Plan du quartier" in resp.text
    # S1 and S2: the night walk of the next day and both walks of this year; S3 only the next
    # night (it was not walked this year)
    night_after = seeded.walks["bv_night_prev"]["date"].isoformat()
    assert re.search(rf"3\. S3\s*1\s*{night_after}\s*Nuit", bilan)
    assert re.search(r"1\. S1\s*3", bilan)


def test_access(client: TestClient, seeded: Seeded, facilitator: dict[str, str]) -> None:
    wid = seeded.walks["bv_night"]["id"]
    assert client.get(f"/marches/{wid}/rapport").status_code == 401
    assert client.get(f"/marches/{wid}/rapport", headers=facilitator).status_code == 200
    walker = client.post(
        "/api/walks/join", json={"invite_code": seeded.walks["bv_day"]["invite"], "pseudonym": "X"}
    )
    if walker.status_code == 200:  # the walk is closed once realised: joining is refused
        token = {"Authorization": f"Bearer {walker.json()['token']}"}
        assert client.get(f"/marches/{wid}/rapport", headers=token).status_code == 404
    missing = client.get(
        "/marches/00000000-0000-0000-0000-000000000000/rapport", headers=facilitator
    )
    assert missing.status_code == 404
    assert client.get(f"/marches/{wid}/rapport?version=x", headers=facilitator).status_code == 422


@pytest.mark.browser
def test_report_in_chromium(page: Any, seeded: Seeded) -> None:
    page.context.set_extra_http_headers({"Authorization": f"Bearer {seeded.tokens['planner']}"})
    page.goto(f"{page.base_url}/marches/{seeded.walks['bv_night']['id']}/rapport")
    assert page.locator("h1").inner_text().startswith("bv_night")
    for ident in SECTIONS:
        assert page.locator(f"#{ident}").is_visible(), ident
    assert page.locator("#photos img").evaluate("img => img.naturalWidth") > 0
    save_screenshot(page, "planning-walk-report")
    assert page.log.errors == [] and page.log.external == []
    assert run_axe(page) == []


def test_cli_writes_html_and_pdf(db_url: str, seeded: Seeded, tmp_path: Path) -> None:
    wid = seeded.walks["bv_night"]["id"]
    env = {"DATABASE_URL": db_url}
    runner = CliRunner()
    html_out, pdf_out = tmp_path / "rapport.html", tmp_path / "rapport.pdf"
    result = runner.invoke(app, ["report", "walk", wid, "--out", str(html_out)], env=env)
    assert result.exit_code == 0, result.output
    text = html_out.read_text(encoding="utf-8")
    assert "<style>" in text and "/static/" not in text  # standalone file
    assert set(SECTIONS) <= set(_parse(text).text)
    # PDF in a real process (Playwright's sync API cannot nest in the test's browser loop)
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "cartegalite"),
            "report",
            "walk",
            wid,
            "--out",
            str(pdf_out),
            "--version",
            "bilan",
        ],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "Bilan à un an" in proc.stdout
    assert pdf_out.read_bytes().startswith(b"%PDF-")
    reader = pypdf.PdfReader(pdf_out)
    assert len(reader.pages) >= 2
    words = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in (
        "Bilan à un an",
        "bv_night",
        "Le parcours",
        "Appréciations par thème",
        "Préconisations",
        "Plan d'action",
        "Éclairer la passerelle",
        "Nantes Métropole — éclairage public",
    ):
        assert expected in words, expected
    bad = runner.invoke(app, ["report", "walk", wid, "--out", str(tmp_path / "r.docx")], env=env)
    assert bad.exit_code == 2 and "extension" in bad.output
    unknown = runner.invoke(
        app,
        [
            "report",
            "walk",
            "00000000-0000-0000-0000-000000000000",
            "--out",
            str(tmp_path / "x.html"),
        ],
        env=env,
    )
    assert unknown.exit_code == 1 and "marche introuvable" in unknown.output
    assert not (tmp_path / "x.html").exists()


def test_cli_pdf_without_chromium_names_the_package(
    db_url: str, seeded: Seeded, tmp_path: Path
) -> None:
    out = tmp_path / "rapport.pdf"
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "cartegalite"),
            "report",
            "walk",
            seeded.walks["bv_night"]["id"],
            "--out",
            str(out),
        ],
        env={**os.environ, "DATABASE_URL": db_url, "CARTEGALITE_CHROMIUM": "/nonexistent/chromium"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "« chromium »" in proc.stderr and "apt-get install chromium" in proc.stderr
    assert not out.exists() and not list(tmp_path.iterdir())
