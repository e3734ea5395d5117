"""``cartegalite surveys demo`` and ``grid``: demonstration data flagged and labelled, replaced
on every run, visible in the public aggregate only with ``demo=true``; paired walks compared."""

from __future__ import annotations

from typing import Any

import psycopg
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from tests.surveys.conftest import Staff

runner = CliRunner()


def test_demo_data_is_flagged_labelled_and_replaced(
    db_url: str, conn: psycopg.Connection[Any], client: TestClient, staff: Staff
) -> None:
    env = {"DATABASE_URL": db_url}
    for _ in range(2):  # the second run replaces the first
        result = runner.invoke(app, ["surveys", "demo"], env=env)
        assert result.exit_code == 0, result.output
        assert "données de démonstration" in result.output
    counts = conn.execute(
        "SELECT count(*), count(*) FILTER (WHERE demo) FROM observations"
    ).fetchone()
    assert counts == (33, 33)  # 2 walks × 5 walkers × 3 stops + 3 GUSP
    assert conn.execute("SELECT count(*) FROM walks WHERE NOT demo").fetchone() == (0,)

    real = client.get("/api/public/observations").json()
    assert real["features"] == [] and "avertissement" not in real
    shown = client.get("/api/public/observations?demo=true").json()
    assert shown["avertissement"] == "données de démonstration"
    assert shown["total_publie"] > 0 and all(
        f["properties"]["count"] >= 5 for f in shown["features"]
    )

    walks = client.get("/api/walks", headers=staff.planner).json()
    assert len(walks) == 2 and all(w["avertissement"] == "données de démonstration" for w in walks)
    night = next(w for w in walks if w["time_slot"] == "nuit")
    compared = client.get(f"/api/walks/{night['id']}/comparison", headers=staff.planner).json()
    assert compared["paired"]["time_slot"] == "jour"
    assert [s["position"] for s in compared["stops"]] == [1, 2, 3]
    assert all(
        s["walk"]["observations"] == 5 and s["paired"]["observations"] == 5
        for s in compared["stops"]
    )
    grouped = client.get("/api/actions/open", headers=staff.planner).json()
    assert len(grouped["by_walk"]) == 2 and grouped["by_qpv"]


def test_grid_command_lists_the_six_principles() -> None:
    result = runner.invoke(app, ["surveys", "grid"])
    assert result.exit_code == 0
    for code in ("reperage", "visibilite", "animation", "aide", "entretien", "usages"):
        assert code in result.output


def test_recount_checks_and_repairs_the_public_counts(
    db_url: str, conn: psycopg.Connection[Any], client: TestClient
) -> None:
    env = {"DATABASE_URL": db_url}
    assert runner.invoke(app, ["surveys", "demo"], env=env).exit_code == 0
    ok = runner.invoke(app, ["surveys", "recount", "--check"], env=env)
    assert ok.exit_code == 0 and "identiques" in ok.output
    before = client.get("/api/public/observations?demo=true").json()["total_publie"]
    assert before > 0
    # a load with triggers off (as a restore could do) leaves the counts wrong
    conn.execute("UPDATE public_cell_totals SET n = n + 7")
    bad = runner.invoke(app, ["surveys", "recount", "--check"], env=env)
    assert bad.exit_code == 1 and "différente" in bad.output
    fixed = runner.invoke(app, ["surveys", "recount"], env=env)
    assert fixed.exit_code == 0 and "corrigée" in fixed.output
    assert runner.invoke(app, ["surveys", "recount", "--check"], env=env).exit_code == 0
