#!/usr/bin/env bash
# Make sure PostgreSQL, Redis and Chromium are there and running, and that the
# test database role exists. Installs with apt-get on a fresh machine (needs root).
set -euo pipefail

DB_ROLE="${DB_ROLE:-kreisintegration}"
APT_UPDATED=0

apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "ensure-services: $* missing and apt-get is not available; please install it." >&2
    exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL ---------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "ensure-services: installing PostgreSQL"
  apt_install postgresql
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "ensure-services: starting PostgreSQL"
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "ensure-services: PostgreSQL did not start" >&2; exit 1; }

psql_admin() {
  if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
    su postgres -c "psql -h 127.0.0.1 -v ON_ERROR_STOP=1 -qAt -c \"$1\"" 2>/dev/null || \
      psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt -c "$1"
  else
    psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt -c "$1"
  fi
}
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='${DB_ROLE}'")" != "1" ]; then
  echo "ensure-services: creating database role ${DB_ROLE} (CREATEDB)"
  psql_admin "CREATE ROLE ${DB_ROLE} LOGIN CREATEDB"
else
  psql_admin "ALTER ROLE ${DB_ROLE} CREATEDB" >/dev/null
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='${DB_ROLE}'")" != "1" ]; then
  psql_admin "CREATE DATABASE ${DB_ROLE} OWNER ${DB_ROLE}"
fi

# --- Redis --------------------------------------------------------------------
if ! command -v redis-server >/dev/null; then
  echo "ensure-services: installing Redis"
  apt_install redis-server
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "ensure-services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "ensure-services: Redis did not start" >&2; exit 1; }

# --- Chromium for the browser tests (Playwright must not download its own) ----
if [ ! -x /usr/bin/chromium ]; then
  echo "ensure-services: installing Chromium"
  apt_install chromium fonts-dejavu-core
fi

echo "ensure-services: PostgreSQL, Redis and Chromium are ready"
