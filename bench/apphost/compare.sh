#!/usr/bin/env bash
# Issue 13's start benchmark, side by side in one run (same load for all): launch of the built program → every server
# healthy ("All servers healthy"), cold and warm, interleaved, for
#   (a) an empty Aspire AppHost with one trivial executable (bench/apphost/EmptyAppHost: redis-server, healthy on PONG),
#   (b) this AppHost (servers only: --no-projects; cold = --fresh),
#   (c) the last commit before the move onto Aspire (PREMOVE, default d780b55: our own orchestrator), same options.
# All with --no-dashboard (the dashboard starts once the servers are healthy in (c) and in parallel in (a)/(b)), all
# Release builds started as `dotnet <dll>` (`dotnet run` without the build). Usage: bench/apphost/compare.sh [N=5]
set -euo pipefail
trap 'echo "bench/apphost/compare.sh failed at line $LINENO" >&2' ERR
runs=${1:-5}
repo=$(cd "$(dirname "$0")/../.." && pwd)
premove_commit=${PREMOVE:-d780b55}
# shellcheck source=bench/apphost/lib.sh
source "$repo/bench/apphost/lib.sh"
work=$(mktemp -d /tmp/rollout-bench-compare-XXXXXX)
chmod 755 "$work" # the server accounts (mysql, postgres, redis) must reach the state directories
premove=$work/premove
cleanup() {
  git -C "$repo" worktree remove --force "$premove" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

build() { # project directory
  local log=$work/build.log
  dotnet build -c Release "$1" -v q -nologo > "$log" 2>&1 || { cat "$log" >&2; exit 1; }
}
build "$repo/bench/apphost/EmptyAppHost"
build "$repo/AppHost"
git -C "$repo" worktree add -q --detach "$premove" "$premove_commit"
build "$premove/AppHost"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
estate_ports() { echo --port "plesk=$(free_port)" --port "external-mariadb=$(free_port)" --port "external-postgres=$(free_port)" --port "redis=$(free_port)"; }
mkdir -p "$work/a" "$work/b" "$work/c"
# shellcheck disable=SC2207 # word splitting intended: the options are plain words
a=(dotnet "$repo/bench/apphost/EmptyAppHost/bin/Release/net10.0/Rollout.Bench.EmptyAppHost.dll" --port "$(free_port)" --dir "$work/a" --no-dashboard)
# shellcheck disable=SC2207
b=(dotnet "$repo/AppHost/bin/Release/net10.0/Rollout.AppHost.dll" --state-dir "$work/b" --no-projects --no-dashboard $(estate_ports))
# shellcheck disable=SC2207
c=(dotnet "$premove/AppHost/bin/Release/net10.0/Rollout.AppHost.dll" --file "$premove/rollout.yaml" --state-dir "$work/c" --no-table --no-projects --no-dashboard $(estate_ports))
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true

# One run of a command line: prints "<milliseconds to healthy> <CPU seconds to healthy>"; the program is stopped with
# SIGTERM and waited for (its servers too) before the next run.
run_once() {
  local out=$work/out start end pid cpu
  start=$(date +%s%N)
  : > "$out" # truncated here, not by the background job (which may start after the first grep)
  "$@" > "$out" 2>&1 &
  pid=$!
  until grep -q "All servers healthy" "$out"; do
    if ! kill -0 "$pid" 2> /dev/null; then cat "$out" >&2; exit 1; fi
    sleep 0.01
  done
  end=$(date +%s%N)
  cpu=$(cpu_of_tree "$pid")
  kill -TERM "$pid" 2> /dev/null || { echo "exited before it was stopped: $*" >&2; cat "$out" >&2; exit 1; }
  wait "$pid" || true
  sleep 2 # the orchestrator's detached parts (DCP) let go of the servers
  echo "$(((end - start) / 1000000)) $cpu"
}

fresh() { # the cold variant of a series: (a) an empty data directory, (b)/(c) --fresh
  if [ "$1" = a ]; then rm -rf "${work:?}/a"/*; echo; else echo --fresh; fi
}
declare -A wall cpu
for series in a b c; do # unmeasured: JIT/page cache, and the template cache of (b)/(c)
  declare -n line=$series
  run_once "${line[@]}" $(fresh "$series") > /dev/null
done
load_before=$(cut -d' ' -f1 /proc/loadavg)
for _ in $(seq "$runs"); do
  for series in a b c; do
    declare -n line=$series
    # shellcheck disable=SC2046 # fresh prints one option or none
    read -r ms seconds <<< "$(run_once "${line[@]}" $(fresh "$series"))"
    wall[$series-cold]+="$ms "; cpu[$series-cold]+="$seconds "
    read -r ms seconds <<< "$(run_once "${line[@]}")"
    wall[$series-warm]+="$ms "; cpu[$series-warm]+="$seconds "
    echo "$series: cold $(echo ${wall[$series-cold]} | awk "{print \$NF}") ms, warm $(echo ${wall[$series-warm]} | awk "{print \$NF}") ms" >&2
  done
done
python3 - "$runs" "$load_before" "$premove_commit" \
  "${wall[a-cold]}" "${wall[a-warm]}" "${wall[b-cold]}" "${wall[b-warm]}" "${wall[c-cold]}" "${wall[c-warm]}" \
  "${cpu[a-cold]}" "${cpu[a-warm]}" "${cpu[b-cold]}" "${cpu[b-warm]}" "${cpu[c-cold]}" "${cpu[c-warm]}" <<'PY'
import datetime, os, platform, statistics, sys
runs, load, premove = sys.argv[1:4]
walls = [[int(x) / 1000 for x in a.split()] for a in sys.argv[4:10]]
cpus = [[float(x) for x in a.split()] for a in sys.argv[10:16]]
print(f"date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, {platform.platform()}; "
      f"load average before {load}, after {os.getloadavg()[0]:.1f}; {runs} runs each, interleaved")
print("| series | cold median | cold runs | cold CPU | warm median | warm runs | warm CPU |")
print("|---|---|---|---|---|---|---|")
names = ["(a) empty Aspire AppHost, one redis-server", "(b) this AppHost (Aspire)", f"(c) before the move ({premove})"]
for i, name in enumerate(names):
    cold, warm, cold_cpu, warm_cpu = walls[2 * i], walls[2 * i + 1], cpus[2 * i], cpus[2 * i + 1]
    print(f"| {name} | **{statistics.median(cold):.2f} s** | {', '.join(f'{v:.2f}' for v in cold)} | {statistics.median(cold_cpu):.2f} s "
          f"| **{statistics.median(warm):.2f} s** | {', '.join(f'{v:.2f}' for v in warm)} | {statistics.median(warm_cpu):.2f} s |")
a_cold, a_warm, b_cold, b_warm = (statistics.median(w) for w in walls[:4])
print(f"(b) − (a): cold {b_cold - a_cold:+.2f} s (goal ≤ 2.5 s), warm {b_warm - a_warm:+.2f} s (goal ≤ 1.5 s)")
PY
