"""Settings, read from environment variables in one place (documented in README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

_PLACEHOLDERS = {"changeme", "change-me", "admin", "secret", "password", "test"}


class SettingsError(ValueError):
    """An environment variable has an unusable value."""


DEFAULT_RATE_LIMITS: tuple[tuple[str, int, int], ...] = (
    ("ip", 600, 600),
    ("token", 300, 300),
    ("login", 10, 5),
    ("login_account", 10, 2),
    ("join", 40, 20),
    ("anon_write", 60, 30),
)
"""Default buckets: (name, burst, refill per minute). ``ip`` counts every request of an address,
``token`` every request of a bearer token (so a walk group behind one IP shares only the
generous ``ip`` bucket), ``login`` and ``join`` are per IP, ``login_account`` per account name,
``anon_write`` counts writes without a token per IP."""


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Everything the app and the CLI can be configured with.

    Build it with :meth:`from_env`; tests build it directly or with :meth:`with_`.
    """

    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    env: str = "development"
    admin_token: str | None = None
    territory: str = "nantes-metropole"
    qpv_generation: int = 2015
    tile_url: str | None = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assets_dir: Path = PROJECT_ROOT / "node_modules"
    pg_root: Path = PROJECT_ROOT / "var" / "pg"
    pg_port: int = 54329
    qpv_source: Path | None = None
    max_body_bytes: int = 2 * 1024 * 1024
    body_limit_overrides: tuple[tuple[str, int], ...] = (
        (r"^/api/observations/[^/]+/photos$", 25 * 1024 * 1024),
        (r"^/api/observations/batch$", 8 * 1024 * 1024),
        (r"^/equipe/annuaire/import$", 11 * 1024 * 1024),
    )
    """(path regex, bytes) pairs for routes that need another limit (photo uploads, batches)."""
    pool_min: int = 1
    pool_max: int = 10
    db_timeout_s: float = 5.0
    statement_timeout_ms: int = 15_000
    workers: int = 1
    extra: dict[str, str] = field(default_factory=dict)
    # --- exhibitions ---
    exhibitions_qpv_distance_m: int = 500
    """A school within this distance (metres) of a QPV boundary counts as near that QPV."""
    # --- surveys: walks, observations, public aggregates ---
    public_min_count: int = 5
    """k: a public grid cell is shown only with at least this many observations."""
    public_delay_days: int = 7
    """Observations enter the public counts this many days after they were made."""
    clock_skew_s: int = 300
    """How far in the future an observation's ``observed_at`` may be (phone clocks drift)."""
    # --- hardening: roles, privacy, limits ---
    staff_token_hours: int = 12
    """Lifetime of a staff session token (login, or the token returned at account creation)."""
    participant_token_days: int = 180
    """A participant's token expires this many days after the walk (or the join, if later)."""
    rate_limit_enabled: bool = True
    rate_limits: tuple[tuple[str, int, int], ...] = DEFAULT_RATE_LIMITS
    """(bucket, burst, refill per minute); in-process token buckets, per worker process."""
    trusted_proxies: tuple[str, ...] = ()
    """Peers whose X-Forwarded-For and X-Forwarded-Proto are believed (the client IP is then the
    last untrusted hop; the scheme the one the proxy received)."""
    secure_cookies: bool | None = None
    """Session cookie marked ``Secure`` (sent over HTTPS only) and HSTS on every response; None:
    on outside development and tests (``CARTEGALITE_SECURE_COOKIES``)."""
    hsts_max_age: int = 31_536_000
    """``Strict-Transport-Security`` max-age (seconds) when secure cookies are on; 0 sends none."""
    frame_paths: tuple[str, ...] = (r"^/widget(/|$)", r"^/aide/widget$")
    """Paths (regex) partner sites may frame (the actors widget); framing is denied elsewhere."""
    frame_ancestors: str = "*"
    """CSP frame-ancestors of the framable paths (e.g. ``https://partenaire.fr``)."""
    device_paths: tuple[str, ...] = (r"^/marche(/|$)",)
    """Pages (the field app) allowed to ask for geolocation and the camera."""
    geolocation_paths: tuple[str, ...] = (r"^/aide(/|$)",)
    """Pages allowed to ask for geolocation only (« près de chez moi »)."""
    cors_paths: tuple[str, ...] = (
        r"^/api/public(/|$)",
        r"^/api/qpv(/|$)",
        r"^/api/exhibitions/coverage(\.csv)?$",
        r"^/api/selfcheck/stats$",
        r"^/ogc(/|$)",
    )
    """Public, aggregated endpoints readable cross-origin (GET only, no credentials)."""
    lock_timeout_ms: int = 5_000
    idle_in_transaction_ms: int = 30_000
    retention_months: int = 24
    """Photos and free text of observations are purged after this many months."""
    audit_retention_months: int = 12
    purge_at_start: bool = True
    privacy_controller: str | None = None
    """Who is responsible for the data (shown on /confidentialite)."""
    privacy_contact: str | None = None
    """Whom people write to about their data (shown on /confidentialite); never invented."""
    # --- delivery of routed reports to responsible bodies ---
    smtp_host: str | None = None
    """SMTP server that sends routed reports to the bodies' e-mail addresses (none: no e-mail)."""
    smtp_port: int = 25
    smtp_from: str = "cartegalite@localhost"
    public_url: str | None = None
    """Address of the service as residents and actors reach it (links in e-mails sent from the
    command line, QR codes of printed directories and posters); ``http://HOST:PORT`` when
    unset. Pages use the address the browser used."""
    # --- actors (support-actor directory) ---
    helplines_file: Path | None = None
    """Help lines shown to residents (``actors/helplines.toml`` when None)."""
    actors_source: Path | None = None
    """File ``cartegalite actors import`` reads when no path is given."""
    # --- schools (imported by serve when the database has none) ---
    schools_source: Path | None = None
    """Schools file imported by ``serve`` into an empty database."""
    # --- selfcheck (discrimination self-check) ---
    selfcheck_group_min_count: int = 3
    """A group session's counts are shown from this many answers (each count too)."""
    selfcheck_session_hours: int = 4
    """How long a group session accepts answers."""
    selfcheck_testimonies_per_hour: int = 10
    """Anonymous testimonies accepted per hour from one address (per worker process)."""
    # --- planning: dashboards, hotspots, reports ---
    planning_actor_distance_m: int = 1500
    """A ground of discrimination with no active actor within this distance (metres, EPSG:2154)
    of a QPV is listed among the dashboard's absences."""
    # --- benchmarks: what the measurements led to ---
    public_cache_s: int = 60
    """Seconds a computed public aggregate (``GET /api/public/observations``) is served again
    before being recomputed (per worker; 0: never cached)."""

    @property
    def base_url(self) -> str:
        """:attr:`public_url`, else this service's own address."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def https_only(self) -> bool:
        """True when the service is reached over HTTPS only: ``Secure`` cookies and HSTS."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return self.env not in ("development", "test")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from ``environ`` (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        shared_qpv = PROJECT_ROOT.parent / "shared" / "data" / "qpv" / "qpv_2015_dep44.geojson"
        qpv_source = env.get("CARTEGALITE_QPV_SOURCE") or (
            str(shared_qpv) if shared_qpv.exists() else ""
        )
        tile_url = env.get("CARTEGALITE_TILE_URL", cls.tile_url)
        settings = cls(
            database_url=env.get("DATABASE_URL") or None,
            host=env.get("HOST", cls.host),
            port=_int(env, "PORT", cls.port, 1, 65535),
            env=env.get("CARTEGALITE_ENV", cls.env),
            admin_token=env.get("CARTEGALITE_ADMIN_TOKEN") or None,
            territory=env.get("CARTEGALITE_TERRITORY", cls.territory),
            qpv_generation=_int(env, "CARTEGALITE_QPV_GENERATION", cls.qpv_generation, 2015, 2024),
            tile_url=None if tile_url in ("", "none", "off") else tile_url,
            assets_dir=Path(env.get("CARTEGALITE_ASSETS_DIR", str(cls.assets_dir))),
            pg_root=Path(env.get("CARTEGALITE_PGROOT", str(cls.pg_root))),
            pg_port=_int(env, "CARTEGALITE_PGPORT", cls.pg_port, 1024, 65535),
            qpv_source=Path(qpv_source) if qpv_source else None,
            max_body_bytes=_int(
                env, "CARTEGALITE_MAX_BODY_BYTES", cls.max_body_bytes, 1024, 100 * 1024 * 1024
            ),
            pool_max=_int(env, "CARTEGALITE_POOL_MAX", cls.pool_max, 1, 200),
            workers=_int(env, "WEB_CONCURRENCY", cls.workers, 1, 64),
            # --- exhibitions ---
            exhibitions_qpv_distance_m=_int(
                env,
                "CARTEGALITE_EXHIBITIONS_QPV_DISTANCE_M",
                cls.exhibitions_qpv_distance_m,
                0,
                5000,
            ),
            # --- surveys ---
            public_min_count=_int(
                env, "CARTEGALITE_PUBLIC_MIN_COUNT", cls.public_min_count, 2, 1000
            ),
            public_delay_days=_int(
                env, "CARTEGALITE_PUBLIC_DELAY_DAYS", cls.public_delay_days, 0, 365
            ),
            clock_skew_s=_int(env, "CARTEGALITE_CLOCK_SKEW_S", cls.clock_skew_s, 0, 3600),
            # --- delivery ---
            smtp_host=env.get("CARTEGALITE_SMTP_HOST") or None,
            smtp_port=_int(env, "CARTEGALITE_SMTP_PORT", cls.smtp_port, 1, 65535),
            smtp_from=env.get("CARTEGALITE_SMTP_FROM", cls.smtp_from),
            public_url=(env.get("CARTEGALITE_PUBLIC_URL") or "").rstrip("/") or None,
            # --- actors ---
            helplines_file=(
                Path(env["CARTEGALITE_HELPLINES"]) if env.get("CARTEGALITE_HELPLINES") else None
            ),
            actors_source=Path(
                env.get("CARTEGALITE_ACTORS_SOURCE")
                or PROJECT_ROOT.parent / "shared" / "data" / "actors" / "actors_dep44.geojson"
            ),
            schools_source=Path(
                env.get("CARTEGALITE_SCHOOLS_SOURCE")
                or PROJECT_ROOT.parent / "shared" / "data" / "schools" / "colleges_dep44.geojson"
            ),
            # --- selfcheck ---
            selfcheck_group_min_count=_int(
                env, "CARTEGALITE_SELFCHECK_GROUP_MIN", cls.selfcheck_group_min_count, 2, 50
            ),
            selfcheck_session_hours=_int(
                env, "CARTEGALITE_SELFCHECK_SESSION_HOURS", cls.selfcheck_session_hours, 1, 72
            ),
            selfcheck_testimonies_per_hour=_int(
                env, "CARTEGALITE_SELFCHECK_RATE", cls.selfcheck_testimonies_per_hour, 1, 10_000
            ),
            # --- planning ---
            planning_actor_distance_m=_int(
                env,
                "CARTEGALITE_PLANNING_ACTOR_DISTANCE_M",
                cls.planning_actor_distance_m,
                0,
                50_000,
            ),
            # --- benchmarks ---
            public_cache_s=_int(env, "CARTEGALITE_PUBLIC_CACHE_S", cls.public_cache_s, 0, 3600),
        )
        # --- hardening ---
        settings = replace(settings, **_hardening_from_env(env))  # type: ignore[arg-type]
        settings.check()
        return settings

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def check(self) -> None:
        """Refuse unsafe combinations (placeholder secrets outside development)."""
        if self.qpv_generation not in (2015, 2024):
            raise SettingsError("CARTEGALITE_QPV_GENERATION must be 2015 or 2024")
        if self.env not in ("development", "production", "test"):
            raise SettingsError("CARTEGALITE_ENV must be development, production or test")
        token = self.admin_token or ""
        if (
            self.env == "production"
            and token
            and (token.lower() in _PLACEHOLDERS or len(token) < 24)
        ):
            raise SettingsError("CARTEGALITE_ADMIN_TOKEN is a placeholder or too short")

    @property
    def embedded_db(self) -> bool:
        """True when the project-local cluster is used (DATABASE_URL unset)."""
        return self.database_url is None


