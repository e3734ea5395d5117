"""The project-local PostgreSQL cluster (the "embedded default" when DATABASE_URL is unset).

A private cluster under ``var/pg`` listening on a unix socket in ``var/pg/run`` and on
127.0.0.1:PORT. ``initdb`` and ``postgres`` refuse to run as root, so when the caller is root the
cluster belongs to the ``postgres`` system user and every server command goes through
``runuser -u postgres --``. Tests use the same class on a temporary directory.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InvariantError

SERVER_USER = "postgres"


class ClusterError(RuntimeError):
    """The cluster cannot be initialised, started or reached."""


def find_bindir(explicit: str | None = None) -> Path:
    """Directory holding ``initdb``/``pg_ctl`` (newest Debian server first).

    Parameters
    ----------
    explicit : str, optional
        A directory given by the user (``PG_BINDIR``); used as is when set.
    """
    if explicit:
        return Path(explicit)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise ClusterError("PostgreSQL server binaries not found (install postgresql-15)")


@dataclass
class LocalCluster:
    """A PostgreSQL cluster in a directory of our own.

    Parameters
    ----------
    root : Path
        Directory holding ``data/``, ``run/`` (socket) and ``log/``.
    port : int
        TCP port on 127.0.0.1 (the unix socket uses the same number).
    bindir : Path, optional
        Server binaries; found automatically when omitted.
    fast : bool
        ``fsync=off`` and friends, for throw-away test clusters only.
    """

    root: Path
    port: int = 54329
    bindir: Path | None = None
    fast: bool = False
    user: str = "cartegalite"
    _as_root: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).absolute()
        self.bindir = find_bindir(str(self.bindir) if self.bindir else None)
        self._as_root = os.geteuid() == 0

    def _bin(self, name: str) -> str:
        if self.bindir is None:
            raise InvariantError("expected self.bindir is not None")
        return str(self.bindir / name)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "log" / "postgresql.log"

    def url(self, dbname: str = "cartegalite") -> str:
        """libpq URL reaching this cluster over TCP on 127.0.0.1."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    # -- lifecycle -------------------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def init(self) -> bool:
        """Create the cluster if needed; return True when it was created now."""
        if self.is_initialised():
            return False
        for sub in (self.data_dir, self.socket_dir, self.log_file.parent):
            sub.mkdir(parents=True, exist_ok=True)
        self._hand_over(self.root)
        self._run(
            [
                self._bin("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                self.user,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        )
        return True

    def status(self) -> bool:
        """True when the server of this cluster is running."""
        if not self.is_initialised():
            return False
        proc = self._run([self._bin("pg_ctl"), "status", "-D", str(self.data_dir)], check=False)
        return proc.returncode == 0

    def start(self, timeout: float = 30.0) -> bool:
        """Start the server if it is not running; return True when started now."""
        self.init()
        if self.status():
            return False
        opts = [
            f"-p {self.port}",
            "-h 127.0.0.1",
            f"-k {self.socket_dir}",
            "-c max_connections=200",
        ]
        if self.fast:
            opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            [
                self._bin("pg_ctl"),
                "start",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                " ".join(opts),
            ]
        )
        self.wait_ready(timeout)
        return True

    def stop(self) -> bool:
        """Stop the server (fast mode); return True when it was running."""
        if not self.status():
            return False
        self._run([self._bin("pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast", "-w"])
        return True

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self._run(
                [self._bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if proc.returncode == 0:
                return
            time.sleep(0.1)
        raise ClusterError(f"server on port {self.port} not ready after {timeout:.0f} s")

    def create_database(self, dbname: str = "cartegalite", template: str | None = None) -> bool:
        """Create ``dbname`` if missing; return True when created now."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)).fetchone():
                return False
            query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname))
            if template:
                query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
            conn.execute(query)
        return True

    # -- helpers ---------------------------------------------------------------------------

    def _hand_over(self, path: Path) -> None:
        """As root: give ``path`` to the server user and check it can reach it."""
        if not self._as_root:
            return
        subprocess.run(["chown", "-R", f"{SERVER_USER}:{SERVER_USER}", str(path)], check=True)
        probe = subprocess.run(
            ["runuser", "-u", SERVER_USER, "--", "test", "-w", str(path)], check=False
        )
        if probe.returncode != 0:
            raise ClusterError(
                f"the '{SERVER_USER}' user cannot reach {path}: a parent directory is not "
                "traversable (chmod o+x it, or set CARTEGALITE_PGROOT to a reachable directory)"
            )

    def _run(self, cmd: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        if self._as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if check and proc.returncode != 0:
            raise ClusterError(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}")
        return proc


def reachable_root(project_root: Path) -> Path:
    """Where the run cluster lives: ``var/pg`` in the project, unless root's server user
    cannot reach the project directory (e.g. a clone under ``/root``), in which case a directory
    under ``/var/tmp`` named after the project path is used and linked from ``var/pg``."""
    preferred = project_root / "var" / "pg"
    if os.geteuid() != 0 or preferred.resolve() != preferred.absolute():
        return preferred.resolve()
    probe = subprocess.run(
        ["runuser", "-u", SERVER_USER, "--", "test", "-x", str(project_root)], check=False
    )
    if probe.returncode == 0:
        return preferred
    digest = hashlib.sha1(str(project_root).encode()).hexdigest()[:10]  # noqa: S324 - a name, not security
    outside = Path("/var/tmp") / f"cartegalite-pg-{digest}"  # noqa: S108 - persistent, not temp
    outside.mkdir(parents=True, exist_ok=True)
    preferred.parent.mkdir(parents=True, exist_ok=True)
    if not preferred.is_symlink() and not preferred.exists():
        preferred.symlink_to(outside)
    return outside
