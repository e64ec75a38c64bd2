#!/usr/bin/env bash
# Benchmark of issue 4: the whole SmokeRunner process (all checks, full isolation matrix) against
# the plan's shell loop (shell-loop.sh), on the same running, provisioned local stack; median of N.
# Usage: bench/smokerunner/run.sh <state-dir> [runs=5] [parallelism=8]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${1:?usage: run.sh <state-dir> [runs] [parallelism]}; RUNS=${2:-5}; PARALLELISM=${3:-8}
dotnet build "$ROOT/SmokeRunner" -c Release -v q -nologo >/dev/null
DLL=$ROOT/SmokeRunner/bin/Release/net10.0/Rollout.SmokeRunner.dll
OUT=$ROOT/bench/results/smokerunner-$(date -u +%Y%m%dT%H%M%SZ).txt; mkdir -p "$(dirname "$OUT")"

elapsed_ms() { local start rc=0; start=$(date +%s%N); "$@" >/dev/null 2>&1 || rc=$?; echo "$(( ($(date +%s%N) - start) / 1000000 )) $rc"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

smoke=(); shell=()
for i in $(seq "$RUNS"); do
  read -r ms rc < <(elapsed_ms dotnet "$DLL" --env local --estate "$ROOT/rollout.yaml" --state-dir "$STATE" --parallelism "$PARALLELISM" --output json)
  smoke+=("$ms"); echo "run $i smokerunner ${ms} ms (exit $rc)" | tee -a "$OUT"
  read -r ms rc < <(elapsed_ms "$ROOT/bench/smokerunner/shell-loop.sh" "$STATE" "$ROOT/rollout.yaml")
  shell+=("$ms"); echo "run $i shell-loop  ${ms} ms (exit $rc)" | tee -a "$OUT"
done
s=$(printf '%s\n' "${smoke[@]}" | median); l=$(printf '%s\n' "${shell[@]}" | median)
{
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "median of $RUNS: smokerunner ${s} ms, shell loop ${l} ms, speed-up $(awk -v a="$l" -v b="$s" 'BEGIN{printf "%.1f", a/b}')x"
} | tee -a "$OUT"
