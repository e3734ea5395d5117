"""View models of the admin's screens: accounts, the audit log, the retention settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg

from accounts import audit
from accounts import service as accounts
from accounts.models import Role, User
from app.backoffice.clock import paris
from app.backoffice.menu import ROLE_LABELS
from app.settings import Settings


@dataclass(frozen=True)
class AccountRow:
    login: str
    planner: bool
    scope_qpv: str
    scope_communes: str
    role: str
    name: str
    organisation: str
    territory: str
    disabled: bool
    has_password: bool


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: str
    who: str
    action: str
    route: str
    object_id: str
    items: str


@dataclass(frozen=True)
class AuditView:
    lines: tuple[AuditLine, ...]
    action: str
    actions: tuple[str, ...]
    older_url: str | None


@dataclass(frozen=True)
class Retention:
    label: str
    value: str


def _territory(user: User) -> str:
    if user.role is not Role.PLANNER:
        return "—"
    parts = []
    if user.scope_qpv:
        parts.append("QPV " + ", ".join(user.scope_qpv))
    if user.scope_communes:
        parts.append("communes " + ", ".join(user.scope_communes))
    return " ; ".join(parts) or "tout le territoire"


def account_rows(conn: psycopg.Connection[Any]) -> list[AccountRow]:
    """Every staff account, as the admin sees it."""
    return [
        AccountRow(
            login=u.login,
            planner=u.role is Role.PLANNER,
            scope_qpv=(u.scope_qpv or ("",))[0],
            scope_communes=", ".join(u.scope_communes or ()),
            role=ROLE_LABELS.get(u.role, u.role.value),
            name=u.display_name or "",
            organisation=u.organisation or "",
            territory=_territory(u),
            disabled=u.disabled,
            has_password=u.has_password,
        )
        for u in accounts.list_users(conn)
    ]


AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "user_create",
    "user_update",
    "password_reset",
    "read_locations",
    "read_observation",
    "read_photo",
    "read_pseudonyms",
    "export",
    "gdpr_export",
    "gdpr_delete",
    "moderation",
    "walk_create",
    "purge",
)


def audit_view(
    conn: psycopg.Connection[Any], action: str | None, before: int | None, limit: int = 50
) -> AuditView:
    """The most recent audit rows (filtered by action), with a link to older ones."""
    logins = {u.id: u.login for u in accounts.list_users(conn)}
    rows = audit.entries(conn, action or None, limit, before)
    lines = tuple(
        AuditLine(
            id=int(r["id"]),
            at=paris(r["at"], seconds=True),
            who=logins.get(r["actor_user_id"], "")
            or ("participante" if r["actor_participant_id"] else str(r["actor_role"] or "anonyme")),
            action=str(r["action"]),
            route=f"{r['method'] or ''} {r['route'] or ''}".strip(),
            object_id=str(r["object_id"] or ""),
            items=str(r["item_count"]) if r["item_count"] is not None else "",
        )
        for r in rows
    )
    older = None
    if len(lines) == limit:
        query = f"avant={lines[-1].id}" + (f"&action={action}" if action else "")
        older = f"/equipe/journal?{query}"
    return AuditView(lines, action or "", AUDIT_ACTIONS, older)


def retention(settings: Settings) -> tuple[Retention, ...]:
    """The retention settings in force (read-only: they come from the environment)."""
    return (
        Retention("Conservation des observations", f"{settings.retention_months} mois"),
        Retention("Conservation du journal d'audit", f"{settings.audit_retention_months} mois"),
        Retention(
            "Délai avant publication des agrégats publics", f"{settings.public_delay_days} jours"
        ),
        Retention(
            "Validité du jeton d'une participante après sa marche",
            f"{settings.participant_token_days} jours",
        ),
        Retention("Durée d'une session de l'équipe", f"{settings.staff_token_hours} heures"),
    )
