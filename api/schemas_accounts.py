"""Request and response schemas of sessions, accounts administration, audit and privacy."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from accounts.models import Role
from api.schemas import StrictModel

Password = Annotated[str, Field(min_length=1, max_length=256)]
QpvCode = Annotated[str, Field(pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$")]
Insee = Annotated[str, Field(pattern=r"^[0-9][0-9AB][0-9]{3}$")]


class LoginIn(StrictModel):
    login: str = Field(min_length=1, max_length=63)
    password: Password


class Session(BaseModel):
    token: str = Field(description="Jeton « Bearer » de la session")
    expires_at: datetime
    login: str
    role: Role


class PasswordIn(StrictModel):
    password: Annotated[str, Field(min_length=12, max_length=256)]


class PasswordChangeIn(StrictModel):
    current_password: Password
    new_password: Annotated[str, Field(min_length=12, max_length=256)]


class UserPatch(StrictModel):
    """What an admin may change on an account (not its login nor its role)."""

    display_name: str | None = Field(None, max_length=120)
    organisation: str | None = Field(None, max_length=200)
    scope_qpv: list[QpvCode] | None = Field(
        None, max_length=200, description="Territoire d'un compte planner : codes QPV"
    )
    scope_communes: list[Insee] | None = Field(
        None, max_length=200, description="Territoire d'un compte planner : codes INSEE"
    )
    disabled: bool | None = Field(None, strict=True)


class UserOut(BaseModel):
    id: uuid.UUID
    login: str
    role: Role
    display_name: str | None = None
    organisation: str | None = None
    scope_qpv: list[str] | None = None
    scope_communes: list[str] | None = None
    disabled: bool = False
    has_password: bool = False


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_role: str | None
    actor_user_id: uuid.UUID | None
    actor_participant_id: uuid.UUID | None
    action: str
    method: str | None
    route: str | None
    object_id: str | None
    item_count: int | None
    status: int | None


class Erased(BaseModel):
    observations: int
    photos: int
    participant: bool
