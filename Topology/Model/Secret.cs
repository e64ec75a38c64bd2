namespace Rollout.Topology.Model;

/// <summary>
/// A secret value that never prints itself: ToString, string interpolation and serializers see a
/// mask. Only <see cref="Reveal"/> hands out the plaintext, for a driver or a store that needs it.
/// </summary>
public sealed class Secret : IEquatable<Secret>
{
    public const string Mask = "********";
    private readonly string _value;

    public Secret(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    public string Reveal() => _value;

    public bool IsEmpty => _value.Length == 0;

    public override string ToString() => Mask;

    public bool Equals(Secret? other) => other is not null &&
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(_value), System.Text.Encoding.UTF8.GetBytes(other._value));

    public override bool Equals(object? obj) => obj is Secret s && Equals(s);

    public override int GetHashCode() => _value.Length;
}