def _list(env: Mapping[str, str], name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = env.get(name)
    if raw is None:
        return default
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _rate_limits(raw: str | None) -> tuple[tuple[str, int, int], ...]:
    """``"ip=600/600,login=10/5"`` → buckets overriding the defaults."""
    limits = {name: (burst, rate) for name, burst, rate in DEFAULT_RATE_LIMITS}
    for part in (raw or "").split(","):
        if not part.strip():
            continue
        try:
            name, value = part.split("=")
            burst, rate = (int(v) for v in value.split("/"))
        except ValueError as exc:
            raise SettingsError(
                f"CARTEGALITE_RATE_LIMITS: {part!r} (attendu : nom=rafale/par_minute)"
            ) from exc
        if name.strip() not in limits or burst < 1 or rate < 1:
            raise SettingsError(f"CARTEGALITE_RATE_LIMITS: unknown bucket or zero in {part!r}")
        limits[name.strip()] = (burst, rate)
    return tuple((name, burst, rate) for name, (burst, rate) in limits.items())


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _hardening_from_env(env: Mapping[str, str]) -> dict[str, object]:
    """The hardening settings (roles, privacy, limits) from the environment."""
    base = Settings
    return {
        "statement_timeout_ms": _int(
            env, "CARTEGALITE_STATEMENT_TIMEOUT_MS", base.statement_timeout_ms, 100, 600_000
        ),
        "db_timeout_s": _int(env, "CARTEGALITE_DB_TIMEOUT_S", int(base.db_timeout_s), 1, 60),
        "lock_timeout_ms": _int(
            env, "CARTEGALITE_LOCK_TIMEOUT_MS", base.lock_timeout_ms, 100, 600_000
        ),
        "staff_token_hours": _int(
            env, "CARTEGALITE_STAFF_TOKEN_HOURS", base.staff_token_hours, 1, 24 * 30
        ),
        "participant_token_days": _int(
            env, "CARTEGALITE_PARTICIPANT_TOKEN_DAYS", base.participant_token_days, 1, 3650
        ),
        "rate_limit_enabled": _bool(env, "CARTEGALITE_RATE_LIMIT", base.rate_limit_enabled),
        "rate_limits": _rate_limits(env.get("CARTEGALITE_RATE_LIMITS")),
        "trusted_proxies": _list(env, "CARTEGALITE_TRUSTED_PROXIES", ()),
        "secure_cookies": (
            _bool(env, "CARTEGALITE_SECURE_COOKIES", False)
            if env.get("CARTEGALITE_SECURE_COOKIES")
            else None
        ),
        "hsts_max_age": _int(env, "CARTEGALITE_HSTS_MAX_AGE", base.hsts_max_age, 0, 63_072_000),
        "frame_paths": _list(env, "CARTEGALITE_FRAME_PATHS", base.frame_paths),
        "frame_ancestors": env.get("CARTEGALITE_FRAME_ANCESTORS", base.frame_ancestors),
        "device_paths": _list(env, "CARTEGALITE_DEVICE_PATHS", base.device_paths),
        "geolocation_paths": _list(env, "CARTEGALITE_GEOLOCATION_PATHS", base.geolocation_paths),
        "cors_paths": _list(env, "CARTEGALITE_CORS_PATHS", base.cors_paths),
        "retention_months": _int(
            env, "CARTEGALITE_RETENTION_MONTHS", base.retention_months, 1, 240
        ),
        "audit_retention_months": _int(
            env, "CARTEGALITE_AUDIT_RETENTION_MONTHS", base.audit_retention_months, 1, 120
        ),
        "purge_at_start": _bool(env, "CARTEGALITE_PURGE_AT_START", base.purge_at_start),
        "privacy_controller": env.get("CARTEGALITE_PRIVACY_CONTROLLER") or None,
        "privacy_contact": env.get("CARTEGALITE_PRIVACY_CONTACT") or None,
    }
