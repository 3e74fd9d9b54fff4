#!/usr/bin/env bash
# Makes sure the system pieces the portal needs are installed and running:
# GDAL/GEOS/PROJ, PostgreSQL with PostGIS, Redis (and, with --browser, Debian's Chromium for the
# browser tests). Installs missing Debian packages when it may (root, or passwordless sudo, and
# apt-get present); otherwise stops and says what to install, or to use `docker compose up`.
set -euo pipefail

want_browser=0
[ "${1:-}" = "--browser" ] && want_browser=1

say() { printf '\033[1m==>\033[0m %s\n' "$*"; }
die() { printf '\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
fi
can_install() { command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ -n "$SUDO" ]; }; }

apt_updated=0
apt_install() {
  if ! can_install; then
    die "missing: $*. Install them (Debian/Ubuntu: sudo apt-get install $*), or run the portal with 'docker compose up'."
  fi
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq
    apt_updated=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_version() {
  if [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    ls /etc/postgresql | sort -V | tail -n 1
  fi
}

# ldconfig lives in /sbin, which a non-root user's PATH often lacks.
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
need=()
command -v python3 >/dev/null 2>&1 || need+=(python3)
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
$LDCONFIG -p 2>/dev/null | grep -q 'libgdal\.so' || need+=(gdal-bin libgdal-dev)
$LDCONFIG -p 2>/dev/null | grep -q 'libgeos_c\.so' || need+=(libgeos-c1v5)
# WeasyPrint (the reports' PDF) draws text with Pango; DejaVu is the reports' font.
$LDCONFIG -p 2>/dev/null | grep -q 'libpangoft2-1\.0\.so' || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v redis-server >/dev/null 2>&1 || command -v redis-cli >/dev/null 2>&1 || need+=(redis-server)
ver=$(pg_version)
if [ -z "$ver" ]; then
  need+=(postgresql)
fi
[ ${#need[@]} -gt 0 ] && apt_install "${need[@]}"

ver=$(pg_version)
[ -n "$ver" ] || die "PostgreSQL is not installed (no /etc/postgresql). Install postgresql, or use 'docker compose up'."
if [ ! -f "/usr/share/postgresql/$ver/extension/postgis.control" ]; then
  apt_install "postgresql-$ver-postgis-3"
fi
if [ "$want_browser" -eq 1 ] && [ ! -x /usr/bin/chromium ]; then
  apt_install chromium fonts-dejavu-core
fi

# --- services -------------------------------------------------------------------------------------
DB_HOST=${PGHOST:-127.0.0.1}
if ! pg_isready -q -h "$DB_HOST" -p "${PGPORT:-5432}" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    say "starting PostgreSQL $ver"
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$DB_HOST" -p "${PGPORT:-5432}" && break; sleep 1; done
  pg_isready -q -h "$DB_HOST" -p "${PGPORT:-5432}" || die "PostgreSQL does not answer on $DB_HOST:${PGPORT:-5432}."
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting Redis"
  $SUDO mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/portal.log \
    || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || die "Redis does not answer on 127.0.0.1:6379."
fi
say "system ready: PostgreSQL $ver with PostGIS, Redis, GDAL $(gdal-config --version 2>/dev/null || echo '?')"
