"""The command line, including `serve` on the embedded PostGIS (what `make run` does)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import free_port
from tests.httpdir import serve_directory, wait_http

runner = CliRunner()


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = runner.invoke(app, args, env=env)
    return result.exit_code, result.output


def test_qpv_import_twice_never_duplicates(db_url: str, shared_data: Path) -> None:
    env = {"DATABASE_URL": db_url}
    src = str(shared_data / "qpv" / "qpv_2015_dep44.geojson")
    code, output = run(["qpv", "import", src], env)
    assert code == 0, output
    assert "0 ajouté(s), 19 remplacé(s)" in output
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM qpv").fetchone() == (19,)


def test_qpv_import_bad_file_exits_non_zero_and_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "qpv.geojson"
    bad.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code_qp": "QP044005", "nom_qp": "Bellevue"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
                        },
                    }
                ],
            }
        )
    )
    code, output = run(["qpv", "import", str(bad)], {"DATABASE_URL": db_url})
    assert code == 1
    assert "auto-intersection" in output
    code, output = run(
        ["qpv", "import", str(bad), "--generation", "2020"], {"DATABASE_URL": db_url}
    )
    assert code == 1
    assert "génération inconnue" in output
    with psycopg.connect(db_url) as conn:
        assert conn.execute(
            "SELECT count(*), min(name) FROM qpv WHERE code='QP044005'"
        ).fetchone() == (1, "Bellevue")


def test_qpv_import_from_url(db_url: str, shared_data: Path, tmp_path: Path) -> None:
    """Download path: a local HTTP server stands in for data.gouv.fr (unreachable here)."""
    shutil.copy(shared_data / "qpv" / "qpv_2015_nantes_metropole.geojson", tmp_path / "qpv.geojson")
    with serve_directory(tmp_path, "qpv.geojson") as base:
        code, output = run(["qpv", "import", f"{base}/qpv.geojson"], {"DATABASE_URL": db_url})
    assert code == 0, output
    assert "qpv_2015_nantes_metropole.geojson" in output  # recognised by its checksum


@pytest.fixture
def embedded_env(shared_data: Path) -> Iterator[dict[str, str]]:
    root = Path(tempfile.mkdtemp(prefix="cartegalite-embedded-"))
    root.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CARTEGALITE_PGROOT=str(root / "pg"),
        CARTEGALITE_PGPORT=str(free_port()),
        CARTEGALITE_QPV_SOURCE=str(shared_data / "qpv" / "qpv_2015_dep44.geojson"),
        CARTEGALITE_ACTORS_SOURCE=str(shared_data / "actors" / "actors_dep44.geojson"),
        CARTEGALITE_SCHOOLS_SOURCE=str(shared_data / "schools" / "colleges_dep44.geojson"),
        CARTEGALITE_TILE_URL="",
        PORT=str(free_port()),
    )
    yield env
    subprocess.run(
        [sys.executable, "-m", "cli.main", "db", "stop"], env=env, check=False, capture_output=True
    )
    shutil.rmtree(root, ignore_errors=True)


def test_db_start_status_stop(embedded_env: dict[str, str]) -> None:
    assert run(["db", "status"], embedded_env)[0] == 3
    code, output = run(["db", "start"], embedded_env)
    assert code == 0, output
    assert run(["db", "status"], embedded_env)[0] == 0
    assert run(["db", "start"], embedded_env)[0] == 0  # harmless when running
    code, output = run(["db", "stop"], embedded_env)
    assert (code, output.strip()) == (0, "arrêté")
    assert run(["db", "status"], embedded_env)[0] == 3


def test_serve_on_embedded_postgis_end_to_end(embedded_env: dict[str, str]) -> None:
    """What `make run` does: start the project-local cluster, migrate, import QPV, serve."""
    base = f"http://127.0.0.1:{embedded_env['PORT']}"
    for attempt in range(2):  # the second run must be harmless: nothing duplicated
        proc = subprocess.Popen(
            [sys.executable, "-m", "cli.main", "serve"],
            env=embedded_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            health = json.loads(wait_http(f"{base}/health"))
            assert health["status"] == "ok"
            fc = json.loads(wait_http(f"{base}/api/qpv?generation=2015"))
            assert len(fc["features"]) == 19
            assert len(json.loads(wait_http(f"{base}/api/qpv?generation=2024"))["features"]) == 19
            page = wait_http(f"{base}/cartes/qpv").decode()
            assert page.count("<tr><td>QP0440") == 15
            schools = json.loads(wait_http(f"{base}/api/schools?limit=500"))
            assert len(schools["features"]) == 76  # the collèges of Nantes Métropole
            home = wait_http(f"{base}/").decode()
            assert 'href="/aide"' in home
        finally:
            proc.terminate()
            output = proc.communicate(timeout=30)[0]
        assert f"{base}/cartes/qpv" in output
        if attempt == 0:
            assert "acteurs importés" in output
            assert "établissements importés depuis" in output
        if attempt == 1:
            assert "QPV importés" not in output
            assert "importés" not in output
