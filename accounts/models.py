"""Roles and the authenticated principal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    PLANNER = "planner"
    MODERATOR = "moderator"
    ADMIN = "admin"
    BODY = "body"
    """A responsible body (Ville, bailleur, Métropole, TAN…) receiving the reports routed to it."""


STAFF_ROLES = frozenset({Role.FACILITATOR, Role.PLANNER, Role.MODERATOR, Role.ADMIN})
"""Roles of the team (participants have no account, only a walk-scoped token)."""
ACCOUNT_ROLES = STAFF_ROLES | {Role.BODY}
"""Roles an account may hold: the team's, and responsible bodies (named by ``organisation``)."""


@dataclass(frozen=True)
class Territory:
    """A planner's territorial scope: QPV codes (the communes' QPV included) and INSEE codes."""

    qpv: frozenset[str] = frozenset()
    communes: frozenset[str] = frozenset()

    def covers_qpv(self, codes: tuple[str, ...] | list[str] | frozenset[str]) -> bool:
        """True when one of ``codes`` is in the scope."""
        return any(code in self.qpv for code in codes)


@dataclass(frozen=True)
class Principal:
    """Who is calling, as resolved from a bearer token.

    ``territory`` restricts a planner to some QPV and communes; ``None`` means the whole
    territory of the instance (and is the only value for the other roles).
    """

    role: Role
    token_id: int
    user_id: uuid.UUID | None = None
    login: str | None = None
    participant_id: uuid.UUID | None = None
    walk_id: uuid.UUID | None = None
    territory: Territory | None = None
    expires_at: datetime | None = None
    organisation: str | None = None
    """The account's organisation: for a body, the name reports are routed to."""
    home: str | None = None
    """The territory a staff account works in (``users.territory_id``; None: the instance's
    default — or, for an admin, every territory). The gate replaces it by the territory of
    the request it allowed, so that listings show that territory only."""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    login: str
    role: Role
    display_name: str | None
    organisation: str | None
    scope_qpv: tuple[str, ...] | None = None
    scope_communes: tuple[str, ...] | None = None
    disabled: bool = False
    has_password: bool = False
