#!/usr/bin/env bash
# Backup benchmark (issue 10). Starts its own local estate (built AppHost, free ports, Provisioner included), generates a
# table of SIZE_MB in mo_games (MariaDB) and mo_grafana (PostgreSQL), then per engine measures:
#   bare dump tool -> /dev/null | Backup run (dump -> restic, encrypted, deduplicated, manifest) | a second, unchanged
#   Backup run and the repository bytes it added | restore-test (restore + compare) per GB.
# Usage: bench/backup/run.sh [SIZE_MB=1024]
# BASELINE_BACKUP=/path/to/Rollout.Backup.dll (optional): another build of Backup (e.g. an older commit, built from
# `git archive <commit>`) timed in the same run, right after this one, into its own fresh repository: the two ratios
# then share the machine's load.
set -euo pipefail
trap 'echo "bench/backup/run.sh failed at line $LINENO" >&2' ERR
size_mb=${1:-1024}
repo=$(cd "$(dirname "$0")/../.." && pwd)
for project in AppHost Backup Provisioner SmokeRunner; do dotnet build -c Release "$repo/$project" -v q -nologo >/dev/null; done
apphost=$repo/AppHost/bin/Release/net10.0/Rollout.AppHost.dll
backup=$repo/Backup/bin/Release/net10.0/Rollout.Backup.dll
state=$(mktemp -d /tmp/rollout-bench-backup-XXXXXX)
out=$repo/bench/results/backup-$(date -u +%Y%m%dT%H%M%SZ).txt; mkdir -p "$(dirname "$out")"
dotnet "$apphost" --state-dir "$state" --no-dashboard >"$state.log" 2>&1 &
apphost_pid=$!   # TERM stops it: a background job of a script ignores SIGINT
trap 'kill -TERM $apphost_pid 2>/dev/null; wait $apphost_pid 2>/dev/null; rm -rf "$state" "$state-baseline" "$state.log"' EXIT
secret() { jq -r --arg n "$1" '.[$n] // empty' "$state/secrets.json" 2>/dev/null || true; }
for _ in $(seq 600); do [ -n "$(secret EXTERNAL_POSTGRES_BACKUP_PASS)" ] && [ -f "$state/resources.json" ] && break; sleep 1; done
[ -n "$(secret EXTERNAL_POSTGRES_BACKUP_PASS)" ] && [ -f "$state/resources.json" ] || { echo "the estate did not come up and get provisioned:" >&2; tail -20 "$state.log" >&2; exit 1; }
# The ports the AppHost chose (free ones) for this run, from the state it publishes.
port_of() { jq -r --arg n "$1" '.resources[] | select(.name == $n) | .port' "$state/resources.json"; }
maria_port=$(port_of external-mariadb); pg_port=$(port_of external-postgres)
ca=$state/tls/ca.crt; [ -f "$ca" ] || ca=$(jq -r .caCertificate "$state/resources.json")
rows=$((size_mb * 1024))   # ~1 KiB of hex text per row
maria() { MYSQL_PWD=$(secret ROLLOUT_ADMIN_PASS_EXTERNAL_MARIADB) mariadb -h 127.0.0.1 -P "$maria_port" -u rollout_admin --ssl --ssl-ca="$ca" "$@"; }
pg() { PGPASSWORD=$(secret ROLLOUT_ADMIN_PASS_EXTERNAL_POSTGRES) psql "host=127.0.0.1 port=$pg_port user=rollout_admin sslmode=verify-ca sslrootcert=$ca dbname=mo_grafana" -q -v ON_ERROR_STOP=1 "$@"; }
echo "generating $size_mb MB per engine ..."
maria mo_games -e "CREATE TABLE bench (id INT PRIMARY KEY, t VARCHAR(1100) NOT NULL)"
for ((from = 1; from <= rows; from += 100000)); do
  to=$((from + 99999 < rows ? from + 99999 : rows))
  maria mo_games -e "INSERT INTO bench SELECT seq, CONCAT(SHA2(seq,512), SHA2(seq+1,512), SHA2(seq+2,512), SHA2(seq+3,512), SHA2(seq+4,512), SHA2(seq+5,512), SHA2(seq+6,512), SHA2(seq+7,512)) FROM seq_${from}_to_${to}"
done
pg -c "CREATE TABLE bench AS SELECT g AS id, repeat(encode(sha512(g::text::bytea), 'hex'), 8) AS t FROM generate_series(1, $rows) g"

seconds() { local start; start=$(date +%s%N); "$@" >/dev/null || { echo "failed: $*" >&2; exit 1; }; awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN{printf "%.2f", ns/1e9}'; }
repo_bytes() { du -sb "$state/backup/repository" 2>/dev/null | cut -f1 || echo 0; }
cnf=$state/bench.cnf; umask 077
printf '[client]\nuser=rollout_backup\npassword="%s"\nhost=127.0.0.1\nport=%s\nssl\nssl-ca=%s\n' "$(secret EXTERNAL_MARIADB_BACKUP_PASS)" "$maria_port" "$ca" >"$cnf"
bare_maria() { mariadb-dump --defaults-extra-file="$cnf" --single-transaction --routines --triggers --events --hex-blob mo_games >/dev/null; }
bare_pg() { PGPASSWORD=$(secret EXTERNAL_POSTGRES_BACKUP_PASS) pg_dump -Fc "host=127.0.0.1 port=$pg_port user=rollout_backup sslmode=verify-ca sslrootcert=$ca dbname=mo_grafana" >/dev/null; }
run_backup() { dotnet "$backup" "$@" --env local --state-dir "$state" --estate "$repo/rollout.yaml"; }
baseline_state=$state-baseline
run_baseline() {  # the same estate and secrets, its own repository (a first backup, like the one it is compared with)
  rm -rf "$baseline_state"; mkdir -p "$baseline_state"; cp "$state/secrets.json" "$state/resources.json" "$baseline_state/"
  [ -d "$state/tls" ] && cp -r "$state/tls" "$baseline_state/"
  dotnet "$BASELINE_BACKUP" "$@" --env local --state-dir "$baseline_state" --estate "$repo/rollout.yaml"
}
{
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ), $size_mb MB generated per engine"
  for pair in "mo_games bare_maria" "mo_grafana bare_pg"; do
    set -- $pair
    database=$1; bare=$(seconds "$2")
    before=$(repo_bytes); first=$(seconds run_backup run --database "$database"); after_first=$(repo_bytes)
    baseline=""
    if [ -n "${BASELINE_BACKUP:-}" ]; then
      b=$(seconds run_baseline run --database "$database")
      baseline=" | baseline build ${b} s ($(awk -v b="$bare" -v f="$b" 'BEGIN{printf "%.2f", b/f}')x)"
    fi
    second=$(seconds run_backup run --database "$database"); after_second=$(repo_bytes)
    test=$(seconds run_backup restore-test --database "$database")
    echo "$database: bare dump ${bare} s | backup ${first} s ($(awk -v b="$bare" -v f="$first" 'BEGIN{printf "%.2f", b/f}')x the bare dump's throughput), repository +$(( (after_first - before) / 1048576 )) MiB" \
         "${baseline} | unchanged 2nd backup ${second} s, +$(( (after_second - after_first) / 1024 )) KiB | restore-test ${test} s ($(awk -v t="$test" -v m="$size_mb" 'BEGIN{printf "%.1f", t*1024/m}') s/GB)"
  done
} | tee -a "$out"
