#!/usr/bin/env bash
# Shared by the AppHost start benchmarks (sourced).

# CPU seconds (user+system) used so far by a process tree: the AppHost, its live servers (and
# their children), and the one-shot programs it already reaped (mariadb-install-db, initdb).
# Load-independent: on a busy machine wall time grows, this does not.
cpu_of_tree() {
  python3 - "$1" <<'PY'
import os, sys
root = int(sys.argv[1]); tick = os.sysconf("SC_CLK_TCK")
stats = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            f = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
            stats[int(d)] = (int(f[1]), sum(int(x) for x in f[11:15]))  # ppid, utime+stime+cutime+cstime
        except OSError:
            pass
tree, total = [root], 0
while tree:
    pid = tree.pop(); total += stats.get(pid, (0, 0))[1]
    tree += [p for p, (parent, _) in stats.items() if parent == pid]
print(f"{total / tick:.2f}")
PY
}

