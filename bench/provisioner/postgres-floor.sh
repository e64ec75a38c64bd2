#!/usr/bin/env bash
# The lower bound for the PostgreSQL half of the 1,000-database apply: the same statements the Provisioner
# runs, in the same order, from one psql session (\c per database for its extensions) against a scratch
# PostgreSQL 15 with the local replica's settings, but without TLS and with trust authentication, so only
# the server's own work is timed. Usage: bench/provisioner/postgres-floor.sh [databases=200]
set -euo pipefail
count=${1:-200}
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/initdb" ] || { echo "needs postgresql-15 (apt-get install postgresql-15)" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: re-run as the unprivileged postgres user.
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- env HOME=/tmp bash "$(readlink -f "$0")" "$count"
fi
work=$(mktemp -d /tmp/rollout-pg-floor-XXXXXX)
port=$((40000 + RANDOM % 20000))
trap '"$bin/pg_ctl" -D "$work/data" -w stop -m immediate >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$bin/initdb" -D "$work/data" -U admin --auth=trust >/dev/null
cat >> "$work/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 200
CONF
"$bin/pg_ctl" -D "$work/data" -l "$work/log" -w start >/dev/null
{
  for i in $(seq 1 "$count"); do echo "CREATE ROLE svc_$i LOGIN PASSWORD 'p$i';"; done
  for i in $(seq 1 "$count"); do
    echo "CREATE DATABASE mo_$i OWNER svc_$i ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8' TEMPLATE template0;"
    echo "REVOKE ALL ON DATABASE mo_$i FROM PUBLIC;"
  done
  for i in $(seq 1 "$count"); do
    echo "\\c mo_$i"
    for extension in '"uuid-ossp"' pgcrypto; do
      echo "SET ROLE svc_$i;"; echo "CREATE EXTENSION IF NOT EXISTS $extension;"; echo "RESET ROLE;"
    done
  done
} > "$work/statements.sql"
start=$(date +%s.%N)
psql -h 127.0.0.1 -p "$port" -U admin -d postgres -qAt -v ON_ERROR_STOP=1 -f "$work/statements.sql" >/dev/null
end=$(date +%s.%N)
awk -v n="$count" -v s="$start" -v e="$end" 'BEGIN { t = e - s; printf "%d databases: %.1f s, %.0f ms per database (1,000 would take %.0f s)\n", n, t, t * 1000 / n, t * 1000 / n }'
