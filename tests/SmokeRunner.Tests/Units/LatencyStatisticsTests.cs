using Rollout.SmokeRunner.Measuring;

namespace Rollout.SmokeRunner.Tests.Units;

public class LatencyStatisticsTests
{
    [Fact]
    public void Twenty_samples_give_the_tenth_and_nineteenth_smallest_as_p50_and_p95()
    {
        var samples = Enumerable.Range(1, 20).Select(i => (double)i).Reverse().ToArray();

        var stats = LatencyStatistics.Of(samples);

        Assert.Equal(20, stats.Count);
        Assert.Equal(10, stats.P50Ms);
        Assert.Equal(19, stats.P95Ms);
        Assert.Equal(20, stats.MaxMs);
    }

    [Fact]
    public void One_slow_outlier_in_twenty_moves_max_but_not_p95()
    {
        var samples = Enumerable.Repeat(0.5, 19).Append(250.0).ToArray();

        var stats = LatencyStatistics.Of(samples);

        Assert.Equal(0.5, stats.P95Ms);
        Assert.Equal(250, stats.MaxMs);
    }

    [Fact]
    public void Two_slow_outliers_in_twenty_reach_p95()
    {
        var stats = LatencyStatistics.Of(Enumerable.Repeat(0.5, 18).Concat([120.0, 250.0]).ToArray());

        Assert.Equal(120, stats.P95Ms);
    }

    [Theory]
    [InlineData(new[] { 7.0 }, 7.0, 7.0)]
    [InlineData(new[] { 1.0, 2.0 }, 1.0, 2.0)]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0, 3.0)]
    public void Small_samples_use_nearest_rank(double[] samples, double p50, double p95)
    {
        var stats = LatencyStatistics.Of(samples);

        Assert.Equal(p50, stats.P50Ms);
        Assert.Equal(p95, stats.P95Ms);
    }

    [Fact]
    public void No_samples_is_an_error_not_a_zero()
    {
        var error = Assert.Throws<ArgumentException>(() => LatencyStatistics.Of([]));
        Assert.Contains("At least one latency sample", error.Message);
    }
}
