"""Routed reports delivered to their responsible body: an e-mail to the body's account address
(through the SMTP server of the settings) when a report is handed over (« transmettre »), each
attempt kept in ``report_deliveries``. The e-mail says what and where as the body's own
field-level view shows it (the centre of the 100 m cell), never who; the body answers through
Open311."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from typing import Any

import psycopg

from accounts.models import Role
from app.settings import Settings
from surveys import policy
from surveys.grid import grid
from surveys.repo import deliveries


def notify_body(conn: psycopg.Connection[Any], settings: Settings, obs_id: uuid.UUID) -> bool:
    """E-mail the body a report was just handed to; True when an e-mail left. A failure is
    recorded, never raised (the hand-over itself stands)."""
    report = deliveries.report(conn, obs_id, policy.role_view(Role.BODY))
    if report is None or not report["body"] or not report["email"] or not settings.smtp_host:
        return False
    code = report["category"] or report["theme"]
    subject = f"Signalement transmis : {grid().label_of(code) if code else 'observation'}"
    body = (
        f"Un signalement vous a été transmis ({report['body']}).\n\n"
        f"Objet : {grid().label_of(code) if code else '—'}\n"
        f"Lieu (à 100 m près) : {report['lat']:.5f}, {report['lon']:.5f}\n"
        f"Texte : {report['comment'] or '—'}\n\n"
        f"Référence Open311 : {obs_id}\n"
        "Répondez par l'API GeoReport v2 de Cartégalité (requests/{id}.json) avec votre clé.\n"
    )
    error = send_mail(settings, report["email"], subject, body)
    deliveries.record(conn, obs_id, report["body"], report["email"], error)
    return error is None


def send_mail(settings: Settings, to: str, subject: str, body: str) -> str | None:
    """Send one plain-text e-mail through the settings' SMTP server: None when it left, else
    the kind of failure (never raised: callers record it)."""
    if not settings.smtp_host:
        return "aucun serveur SMTP configuré (CARTEGALITE_SMTP_HOST)"
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return type(exc).__name__
    return None
