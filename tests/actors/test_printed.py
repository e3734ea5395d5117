"""The campaign kit on paper (issue 21): the printed directory of a QPV (A4 PDF) and a poster
(A3 PDF) are read back — their text (help places grouped by need, phone numbers, AlloNantes,
3919, 39 28) and their QR code, decoded from the rendered page — and the QR code is followed
to the right search page, which counts the scan for its place of display only; scans are
published at k ≥ 5 per month, with no cookie set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pypdf
import pypdfium2
import pytest
import zxingcpp
from fastapi.testclient import TestClient

from actors import campaign_kit
from tests.browser import ARTIFACTS, SCREENS
from tests.equipe.helpers import make_staff, post_form, sign_in

PUBLIC = "https://aide.example.org"


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a real process (Playwright's sync API cannot nest in a test's loop)."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "cartegalite"), "print", *args],
        env={**os.environ, "DATABASE_URL": db_url, "CARTEGALITE_PUBLIC_URL": PUBLIC},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _text(pdf: Path | bytes) -> str:
    reader = pypdf.PdfReader(pdf if isinstance(pdf, Path) else __import__("io").BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _qr_codes(pdf: Path | bytes) -> list[str]:
    """Every QR code of every page, decoded from the page rendered at 150 dpi."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    doc = pypdfium2.PdfDocument(data)
    found = []
    for i in range(len(doc)):
        image = doc[i].render(scale=150 / 72).to_pil()
        found += [r.text for r in zxingcpp.read_barcodes(image) if r.format.name == "QRCode"]
    doc.close()
    return found


def _page_png(pdf: Path, name: str) -> Path:
    """Page 1 as a small PNG: ``test-artifacts/``, or ``docs/screens/`` for the README with
    ``CARTEGALITE_UPDATE_SCREENS=1`` (``make screens``)."""
    screens = os.environ.get("CARTEGALITE_UPDATE_SCREENS") == "1"
    folder = SCREENS if screens else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    doc = pypdfium2.PdfDocument(pdf.read_bytes())
    image = doc[0].render(scale=110 / 72).to_pil().convert("L")
    doc.close()
    path = folder / f"{name}.png"
    image.save(path, optimize=True)
    return path


def _nantes_qpv(conn: Any) -> tuple[str, str]:
    """A QPV of Nantes with help places around it."""
    row = conn.execute(
        "SELECT code, name FROM qpv WHERE generation = 2015 AND ST_DWithin(geom::geography, "
        "ST_SetSRID(ST_MakePoint(-1.5536, 47.2184), 4326)::geography, 4000) ORDER BY code LIMIT 1"
    ).fetchone()
    return row[0], row[1]


def test_printed_directory_of_a_qpv_read_back_and_followed(
    actors_db_url: str, actors_conn: Any, actors_client: TestClient, tmp_path: Path
) -> None:
    code, name = _nantes_qpv(actors_conn)
    out = tmp_path / "annuaire.pdf"
    proc = _cli(actors_db_url, "annuaire", "--qpv", code, "--out", str(out))
    assert proc.returncode == 0, proc.stderr + proc.stdout
    text = _text(out)
    assert name in text
    for line in ("AlloNantes", "3919", "39 28"):
        assert line in text, line
    # the places printed are the nearest per need, as the resident search finds them
    area = campaign_kit.qpv_area(actors_conn, code, 2015)
    groups = campaign_kit.places_by_need(actors_conn, "nantes-metropole", area)
    assert len(groups) >= 3
    for group in groups:
        assert group.label in text, group.label
        for place in group.places:
            assert " ".join(place["nom"].split()) in text, place["nom"]
            if place.get("telephone_display"):
                assert place["telephone_display"] in text
    # the QR code, decoded from the printed page, opens the search of this quartier
    codes = _qr_codes(out)
    assert len(codes) == 1, codes
    assert _page_png(out, "annuaire-imprime").stat().st_size > 10_000
    link = urlsplit(codes[0])
    assert f"{link.scheme}://{link.netloc}" == PUBLIC and link.path == "/aide"
    query = parse_qs(link.query)
    assert query == {"quartier": [code], "src": [f"annuaire-{code.lower()}"]}
    page = actors_client.get(f"{link.path}?{link.query}")
    assert page.status_code == 200 and name in page.text
    assert "set-cookie" not in page.headers
    scans = actors_conn.execute("SELECT source, scans FROM campaign_scan").fetchall()
    assert scans == [(f"annuaire-{code.lower()}", 1)]


