namespace Rollout.AppHost.Hosting;

/// <summary>
/// How a monitoring executable starts: /bin/sh checks the program inside the resource itself, so a missing
/// Prometheus or Alertmanager never holds up the servers. Missing Debian default + root: apt-get installs the package
/// (as the servers' PackageInstaller does, waiting for dpkg's lock); still missing: the resource's console log says
/// which package to install or which setting to change, and it exits 1 — the rest of the estate keeps running.
/// </summary>
public static class MonitoringProgram
{
    // $1 program, $2 package to install ("" = never install), $3 the setting that chooses the program, then its arguments.
    public const string Script = """
        program="$1"; package="$2"; setting="$3"; shift 3
        if [ ! -x "$program" ] && [ -n "$package" ] && [ "$(id -u)" = 0 ] && [ "${ROLLOUT_NO_INSTALL:-}" != 1 ] && command -v apt-get >/dev/null; then
          echo "Installing the Debian package $package (running as root) ..." >&2
          export DEBIAN_FRONTEND=noninteractive
          apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$package" >&2 \
            || { apt-get update -q >&2; apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 "$package" >&2; }
        fi
        if [ ! -x "$program" ]; then
          echo "error: $program not found. Install the Debian package ${package:-that provides it} (sudo apt-get install -y ${package:-<package>}), or set $setting to the program. The servers are not affected." >&2
          exit 1
        fi
        exec "$program" "$@"
        """;

    /// <summary>The arguments of /bin/sh that run <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    public static IReadOnlyList<string> Arguments(string program, string debianDefault, string package, string setting, IEnumerable<string> arguments) =>
        ["-c", Script, "rollout-monitoring", program, program == debianDefault ? package : "", setting, .. arguments];
}
