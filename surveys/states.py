"""State machines as data (``surveys/states.toml``), checked in one place.

Every lifecycle of the domain — walk, follow-up, moderation, action — is a :class:`Machine`:
states grouped into categories (callers ask ``machine.in_category(state, "open")``, never compare
labels) and transitions naming the roles allowed to trigger them. :meth:`Machine.step` is the only
function that decides whether a transition is legal.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from accounts.models import Role
from geo.errors import Conflict, Forbidden, Invalid

_FILE = Path(__file__).with_name("states.toml")
MACHINES = ("walk", "followup", "moderation", "action")


@dataclass(frozen=True)
class State:
    code: str
    label: str
    category: str


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[Role]
    comment_required: bool = False
    routes: bool = False
    """The transition hands the case to a responsible body (routing rules apply)."""


@dataclass(frozen=True)
class Machine:
    """One lifecycle: its states, initial state(s) and transitions."""

    name: str
    label: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    initial_by_kind: tuple[tuple[str, str], ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        """State codes in declaration order."""
        return tuple(s.code for s in self.states)

    @property
    def actions(self) -> tuple[str, ...]:
        """Action names in declaration order."""
        return tuple(t.action for t in self.transitions)

    def state(self, code: str) -> State:
        """The state ``code``, or :class:`Invalid`."""
        for state in self.states:
            if state.code == code:
                return state
        raise Invalid(f"état inconnu ({self.label}) : {code!r}")

    def category(self, code: str) -> str:
        """Category of state ``code`` (e.g. ``open``, ``closed``)."""
        return self.state(code).category

    def in_category(self, code: str, category: str) -> bool:
        """True when state ``code`` belongs to ``category`` (e.g. ``"open"``)."""
        return self.category(code) == category

    def states_in(self, category: str) -> tuple[str, ...]:
        """Codes of the states of ``category``, in declaration order."""
        return tuple(s.code for s in self.states if s.category == category)

    def initial_for(self, kind: str | None = None) -> str:
        """Initial state, possibly depending on the kind of object (``marche``/``gusp``)."""
        return dict(self.initial_by_kind).get(kind or "", self.initial)

    def transition(self, action: str) -> Transition:
        """The transition named ``action``, or :class:`Invalid` listing the known ones."""
        for transition in self.transitions:
            if transition.action == action:
                return transition
        raise Invalid(
            f"action inconnue ({self.label}) : {action!r} "
            f"(actions possibles : {', '.join(self.actions)})"
        )

    def step(self, current: str, action: str, role: Role, comment: str | None = None) -> str:
        """The state reached by ``action`` from ``current``, or a French error.

        Raises
        ------
        Invalid
            Unknown action, or a required comment is missing.
        Forbidden
            ``role`` may not trigger this action.
        Conflict
            The action is not allowed from ``current`` (illegal transition).
        """
        transition = self.transition(action)
        if role not in transition.roles:
            raise Forbidden(
                f"action « {action} » réservée aux rôles : "
                + ", ".join(sorted(r.value for r in transition.roles))
            )
        if current not in transition.sources:
            allowed = ", ".join(t.action for t in self.transitions if current in t.sources)
            raise Conflict(
                f"transition impossible ({self.label}) : « {action} » depuis l'état "
                f"« {self.state(current).label} » (actions possibles : {allowed or 'aucune'})"
            )
        if transition.comment_required and not (comment and comment.strip()):
            raise Invalid(f"un commentaire (motif) est obligatoire pour « {action} »")
        return transition.target


def _machine(name: str, raw: dict[str, object]) -> Machine:
    states = tuple(State(**s) for s in raw["states"])  # type: ignore[attr-defined]
    transitions = tuple(
        Transition(
            action=t["action"],
            sources=frozenset(t["from"]),
            target=t["to"],
            roles=frozenset(Role(r) for r in t["roles"]),
            comment_required=bool(t.get("comment_required", False)),
            routes=bool(t.get("routes", False)),
        )
        for t in raw["transitions"]  # type: ignore[attr-defined]
    )
    by_kind = raw.get("initial_by_kind", {})
    machine = Machine(
        name=name,
        label=str(raw["label"]),
        initial=str(raw["initial"]),
        states=states,
        transitions=transitions,
        initial_by_kind=tuple(sorted(by_kind.items())),  # type: ignore[attr-defined]
    )
    check(machine)
    return machine


def check(machine: Machine) -> None:
    """Raise ``ValueError`` when the machine refers to unknown states or repeats a name."""
    codes = set(machine.codes)
    if len(codes) != len(machine.states):
        raise ValueError(f"{machine.name}: duplicate state")
    if len(set(machine.actions)) != len(machine.transitions):
        raise ValueError(f"{machine.name}: duplicate action")
    initials = {machine.initial, *dict(machine.initial_by_kind).values()}
    unknown = initials - codes
    for t in machine.transitions:
        unknown |= (t.sources | {t.target}) - codes
        if not t.roles:
            raise ValueError(f"{machine.name}: transition {t.action} has no role")
    if unknown:
        raise ValueError(f"{machine.name}: unknown states {sorted(unknown)}")


@cache
def _load() -> dict[str, Machine]:
    raw = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    machines = {name: _machine(name, raw[name]) for name in MACHINES}
    shared = set(machines["followup"].actions) & set(machines["moderation"].actions)
    if shared:  # both go through POST /api/observations/{id}/transitions
        raise ValueError(f"actions shared by followup and moderation: {sorted(shared)}")
    return machines


def machine(name: str) -> Machine:
    """The machine ``name`` (one of :data:`MACHINES`)."""
    return _load()[name]


def walk() -> Machine:
    """The walk lifecycle (préparée → réalisée → restituée → bilan)."""
    return machine("walk")


def followup() -> Machine:
    """The follow-up of an observation turned into an issue."""
    return machine("followup")


def moderation() -> Machine:
    """The moderation of what participants wrote or photographed."""
    return machine("moderation")


def action() -> Machine:
    """The status of an action of the action plan."""
    return machine("action")


def observation_machine_of(action_name: str) -> Machine:
    """The machine (follow-up or moderation) an observation action belongs to."""
    for name in ("followup", "moderation"):
        if action_name in machine(name).actions:
            return machine(name)
    actions = [*followup().actions, *moderation().actions]
    raise Invalid(f"action inconnue : {action_name!r} (actions possibles : {', '.join(actions)})")
