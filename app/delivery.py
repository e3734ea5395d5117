"""Routed reports delivered to their responsible body: an e-mail to the body's account address
(through the SMTP server of the settings) when a report is handed over (« transmettre »), each
attempt kept in ``report_deliveries``. The e-mail says what and roughly where (the 100 m cell
centre, as the body's own view), never who; the body answers through Open311."""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from typing import Any

import psycopg

from app.settings import Settings
from surveys.grid import grid


def _report(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> dict[str, Any] | None:
    row = conn.execute(
        """
        SELECT o.responsible_body, v.category, v.theme, v.comment,
               ST_Y(ST_Transform(ST_SetSRID(ST_MakePoint(
                   floor(ST_X(ST_Transform(v.geom, 2154)) / 100) * 100 + 50,
                   floor(ST_Y(ST_Transform(v.geom, 2154)) / 100) * 100 + 50), 2154), 4326)),
               ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(
                   floor(ST_X(ST_Transform(v.geom, 2154)) / 100) * 100 + 50,
                   floor(ST_Y(ST_Transform(v.geom, 2154)) / 100) * 100 + 50), 2154), 4326)),
               u.email
        FROM observations o
        JOIN observation_versions v ON v.observation_id = o.id AND v.version = o.current_version
        LEFT JOIN users u ON u.role = 'body' AND u.organisation = o.responsible_body
                         AND u.disabled_at IS NULL
        WHERE o.id = %s
        """,
        (obs_id,),
    ).fetchone()
    if row is None:
        return None
    keys = ("body", "category", "theme", "comment", "lat", "lon", "email")
    return dict(zip(keys, row, strict=True))


def notify_body(conn: psycopg.Connection[Any], settings: Settings, obs_id: uuid.UUID) -> bool:
    """E-mail the body a report was just handed to; True when an e-mail left. A failure is
    recorded, never raised (the hand-over itself stands)."""
    report = _report(conn, obs_id)
    if report is None or not report["body"] or not report["email"] or not settings.smtp_host:
        return False
    code = report["category"] or report["theme"]
    subject = f"Signalement transmis : {grid().label_of(code) if code else 'observation'}"
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = report["email"]
    message["Subject"] = subject
    message.set_content(
        f"Un signalement vous a été transmis ({report['body']}).\n\n"
        f"Objet : {grid().label_of(code) if code else '—'}\n"
        f"Lieu (à 100 m près) : {report['lat']:.5f}, {report['lon']:.5f}\n"
        f"Texte : {report['comment'] or '—'}\n\n"
        f"Référence Open311 : {obs_id}\n"
        "Répondez par l'API GeoReport v2 de Cartégalité (requests/{id}.json) avec votre clé.\n"
    )
    error = None
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        error = type(exc).__name__
    conn.execute(
        "INSERT INTO report_deliveries (observation_id, body, recipient, channel, error) "
        "VALUES (%s, %s, %s, 'email', %s)",
        (obs_id, report["body"], report["email"], error),
    )
    return error is None
