"""Roles and the authenticated principal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"
    PLANNER = "planner"
    MODERATOR = "moderator"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.FACILITATOR, Role.PLANNER, Role.MODERATOR, Role.ADMIN})
"""Roles held by accounts (participants have no account, only a walk-scoped token)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling, as resolved from a bearer token."""

    role: Role
    token_id: int
    user_id: uuid.UUID | None = None
    login: str | None = None
    participant_id: uuid.UUID | None = None
    walk_id: uuid.UUID | None = None

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
