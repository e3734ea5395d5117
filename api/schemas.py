"""Response and request schemas shared by the foundation routes.

Request models forbid unknown fields and non-finite numbers (``StrictModel``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from accounts.models import Role


class StrictModel(BaseModel):
    """Base of every request body: unknown fields, NaN/Infinity and NUL characters (PostgreSQL
    text cannot hold them) are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("caractère nul (\\u0000) interdit")
        return value


def _has_nul(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 20:
        return False
    if isinstance(value, (list, tuple, set)):
        return any(_has_nul(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k, depth + 1) or _has_nul(v, depth + 1) for k, v in value.items())
    return False


class QpvRef(BaseModel):
    code: str
    name: str
    generation: int
    approximate: bool = False


class NearestQpv(QpvRef):
    distance_m: int


class LookupResult(BaseModel):
    qpv: QpvRef | None = Field(description="Le QPV qui contient le point, ou null")
    nearest: NearestQpv | None = Field(
        None, description="Quand aucun QPV ne contient le point : le plus proche"
    )
    generation: int
    lon: float
    lat: float
    message: str


class UserCreate(StrictModel):
    login: str = Field(min_length=2, max_length=63, pattern=r"^[a-z0-9][a-z0-9._-]+$")
    role: Role
    display_name: str | None = Field(None, max_length=120)
    organisation: str | None = Field(None, max_length=200)
    email: str | None = Field(
        None,
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="Adresse où un organisme responsable reçoit les signalements transmis",
    )
    password: str | None = Field(
        None, min_length=12, max_length=256, description="Mot de passe (connexion)"
    )
    scope_qpv: list[Annotated[str, Field(pattern=r"^Q[PN][0-9]{5}[0-9A-Z]$")]] | None = Field(
        None, max_length=200, description="Territoire d'un compte planner : codes QPV"
    )
    scope_communes: list[Annotated[str, Field(pattern=r"^[0-9][0-9AB][0-9]{3}$")]] | None = Field(
        None, max_length=200, description="Territoire d'un compte planner : codes INSEE"
    )
    territory_id: str | None = Field(
        None,
        pattern=r"^[a-z0-9-]{2,60}$",
        description="Territoire où le compte travaille (défaut : celui de l'adresse appelée)",
    )


class UserCreated(BaseModel):
    id: uuid.UUID
    login: str
    role: Role
    token: str = Field(description="Jeton d'accès, affiché une seule fois")


class Me(BaseModel):
    role: Role
    login: str | None = None
    user_id: uuid.UUID | None = None
    walk_id: uuid.UUID | None = None
    expires_at: datetime | None = None
    scope_qpv: list[str] | None = None
