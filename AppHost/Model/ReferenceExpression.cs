using System.Runtime.CompilerServices;
using System.Text;

namespace Rollout.AppHost.Model;

/// <summary>A value known only at run time (an allocated endpoint, a parameter's secret value).</summary>
public interface IValueProvider
{
    ValueTask<string?> GetValueAsync(CancellationToken cancellationToken);
}

/// <summary>A value as it is written into the Aspire manifest: a placeholder such as {plesk.bindings.tcp.host}.</summary>
public interface IManifestExpressionProvider
{
    string ValueExpression { get; }
}

/// <summary>A value that must never be printed: masked in resources.json, logs and the table.</summary>
public interface ISecretValue
{
    bool IsSecret { get; }
}

/// <summary>
/// A string made of literal text and references (Aspire's ReferenceExpression). The same
/// expression is evaluated against the running processes (<see cref="GetValueAsync"/>) and
/// rendered as manifest placeholders (<see cref="ValueExpression"/>), so every connection is
/// defined once. Create with <c>ReferenceExpression.Create($"Server={endpoint.Host};…")</c>.
/// </summary>
public sealed class ReferenceExpression : IValueProvider, IManifestExpressionProvider
{
    private readonly string[] _literals;
    private readonly IReadOnlyList<object> _values;

    private ReferenceExpression(string[] literals, IReadOnlyList<object> values)
    {
        _literals = literals;
        _values = values;
    }

    /// <summary>The referenced values, in order (each an IValueProvider and IManifestExpressionProvider).</summary>
    public IReadOnlyList<object> ValueProviders => _values;

    public static ReferenceExpression Create(in ExpressionInterpolatedStringHandler handler) =>
        handler.Build();

    /// <summary>The manifest form, e.g. <c>Server={plesk.bindings.tcp.host};Password={svc-main-password.value}</c>.</summary>
    public string ValueExpression => Render(value => ((IManifestExpressionProvider)value).ValueExpression);

    /// <summary>The evaluated form with the real secret values: for process environments only, never for output.</summary>
    public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken)
    {
        var resolved = new List<string>(_values.Count);
        foreach (var value in _values)
            resolved.Add(await ((IValueProvider)value).GetValueAsync(cancellationToken) ?? "");
        var index = 0;
        return Render(_ => resolved[index++]);
    }

    /// <summary>The evaluated form with every secret replaced by the mask: safe for the table, resources.json and logs.</summary>
    public async ValueTask<string> GetMaskedValueAsync(CancellationToken cancellationToken)
    {
        var resolved = new List<string>(_values.Count);
        foreach (var value in _values)
            resolved.Add(value is ISecretValue { IsSecret: true }
                ? Topology.Model.Secret.Mask
                : await ((IValueProvider)value).GetValueAsync(cancellationToken) ?? "");
        var index = 0;
        return Render(_ => resolved[index++]);
    }

    public override string ToString() => ValueExpression;

    private string Render(Func<object, string> valueText)
    {
        var text = new StringBuilder();
        for (var i = 0; i < _literals.Length; i++)
        {
            text.Append(_literals[i]);
            if (i < _values.Count) text.Append(valueText(_values[i]));
        }
        return text.ToString();
    }

    /// <summary>Collects literal parts and references of an interpolated string.</summary>
    [InterpolatedStringHandler]
    public ref struct ExpressionInterpolatedStringHandler
    {
        private readonly List<string> _literals;
        private readonly List<object> _values;
        private StringBuilder _current;

        public ExpressionInterpolatedStringHandler(int literalLength, int formattedCount)
        {
            _literals = new List<string>(formattedCount + 1);
            _values = new List<object>(formattedCount);
            _current = new StringBuilder(literalLength);
        }

        public readonly void AppendLiteral(string value) => _current.Append(value);

        public void AppendFormatted(string? value) => _current.Append(value);

        public void AppendFormatted(int value) => _current.Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        /// <summary>A reference: an endpoint property, a parameter or another expression.</summary>
        public void AppendFormatted<T>(T value) where T : IValueProvider, IManifestExpressionProvider
        {
            _literals.Add(_current.ToString());
            _current = new StringBuilder();
            _values.Add(value);
        }

        internal readonly ReferenceExpression Build() => new([.. _literals, _current.ToString()], _values);
    }
}
