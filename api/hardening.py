"""Wiring of the hardening pieces into the app: log scrubbing, rate limits, security headers,
and the retention purge at start-up (see README « Sécurité »)."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from api import logsafe
from api.headers import SecurityHeaders
from api.ratelimit import RateLimit, TokenBuckets
from app.settings import Settings
from surveys import privacy

log = logging.getLogger("cartegalite.api")


def harden(app: FastAPI, settings: Settings) -> None:
    """Install the middleware (outermost last: headers wrap the rate limiter, which wraps the
    body limit) and the scrubbing of log records."""
    logsafe.install()
    limiter = TokenBuckets(settings.rate_limits) if settings.rate_limit_enabled else None
    app.state.limiter = limiter
    if limiter is not None:
        app.add_middleware(RateLimit, buckets=limiter, trusted=settings.trusted_proxies)
    app.add_middleware(
        SecurityHeaders,
        frame_paths=settings.frame_paths,
        frame_ancestors=settings.frame_ancestors,
        device_paths=settings.device_paths,
        geolocation_paths=settings.geolocation_paths,
        cors_paths=settings.cors_paths,
        tile_url=settings.tile_url,
        hsts_max_age=settings.hsts_max_age if settings.https_only else 0,
    )


def purge_at_start(pool: ConnectionPool, settings: Settings) -> None:
    """Apply the retention periods when the service starts (never blocks the start)."""
    if not settings.purge_at_start:
        return
    try:
        with pool.connection(timeout=settings.db_timeout_s) as conn:
            counts = privacy.purge(conn, settings.retention_months, settings.audit_retention_months)
        if any(counts.values()):
            log.info("retention purge: %s", counts)
    except Exception as exc:  # the database may be down: /health says so, the next start purges
        log.warning("retention purge skipped: %s", type(exc).__name__)
