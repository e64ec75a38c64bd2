#!/usr/bin/env bash
# Publish benchmark (issue 6): wall time of one whole `publish` (all files, production) as a user runs it,
# process start included, median of N runs. Usage: bash bench/publish/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
dotnet build AppHost -c Release -v q -nologo >/dev/null
dll=AppHost/bin/Release/net10.0/Rollout.AppHost.dll
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
times=()
for i in $(seq "$runs"); do
  start=$(date +%s%N)
  PLESK_SERVER_IP=203.0.113.10 ADMIN_IP_1=198.51.100.7 PG_ADMIN_USER=rollout_admin \
    dotnet "$dll" publish --output-path "$out/run$i" >/dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "publish (all files, production): runs ${times[*]} ms; median ${sorted[$((runs / 2))]} ms; files $(find "$out/run1" -type f | wc -l)"
