#!/usr/bin/env bash
# AppHost start benchmark (issue 2): time from launching the built AppHost (`dotnet Rollout.AppHost.dll`,
# i.e. `dotnet run` without the build) until it prints "All servers healthy" (every server accepts a
# TLS login and answers; Plesk replica seeded), cold (--fresh) and warm (data reused); median of N runs;
# plus the AppHost process's peak RSS (VmHWM). Usage: bench/apphost/run.sh [N=5]
set -euo pipefail
runs=${1:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
dotnet build -c Release "$repo/AppHost/Rollout.AppHost.csproj" -v q -nologo > /dev/null
dll=$repo/AppHost/bin/Release/net10.0/Rollout.AppHost.dll
state=$(mktemp -d /tmp/rollout-bench-XXXXXX)
out=$state.out
trap 'rm -rf "$state" "$out"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ports=(--port "plesk=$(free_port)" --port "external-mariadb=$(free_port)" --port "external-postgres=$(free_port)" --port "redis=$(free_port)")

# One run: prints "<milliseconds to healthy> <peak RSS KiB>".
run_once() {
  local start end pid hwm
  start=$(date +%s%N)
  dotnet "$dll" --state-dir "$state" --no-table --no-projects "${ports[@]}" "$@" > "$out" 2>&1 &
  pid=$!
  until grep -q "All servers healthy" "$out"; do
    if ! kill -0 "$pid" 2> /dev/null; then cat "$out" >&2; exit 1; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid"
  echo "$(((end - start) / 1000000)) $hwm"
}

run_once --fresh > /dev/null # warms the page cache and the JIT'd runtime files; not counted
cold=(); warm=(); rss=()
for _ in $(seq "$runs"); do
  read -r ms kib < <(run_once --fresh); cold+=("$ms"); rss+=("$kib")
  read -r ms kib < <(run_once); warm+=("$ms"); rss+=("$kib")
done
python3 - "${cold[*]}" "${warm[*]}" "${rss[*]}" "$runs" <<'PY'
import statistics, sys, platform, os, datetime
cold, warm, rss = ([int(x) for x in a.split()] for a in sys.argv[1:4])
print(f"date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores, {platform.platform()}; load average before: {os.getloadavg()[0]:.1f}")
print(f"cold (--fresh): median {statistics.median(cold)/1000:.2f} s of {sys.argv[4]} (runs: {', '.join(f'{c/1000:.2f}' for c in cold)})")
print(f"warm (reuse):   median {statistics.median(warm)/1000:.2f} s of {sys.argv[4]} (runs: {', '.join(f'{w/1000:.2f}' for w in warm)})")
print(f"AppHost peak RSS: median {statistics.median(rss)/1024:.0f} MiB, max {max(rss)/1024:.0f} MiB")
PY
