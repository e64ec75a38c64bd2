namespace Rollout.Provisioner.Tests.Infrastructure;

/// <summary>Variants of the real rollout.yaml for bad-input tests: one textual change, written to a temporary file.</summary>
public static class EstateVariants
{
    public static string Write(ProvisionerStack stack, string find, string replace)
    {
        var text = File.ReadAllText(stack.EstatePath);
        var index = text.IndexOf(find, StringComparison.Ordinal);
        if (index < 0) throw new ArgumentException($"'{find}' is not in {stack.EstatePath}.");
        var directory = Path.Combine(stack.BaseDirectory, "estate-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "rollout.yaml");
        File.WriteAllText(path, text[..index] + replace + text[(index + find.Length)..]);
        return path;
    }
}
