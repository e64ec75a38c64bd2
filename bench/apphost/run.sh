#!/usr/bin/env bash
# AppHost start benchmark (issue 2): time from launching the built AppHost (`dotnet Rollout.AppHost.dll`,
# i.e. `dotnet run` without the build) until it prints "All servers healthy" (every server accepts a
# TLS login and answers; Plesk replica seeded), cold (--fresh) and warm (data reused); median of N runs;
# plus the AppHost process's peak RSS (VmHWM). Usage: bench/apphost/run.sh [N=5]
# APPHOST_ARGS adds AppHost options to every run, e.g. APPHOST_ARGS=--no-dashboard.
set -euo pipefail
trap 'echo "bench/apphost/run.sh failed at line $LINENO" >&2' ERR
runs=${1:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
build_log=$(mktemp)
dotnet build -c Release "$repo/AppHost/Rollout.AppHost.csproj" -v q -nologo > "$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
rm -f "$build_log"
dll=$repo/AppHost/bin/Release/net10.0/Rollout.AppHost.dll
state=$(mktemp -d /tmp/rollout-bench-XXXXXX)
out=$state.out
trap 'rm -rf "$state" "$out"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ports=(--port "plesk=$(free_port)" --port "external-mariadb=$(free_port)" --port "external-postgres=$(free_port)" --port "redis=$(free_port)")

# shellcheck source=bench/apphost/lib.sh
source "$(dirname "$0")/lib.sh"

# One run: prints "<milliseconds to healthy> <peak RSS KiB> <CPU seconds to healthy>".
run_once() {
  local start end pid hwm cpu
  : > "$out" # truncated here, not by the background job (which may start after the first grep)
  start=$(date +%s%N)
  # shellcheck disable=SC2086 # APPHOST_ARGS is a list of options
  dotnet "$dll" --state-dir "$state" --no-projects "${ports[@]}" ${APPHOST_ARGS:-} "$@" > "$out" 2>&1 &
  pid=$!
  until grep -q "All servers healthy" "$out"; do
    if ! kill -0 "$pid" 2> /dev/null; then cat "$out" >&2; exit 1; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  cpu=$(cpu_of_tree "$pid")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid"
  echo "$(((end - start) / 1000000)) $hwm $cpu"
}

run_once --fresh > /dev/null # warms the page cache and the JIT'd runtime files; not counted
load_before=$(cut -d' ' -f1 /proc/loadavg)
cold=(); warm=(); rss=(); cold_cpu=(); warm_cpu=()
for _ in $(seq "$runs"); do
  result=$(run_once --fresh); read -r ms kib cpu <<< "$result"; cold+=("$ms"); rss+=("$kib"); cold_cpu+=("$cpu")
  echo "cold: $result" >&2
  result=$(run_once); read -r ms kib cpu <<< "$result"; warm+=("$ms"); rss+=("$kib"); warm_cpu+=("$cpu")
  echo "warm: $result" >&2
done
python3 - "${cold[*]}" "${warm[*]}" "${rss[*]}" "${cold_cpu[*]}" "${warm_cpu[*]}" "$runs" "$load_before" <<'PY'
import statistics, sys, platform, os, datetime
cold, warm, rss = ([int(x) for x in a.split()] for a in sys.argv[1:4])
cold_cpu, warm_cpu = ([float(x) for x in a.split()] for a in sys.argv[4:6])
n = sys.argv[6]
print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores, {platform.platform()}; "
      f"load average before {sys.argv[7]}, after {os.getloadavg()[0]:.1f}")
print(f"cold (--fresh): median {statistics.median(cold)/1000:.2f} s of {n} (runs: {', '.join(f'{c/1000:.2f}' for c in cold)}); CPU to healthy: median {statistics.median(cold_cpu):.2f} s")
print(f"warm (reuse):   median {statistics.median(warm)/1000:.2f} s of {n} (runs: {', '.join(f'{w/1000:.2f}' for w in warm)}); CPU to healthy: median {statistics.median(warm_cpu):.2f} s")
print(f"AppHost peak RSS: median {statistics.median(rss)/1024:.0f} MiB, max {max(rss)/1024:.0f} MiB")
PY
