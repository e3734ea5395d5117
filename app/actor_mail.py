"""E-mails that ask an actor to check its entry (issue 21): one link per actor, sent through the
settings' SMTP server; the update campaign sends one to every actor to re-verify that has an
address and did not get one recently."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

from actors import hours, quality, selfupdate, service
from actors.repo import proposals, records
from app.delivery import send_mail
from app.settings import Settings
from geo.errors import Invalid, NotFound


@dataclass(frozen=True)
class Sent:
    actor_id: uuid.UUID
    to: str
    error: str | None
    """None when the e-mail left (else the link was withdrawn: nobody holds it)."""


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/mise-a-jour/{token}"


def send_link(
    conn: psycopg.Connection[Any],
    settings: Settings,
    actor_id: uuid.UUID,
    base_url: str,
    by_login: str | None,
    to: str | None = None,
) -> Sent:
    """E-mail ``actor_id`` (at ``to``, else the entry's own address) a link to its entry."""
    actor = records.get(conn, actor_id)
    if actor is None:
        raise NotFound(f"acteur introuvable : {actor_id}")
    address = to or actor.courriel
    if not address:
        raise Invalid("courriel : ce lieu n'a pas d'adresse, saisissez celle à qui écrire")
    if not settings.smtp_host:
        raise Invalid("aucun serveur de courriel configuré (CARTEGALITE_SMTP_HOST)")
    with conn.transaction():
        link = selfupdate.issue(conn, actor_id, address, by_login)
    body = (
        "Bonjour,\n\n"
        f"Votre structure « {actor.nom} » figure dans l'annuaire des lieux d'aide "
        "(accès aux droits, lutte contre les discriminations) de Cartégalité, consulté par les "
        "habitantes et habitants.\n\n"
        "Pouvez-vous vérifier vos informations (horaires, téléphone, publics accueillis, motifs "
        "de discrimination traités) ? Ce lien ouvre votre fiche, et seulement elle :\n\n"
        f"{link_url(base_url, link.token)}\n\n"
        "Si rien n'a changé, un clic sur « Rien n'a changé » suffit. Vos modifications sont "
        "relues par l'équipe avant publication.\n"
        f"Le lien est valable jusqu'au {hours.french_date(link.expires_at.date())} et ne sert "
        "qu'une fois.\n\n"
        "L'équipe Cartégalité\n"
    )
    error = send_mail(settings, link.sent_to, f"Vérifiez votre fiche : {actor.nom}", body)
    if error is not None:
        proposals.delivery_failed(conn, link.id, error)
    return Sent(actor_id, link.sent_to, error)


@dataclass(frozen=True)
class CampaignRun:
    sent: list[Sent]
    without_address: list[str]
    """Names of the actors to re-verify that have no e-mail address (to call instead)."""
    recently_asked: int


def send_campaign(
    conn: psycopg.Connection[Any],
    settings: Settings,
    base_url: str,
    by_login: str | None,
    threshold: int = quality.DEFAULT_THRESHOLD,
) -> CampaignRun:
    """A link to every actor of the update campaign (worst first) that has an address and did
    not get one in the last :data:`actors.selfupdate.RESEND_DAYS` days."""
    if not settings.smtp_host:
        raise Invalid("aucun serveur de courriel configuré (CARTEGALITE_SMTP_HOST)")
    recent = proposals.recently_sent(conn, selfupdate.RESEND_DAYS)
    sent: list[Sent] = []
    without: list[str] = []
    skipped = 0
    for item in service.campaign(conn, threshold):
        actor_id = uuid.UUID(str(item["id"]))
        if actor_id in recent:
            skipped += 1
            continue
        actor = records.get(conn, actor_id)
        if actor is None or not actor.courriel:
            without.append(str(item["nom"]))
            continue
        sent.append(send_link(conn, settings, actor_id, base_url, by_login))
    return CampaignRun(sent, without, skipped)
