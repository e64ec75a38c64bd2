// Project resource used by the AppHost tests. `probe <file>` writes the injected connection
// environment to <file> (mode 0600) and exits 0; `probe --exit <code> [message]` prints the message and exits with the code.
if (args is ["--exit", var code, .. var message])
{
    Console.Error.WriteLine(string.Join(' ', message));
    return int.Parse(code, System.Globalization.CultureInfo.InvariantCulture);
}
var lines = Environment.GetEnvironmentVariables().Keys.Cast<string>()
    .Where(k => k.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || k.StartsWith("MO_", StringComparison.Ordinal) || k.StartsWith("ROLLOUT_", StringComparison.Ordinal))
    .Order(StringComparer.Ordinal)
    .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}");
File.WriteAllLines(args[0], lines);
File.SetUnixFileMode(args[0], UnixFileMode.UserRead | UnixFileMode.UserWrite);
return 0;
