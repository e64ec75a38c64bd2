#!/usr/bin/env bash
# Benchmark of issue 11: the cost of monitoring on the estate. Runs the probe (Release build), Prometheus and
# Alertmanager on the published production configuration (15 s scrape/evaluation) for DURATION seconds against a
# running, provisioned local stack, and reports each process's CPU time (share of one core) and peak RSS, and the
# connections per minute each database server received (MariaDB: Connections; PostgreSQL: sum of
# pg_stat_database.sessions), before (idle baseline) and during monitoring.
# Usage: bench/monitoring/run.sh <state-dir> [duration-seconds=300] [baseline-seconds=60]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${1:?usage: run.sh <state-dir> [duration] [baseline]}; DURATION=${2:-300}; BASELINE=${3:-60}
WORK=$(mktemp -d); trap 'kill $PIDS 2>/dev/null || true; rm -rf "$WORK"' EXIT; PIDS=""
OUT=$ROOT/bench/results/monitoring-$(date -u +%Y%m%dT%H%M%SZ).txt; mkdir -p "$(dirname "$OUT")"
dotnet build "$ROOT/Monitor" -c Release -v q -nologo >/dev/null
dotnet run --project "$ROOT/AppHost" -- publish --output-path "$WORK/out" >/dev/null
RES=$STATE/resources.json; SEC=$STATE/secrets.json; CA=$(jq -r .caCertificate "$RES")
port() { jq -r --arg n "$1" '.resources[] | select(.name==$n) | .port' "$RES"; }
admin() { jq -r --arg n "ROLLOUT_ADMIN_PASS_$(echo "$1" | tr a-z- A-Z_)" '.[$n] // empty' "$SEC"; }
connections() {  # server -> cumulative client connections
  local p; p=$(port "$1")
  if [ "$1" = external-postgres ]; then
    PGPASSWORD=$(admin "$1") psql -X -At "host=127.0.0.1 port=$p user=rollout_admin dbname=postgres sslmode=verify-ca sslrootcert=$CA" \
      -c "SELECT sum(sessions) FROM pg_stat_database"
  else
    MYSQL_PWD=$(admin "$1") mariadb --no-defaults -h 127.0.0.1 -P "$p" -u rollout_admin --ssl --ssl-ca="$CA" -N -B \
      -e "SHOW GLOBAL STATUS LIKE 'Connections'" | cut -f2
  fi
}
SERVERS=(external-mariadb external-postgres)
declare -A base0 base1 mon0
for s in "${SERVERS[@]}"; do base0[$s]=$(connections "$s"); done
sleep "$BASELINE"
for s in "${SERVERS[@]}"; do base1[$s]=$(connections "$s"); done

dotnet "$ROOT/Monitor/bin/Release/net10.0/Rollout.Monitor.dll" run --env local --estate "$ROOT/rollout.yaml" --state-dir "$STATE" \
  --listen 127.0.0.1:9470 --interval 00:00:15 >"$WORK/probe.log" 2>&1 & PROBE=$!; PIDS="$PIDS $PROBE"
prometheus --config.file="$WORK/out/monitoring/prometheus/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address=127.0.0.1:19090 >"$WORK/prometheus.log" 2>&1 & PROM=$!; PIDS="$PIDS $PROM"
prometheus-alertmanager --config.file="$WORK/out/monitoring/alertmanager/alertmanager.yml" --storage.path="$WORK/am" \
  --web.listen-address=127.0.0.1:19093 --cluster.listen-address= >"$WORK/alertmanager.log" 2>&1 & AM=$!; PIDS="$PIDS $AM"
sleep 20  # start-up is not steady state
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }
declare -A t0 peak; for p in $PROBE $PROM $AM; do t0[$p]=$(ticks "$p"); peak[$p]=0; done
for s in "${SERVERS[@]}"; do mon0[$s]=$(connections "$s"); done
start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt "$DURATION" ]; do
  for p in $PROBE $PROM $AM; do r=$(rss "$p"); [ "$r" -gt "${peak[$p]}" ] && peak[$p]=$r; done; sleep 5
done
elapsed=$(( $(date +%s) - start )); hz=$(getconf CLK_TCK); total=0
{
  echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ); ${elapsed} s at a 15 s scrape"
  for p in $PROBE:probe $PROM:prometheus $AM:alertmanager; do
    pid=${p%%:*}; name=${p#*:}; cpu=$(( $(ticks "$pid") - ${t0[$pid]} ))
    total=$(( total + cpu ))
    awk -v n="$name" -v c="$cpu" -v hz="$hz" -v e="$elapsed" -v r="${peak[$pid]}" \
      'BEGIN{printf "%-13s cpu %6.2f s = %5.2f %% of one core, peak RSS %6.1f MiB\n", n, c/hz, 100*c/hz/e, r/1024}'
  done
  awk -v c="$total" -v hz="$hz" -v e="$elapsed" 'BEGIN{printf "all monitoring processes: %.2f %% of one core (goal < 5 %%)\n", 100*c/hz/e}'
  for s in "${SERVERS[@]}"; do
    awk -v s="$s" -v b0="${base0[$s]}" -v b1="${base1[$s]}" -v m0="${mon0[$s]}" -v m1="$(connections "$s")" -v e="$elapsed" -v be="$BASELINE" \
      'BEGIN{idle=(b1-b0)*60/be; mon=(m1-m0)*60/e; printf "%-18s %6.1f connections/min monitored, %5.1f idle: the probe adds %.1f/min\n", s, mon, idle, mon-idle}'
  done
} | tee -a "$OUT"
