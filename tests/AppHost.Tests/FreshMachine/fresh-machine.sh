#!/usr/bin/env bash
# The README's first command on a really fresh Debian 12: a throw-away root built with debootstrap (no MariaDB,
# PostgreSQL or Redis packages, no mysql/postgres/redis users, only C/POSIX locales), given what a machine "with the
# .NET SDK" has (the host's SDK bind-mounted, libicu, libssl, CA certificates) and this checkout, already built.
#
#   fresh-machine.sh <repository> <seconds> [apphost arguments …]
#
# Runs `dotnet run --no-build --project AppHost -- <arguments>` inside it as root, then the SmokeRunner against the
# AppHost's state directory until it passes (the AppHost provisions the estate meanwhile) or the time runs out.
# Exit 0 only when the SmokeRunner passed. Everything is unmounted and removed afterwards, also on failure.
# Needs root, debootstrap and the Debian registry.
set -euo pipefail

repository=$(readlink -f "$1"); seconds=$2; shift 2
state=/var/tmp/rollout-fresh-state
root=$(mktemp -d /var/tmp/rollout-fresh-root.XXXXXX)
chmod 755 "$root"  # it becomes /: the server accounts must be able to traverse it
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
nuget=$(readlink -f "${NUGET_PACKAGES:-$HOME/.nuget/packages}")
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-$(awk '/^deb / { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)}
mirror=${mirror:-http://deb.debian.org/debian}
apphost_pgid=""

cleanup() {
  set +e
  [ -n "$apphost_pgid" ] && kill -TERM -- "-$apphost_pgid" 2>/dev/null && sleep 3
  # Whatever still runs inside the root (servers, DCP) is killed before anything is unmounted.
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$root" ] && kill -KILL "${proc#/proc/}" 2>/dev/null
  done
  sleep 1
  for mount in $(awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$mount" 2>/dev/null || umount -l "$mount"
  done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 "$@"; }

echo "== debootstrap --variant=minbase bookworm ($mirror)"
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log"; rm -f "$root.debootstrap.log"; exit 1; }
rm -f "$root.debootstrap.log"

mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
# A real machine has these (the installer writes them; debootstrap does not): mariadb-install-db resolves the host name.
cp /etc/resolv.conf /etc/hosts /etc/hostname "$root/etc/"
for dir in "$dotnet_root" "$repository" "$nuget"; do
  mkdir -p "$root$dir" && mount --bind "$dir" "$root$dir"
done
ln -sf "$dotnet_root/dotnet" "$root/usr/bin/dotnet"
if [ "$nuget" != /root/.nuget/packages ]; then mkdir -p "$root/root/.nuget" && ln -s "$nuget" "$root/root/.nuget/packages"; fi

echo "== what a machine with the .NET SDK has: libicu72 libssl3 ca-certificates"
in_root apt-get update -q > /dev/null
in_root apt-get install -y -q --no-install-recommends libicu72 libssl3 ca-certificates > /dev/null

echo "== before: the server packages and accounts are missing"
for package in mariadb-server postgresql-15 redis-server locales restic prometheus-mysqld-exporter prometheus-postgres-exporter prometheus-redis-exporter prometheus-node-exporter; do
  if in_root dpkg -s "$package" > /dev/null 2>&1; then echo "unexpected: $package is installed"; exit 1; fi
  echo "package $package: not installed"
done
for user in mysql postgres redis; do
  if in_root id "$user" > /dev/null 2>&1; then echo "unexpected: user $user exists"; exit 1; fi
  echo "user $user: missing"
done

echo "== dotnet run --no-build --project AppHost -- $*"
log="$root/var/tmp/apphost.log"
setsid chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  LANG=C.UTF-8 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  sh -c "cd '$repository' && exec dotnet run --no-build --project AppHost -- --state-dir $state $*" > "$log" 2>&1 < /dev/null &
apphost_pgid=$!

smoke="$repository/SmokeRunner/bin/Debug/net10.0/Rollout.SmokeRunner.dll"
deadline=$((SECONDS + seconds)); passed=0
while [ $SECONDS -lt $deadline ]; do
  sleep 5
  if ! kill -0 "$apphost_pgid" 2>/dev/null; then echo "the AppHost exited early"; break; fi
  [ -f "$root$state/resources.json" ] || continue
  if in_root sh -c "cd /var/tmp && dotnet '$smoke' --env local --estate '$repository/rollout.yaml' --state-dir $state" > "$root/var/tmp/smoke.log" 2>&1; then
    passed=1; break
  fi
done

echo "== AppHost output"
cat "$log"
echo "== last SmokeRunner output"
cat "$root/var/tmp/smoke.log" 2>/dev/null || echo "(the SmokeRunner never ran: no resources.json)"
# The exporters' packages are installed in the background (the servers never wait for them): give them up to 2 minutes.
for _ in $(seq 60); do
  missing=0
  for package in prometheus-mysqld-exporter prometheus-postgres-exporter prometheus-redis-exporter prometheus-node-exporter; do
    in_root dpkg -s "$package" > /dev/null 2>&1 || missing=1
  done
  [ $missing = 0 ] && break
  sleep 2
done
echo "== after: packages and accounts"
for package in mariadb-server postgresql-15 redis-server locales restic prometheus-mysqld-exporter prometheus-postgres-exporter prometheus-redis-exporter prometheus-node-exporter; do
  in_root dpkg -s "$package" > /dev/null 2>&1 && echo "package $package: installed" || echo "package $package: not installed"
done
for user in mysql postgres redis; do in_root id "$user" > /dev/null 2>&1 && echo "user $user: exists" || echo "user $user: missing"; done
[ $passed = 1 ] && echo "== SmokeRunner passed on the fresh machine" || echo "== SmokeRunner did not pass within ${seconds}s"
[ $passed = 1 ]