def test_poster_a3_has_its_own_counted_qr_code(
    actors_db_url: str, actors_conn: Any, actors_client: TestClient, tmp_path: Path
) -> None:
    out = tmp_path / "affiche.pdf"
    proc = _cli(
        actors_db_url,
        "affiche",
        "--lieu",
        "Médiathèque Jacques Demy",
        "--format",
        "A3",
        "--out",
        str(out),
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    reader = pypdf.PdfReader(out)
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 841.9) < 2 and abs(height - 1190.6) < 2  # A3 in points
    text = _text(out)
    for line in ("AlloNantes", "3919", "39 28"):
        assert line in text
    codes = _qr_codes(out)
    assert codes == [f"{PUBLIC}/aide?src=affiche-mediatheque-jacques-demy"]
    # scans: 4 in a month are published as « moins de 5 », the fifth makes it 5
    for _ in range(4):
        assert actors_client.get("/aide?src=affiche-mediatheque-jacques-demy").status_code == 200
    published = actors_client.get("/aide/campagne").text
    row = published.split("Médiathèque Jacques Demy</th>", 1)[1].split("</tr>", 1)[0]
    assert "moins de 5" in row and ">4<" not in row
    actors_client.get("/aide?src=affiche-mediatheque-jacques-demy")
    published = actors_client.get("/aide/campagne").text
    row = published.split("Médiathèque Jacques Demy</th>", 1)[1].split("</tr>", 1)[0]
    assert row.endswith("<td>5</td>")
    # an unknown source is not counted (and invents no row)
    assert actors_client.get("/aide?src=inconnue-du-tout").status_code == 200
    assert actors_conn.execute("SELECT count(*) FROM campaign_scan").fetchone()[0] == 1


def test_cli_refuses_bad_areas_and_formats(actors_db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    both = _cli(actors_db_url, "annuaire", "--out", str(out))
    assert both.returncode == 1 and "--qpv" in both.stdout + both.stderr
    unknown = _cli(actors_db_url, "annuaire", "--qpv", "QP000000", "--out", str(out))
    assert unknown.returncode == 1 and "QP000000" in unknown.stdout + unknown.stderr
    paper = _cli(actors_db_url, "affiche", "--lieu", "Mairie", "--format", "A2", "--out", str(out))
    assert paper.returncode == 1 and "A2" in paper.stdout + paper.stderr
    assert not out.exists()


@pytest.mark.browser
def test_staff_download_a_commune_directory(
    actors_client: TestClient, actors_conn: Any, admin_headers: dict[str, str]
) -> None:
    """The staff page prints the same directory for a commune (PDF from the server)."""
    client = actors_client
    make_staff(client, admin_headers, "kit.campagne", "planner")
    sign_in(client, "kit.campagne")
    page = client.get("/equipe/annuaire/imprimer")
    assert page.status_code == 200 and "Rezé" in page.text
    resp = post_form(
        client,
        "/equipe/annuaire/imprimer/annuaire",
        {"commune": "44143"},
        page="/equipe/annuaire/imprimer",
    )
    assert resp.status_code == 200, resp.text[-600:]
    assert resp.headers["content-type"] == "application/pdf"
    text = _text(resp.content)
    assert "Rezé" in text and "AlloNantes" in text
    codes = _qr_codes(resp.content)
    assert codes == ["http://testserver/aide?commune=44143&src=annuaire-44143"]
    follow = client.get("/aide?commune=44143&src=annuaire-44143")
    assert follow.status_code == 200 and "Rezé" in follow.text
    bad = post_form(
        client, "/equipe/annuaire/imprimer/annuaire", {}, page="/equipe/annuaire/imprimer"
    )
    assert bad.status_code == 422
