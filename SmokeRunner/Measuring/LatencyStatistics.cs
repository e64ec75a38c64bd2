namespace Rollout.SmokeRunner.Measuring;

/// <summary>
/// Percentiles of a latency sample by the nearest-rank method: the p-th percentile is the smallest
/// sample that at least p % of the samples do not exceed. No interpolation, so every figure
/// reported is a time that was really measured.
/// </summary>
public sealed record LatencyStatistics(int Count, double P50Ms, double P95Ms, double MaxMs)
{
    public static LatencyStatistics Of(IReadOnlyCollection<double> samplesMs)
    {
        if (samplesMs.Count == 0)
            throw new ArgumentException("At least one latency sample is needed.", nameof(samplesMs));
        var sorted = samplesMs.Order().ToArray();
        return new LatencyStatistics(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 95), sorted[^1]);
    }

    /// <summary>Nearest rank on an ascending array: rank = ceil(p/100 · n), 1-based.</summary>
    public static double Percentile(double[] ascending, double percent)
    {
        if (ascending.Length == 0) throw new ArgumentException("No samples.", nameof(ascending));
        if (percent is <= 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "Percent must be in (0, 100].");
        var rank = (int)Math.Ceiling(percent / 100.0 * ascending.Length);
        return ascending[Math.Clamp(rank, 1, ascending.Length) - 1];
    }
}
