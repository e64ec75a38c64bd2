using System.Globalization;
using System.Text;

namespace Rollout.Provisioner.Bench;

/// <summary>
/// rollout.yaml with its databases replaced by N generated ones per managed server (same settings as
/// the plan's: utf8mb4/utf8mb4_unicode_ci; UTF8/en_US.UTF-8 with uuid-ossp and pgcrypto).
/// </summary>
public static class GeneratedEstate
{
    public static string Write(string estatePath, int perServer, string directory)
    {
        var text = File.ReadAllText(estatePath);
        var start = text.IndexOf("\ndatabases:\n", StringComparison.Ordinal);
        var end = text.IndexOf("\n# Phase 2", start, StringComparison.Ordinal);
        if (start < 0 || end < 0) throw new InvalidOperationException($"{estatePath}: cannot find the databases section.");
        // The existing host keeps its five databases (checked, never written); the managed servers get the generated ones.
        var databases = new StringBuilder("\ndatabases:\n");
        foreach (var line in text[start..end].Split('\n').Where(l => l.Contains("server: plesk", StringComparison.Ordinal)))
            databases.AppendLine(line);
        for (var i = 1; i <= perServer; i++)
        {
            var n = i.ToString("D4", CultureInfo.InvariantCulture);
            databases.AppendLine(CultureInfo.InvariantCulture, $"  bench_m{n}: {{ server: external-mariadb, user: svc_bm{n}, purpose: bench, charset: utf8mb4, collation: utf8mb4_unicode_ci, secretPrefix: BENCH_M{n}_DB }}");
            databases.AppendLine(CultureInfo.InvariantCulture, $"  bench_p{n}: {{ server: external-postgres, user: svc_bp{n}, purpose: bench, encoding: UTF8, lcCollate: en_US.UTF-8, lcCtype: en_US.UTF-8, extensions: [uuid-ossp, pgcrypto], secretPrefix: BENCH_P{n}_DB }}");
        }
        var generated = text[..start] + databases + text[end..];
        generated = generated.Replace("optionalDatabases: [mo_analytics, mo_discourse]", "optionalDatabases: []", StringComparison.Ordinal);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "rollout.yaml");
        File.WriteAllText(path, generated);
        return path;
    }
}
