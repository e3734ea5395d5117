"""Routing rules belong to a planner's territory: a planner scoped to Malakoff writes the rules
of Malakoff only; the rules valid everywhere are for admins and planners without a territory."""

from __future__ import annotations

from typing import Any

from tests.security.conftest import BELLEVUE, MALAKOFF, World


def _put(
    world: World, who: str, qpv: str | None, body: str = "Bailleur Nantes Métropole Habitat"
) -> Any:
    rule = {"category": "depot_sauvage", "qpv_code": qpv, "body": body}
    return world.client.put("/api/routing-rules", json=rule, headers=world.h(who))


def _rules(world: World) -> list[dict[str, Any]]:
    return world.conn.execute("SELECT id, qpv_code, body FROM routing_rules ORDER BY id").fetchall()


def test_a_scoped_planner_writes_only_the_rules_of_their_qpv(world: World) -> None:
    assert _put(world, "planner_in", MALAKOFF).status_code in (200, 201)  # their own QPV
    before = _rules(world)
    other = _put(world, "planner_in", BELLEVUE)
    assert other.status_code == 404 and BELLEVUE in other.json()["detail"]
    everywhere = _put(world, "planner_in", None)
    assert everywhere.status_code == 403 and "partout" in everywhere.json()["detail"]
    assert _rules(world) == before  # nothing written


def test_a_scoped_planner_cannot_delete_other_rules(world: World) -> None:
    ids = {}
    for qpv in (BELLEVUE, None, MALAKOFF):
        resp = _put(world, "admin", qpv)
        assert resp.status_code in (200, 201), resp.text
        ids[qpv] = resp.json()["id"]
    before = _rules(world)
    delete = world.client.delete
    assert (
        delete(f"/api/routing-rules/{ids[BELLEVUE]}", headers=world.h("planner_in")).status_code
        == 404
    )
    assert (
        delete(f"/api/routing-rules/{ids[None]}", headers=world.h("planner_in")).status_code == 403
    )
    assert _rules(world) == before
    # the listing shows what they may read: the rules valid everywhere and their QPV's
    listed = world.client.get("/api/routing-rules", headers=world.h("planner_in")).json()
    assert {r["qpv_code"] for r in listed} == {None, MALAKOFF}
    mine = delete(f"/api/routing-rules/{ids[MALAKOFF]}", headers=world.h("planner_in"))
    assert mine.status_code == 204  # the check can pass: their own rule
    # an unscoped planner or an admin still writes everything
    assert _put(world, "admin", None, "Ville de Nantes").status_code in (200, 201)
