#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine (root, or a user with sudo):
#   system packages from apt (PostgreSQL server + PostGIS; with --test also Chromium and GDAL;
#   with --bench also wrk), the Python venv in .venv/, and the front-end assets from npm.
# Re-running it installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE="${1:-run}"
PYTHON="${PYTHON:-python3}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- PostgreSQL + PostGIS ----------------------------------------------------------------
# The project runs its own cluster under var/ (see geo/localdb.py): ask Debian not to create and
# start the system-wide "main" cluster when postgresql-common is installed for the first time.
if ! installed postgresql-common; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/cartegalite.conf >/dev/null
fi
PG_VERSION="$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1 || true)"
if [ -z "$PG_VERSION" ]; then
  apt_install postgresql
  PG_VERSION="$(ls /usr/lib/postgresql | sort -n | tail -1)"
fi
apt_install "postgresql-${PG_VERSION}-postgis-3"

# --- Node.js / npm for the front-end assets ------------------------------------------------
command -v npm >/dev/null 2>&1 || apt_install nodejs npm

# --- Test and benchmark tools ------------------------------------------------------------
case "$MODE" in
  --test) apt_install chromium gdal-bin fonts-dejavu-core ;;
  --bench) apt_install wrk ;;
esac

# --- Python venv -----------------------------------------------------------------------------
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Python 3.11 or newer is required (found $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    apt_install python3-venv
    "$PYTHON" -m venv .venv
  fi
fi
# Dependencies come from the lock file with hashes (requirements/dev.lock: runtime + test
# tools, pinned, every download checked); the project itself is installed on top without
# resolving anything (make lock regenerates the lock from pyproject.toml).
if [ ! -f .venv/.installed ] || [ requirements/dev.lock -nt .venv/.installed ] \
   || [ pyproject.toml -nt .venv/.installed ]; then
  say "pip install --require-hashes -r requirements/dev.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q --require-hashes -r requirements/dev.lock
  .venv/bin/python -m pip install -q --no-deps -e .
  touch .venv/.installed
fi

# --- Front-end assets (Leaflet & co., served by the app; no CDN at run time) --------------
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
fi
say "ready"
