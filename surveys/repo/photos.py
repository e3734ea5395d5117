"""SQL of observation photos (re-encoded JPEG bytes only)."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from surveys.photos import Photo


def find(conn: psycopg.Connection[Any], photo_id: uuid.UUID) -> tuple[uuid.UUID, bytes] | None:
    """(observation id, content hash) of a stored photo."""
    row = conn.execute(
        "SELECT observation_id, content_hash FROM observation_photos WHERE id = %s", (photo_id,)
    ).fetchone()
    return (row[0], bytes(row[1])) if row else None


def count(conn: psycopg.Connection[Any], obs_id: uuid.UUID) -> int:
    """Number of photos of an observation."""
    row = conn.execute(
        "SELECT count(*) FROM observation_photos WHERE observation_id = %s", (obs_id,)
    ).fetchone()
    return int(row[0]) if row else 0


def insert(
    conn: psycopg.Connection[Any],
    photo_id: uuid.UUID,
    obs_id: uuid.UUID,
    photo: Photo,
    participant_id: uuid.UUID | None,
    user_id: uuid.UUID | None,
) -> bool:
    """Store the re-encoded photo unless the id exists; True when inserted."""
    cur = conn.execute(
        """
        INSERT INTO observation_photos (id, observation_id, content_hash, media_type, width,
                                        height, content, participant_id, author_user_id)
        VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
        ON CONFLICT (id) DO NOTHING
        """,
        (
            photo_id,
            obs_id,
            photo.sha256,
            photo.media_type,
            photo.width,
            photo.height,
            photo.content,
            participant_id,
            user_id,
        ),
    )
    return cur.rowcount == 1


def content(
    conn: psycopg.Connection[Any], obs_id: uuid.UUID, photo_id: uuid.UUID
) -> tuple[bytes, str] | None:
    """(bytes, media type) of a photo of ``obs_id``."""
    row = conn.execute(
        "SELECT content, media_type FROM observation_photos WHERE id = %s AND observation_id = %s",
        (photo_id, obs_id),
    ).fetchone()
    return (bytes(row[0]), str(row[1])) if row else None


def meta(conn: psycopg.Connection[Any], photo_id: uuid.UUID) -> dict[str, Any] | None:
    """Size and dimensions of a stored photo, or None."""
    row = conn.execute(
        """
        SELECT id, observation_id, media_type, width, height, octet_length(content), received_at
        FROM observation_photos WHERE id = %s
        """,
        (photo_id,),
    ).fetchone()
    keys = ("id", "observation_id", "media_type", "width", "height", "size_bytes", "received_at")
    return dict(zip(keys, row, strict=True)) if row else None
