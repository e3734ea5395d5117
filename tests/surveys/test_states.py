"""The grid and the state machines as data: loaded, checked, legal and illegal transitions,
and the database CHECK constraints list the same states."""

from __future__ import annotations

import re
from typing import Any

import psycopg
import pytest

from accounts.models import Role
from geo.errors import Conflict, Forbidden, Invalid
from surveys import states
from surveys.grid import grid
from surveys.states import Machine, State, Transition, check


def test_grid_has_the_six_principles_and_gusp_categories() -> None:
    g = grid()
    assert g.themes == ("reperage", "visibilite", "animation", "aide", "entretien", "usages")
    assert all(len(p.items) >= 4 for p in g.principles)
    assert {
        "proprete",
        "depot_sauvage",
        "eclairage_panne",
        "tag_haineux",
        "hall_parties_communes",
    } <= set(g.category_codes)
    assert g.scales["rating"][0] == "très problématique" and g.scales["rating"][3] == "satisfaisant"
    assert g.check_items("visibilite", ["recoins", "eclairage", "recoins"]) == (
        "eclairage",
        "recoins",
    )
    with pytest.raises(Invalid, match="thème inconnu"):
        g.principle("ambiance")


def test_machines_group_states_in_categories() -> None:
    walk, follow, moderation, action = (states.machine(n) for n in states.MACHINES)
    assert walk.states_in("open") == ("preparee", "realisee")
    assert follow.initial_for("gusp") == "nouveau" and follow.initial_for("marche") == "hors_suivi"
    assert follow.states_in("closed") == ("resolu", "rejete")
    assert moderation.states_in("visible") == ("publiee",)
    assert action.states_in("open") == ("proposee", "validee", "en_cours")


def test_followup_path_and_illegal_transitions() -> None:
    follow = states.followup()
    state = "nouveau"
    for action in ("prendre_en_compte", "transmettre", "demarrer", "resoudre"):
        state = follow.step(state, action, Role.PLANNER)
    assert state == "resolu"
    with pytest.raises(Conflict, match="transition impossible"):
        follow.step("resolu", "transmettre", Role.PLANNER)
    with pytest.raises(Conflict):
        follow.step("hors_suivi", "resoudre", Role.PLANNER)
    with pytest.raises(Forbidden):
        follow.step("nouveau", "transmettre", Role.PARTICIPANT)
    with pytest.raises(Invalid, match="motif"):
        follow.step("nouveau", "rejeter", Role.PLANNER, comment="  ")
    assert follow.step("nouveau", "rejeter", Role.PLANNER, comment="hors compétence") == "rejete"
    with pytest.raises(Invalid, match="action inconnue"):
        follow.step("nouveau", "teleporter", Role.ADMIN)


def test_check_refuses_machines_that_name_unknown_states() -> None:
    bad = Machine(
        name="x",
        label="x",
        initial="a",
        states=(State("a", "A", "open"),),
        transitions=(Transition("go", frozenset({"a"}), "b", frozenset({Role.ADMIN})),),
    )
    with pytest.raises(ValueError, match="unknown states"):
        check(bad)


@pytest.mark.parametrize(
    ("machine", "table", "column"),
    [
        ("walk", "walks", "status"),
        ("followup", "observations", "followup"),
        ("moderation", "observations", "moderation"),
        ("action", "actions", "status"),
    ],
)
def test_database_checks_list_the_same_states(
    conn: psycopg.Connection[Any], machine: str, table: str, column: str
) -> None:
    rows = conn.execute(
        """
        SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND c.contype = 'c'
        """,
        (table,),
    ).fetchall()
    definition = next(r[0] for r in rows if re.search(rf"\b{column}\b", r[0]) and "ANY" in r[0])
    assert set(re.findall(r"'([a-z_]+)'::text", definition)) == set(states.machine(machine).codes)
