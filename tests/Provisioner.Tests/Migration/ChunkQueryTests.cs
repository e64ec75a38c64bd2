using Rollout.Provisioner.Migration;

namespace Rollout.Provisioner.Tests.Migration;

/// <summary>The chunk query is pt-table-checksum's, and the key range of a composite key is a row comparison.</summary>
public class ChunkQueryTests
{
    private static readonly TableShape Votes = new("votes",
        [new("ballot_id", "int", false, null, null), new("voter", "varchar", false, "utf8mb4", "utf8mb4_unicode_ci"), new("comment", "varchar", true, "utf8mb4", "utf8mb4_unicode_ci"), new("picture", "blob", true, null, null)],
        ["ballot_id", "voter"], "utf8mb4_unicode_ci", "InnoDB", 0);

    [Fact]
    public void A_middle_chunk_is_the_percona_chunk_query_over_a_row_range()
    {
        var sql = new ChunkQuery("mo_votes", Votes).Checksum(hasLower: true, hasUpper: true);
        Assert.Equal(
            "SELECT COUNT(*) cnt, COALESCE(LOWER(CONV(BIT_XOR(CAST(CRC32(CONCAT_WS('#', `ballot_id`, CONVERT(`voter` USING utf8mb4), CONVERT(`comment` USING utf8mb4), `picture`, " +
            "CONCAT(ISNULL(`comment`), ISNULL(`picture`)))) AS UNSIGNED)), 10, 16)), 0) crc FROM `mo_votes`.`votes` " +
            "WHERE (`ballot_id`, `voter`) > (@p0, @p1) AND (`ballot_id`, `voter`) <= (@p2, @p3)", sql);
    }

    [Fact]
    public void The_first_and_last_chunks_are_open_and_a_table_without_key_is_checksummed_whole()
    {
        var query = new ChunkQuery("mo_votes", Votes);
        Assert.EndsWith("WHERE (`ballot_id`, `voter`) <= (@p0, @p1)", query.Checksum(hasLower: false, hasUpper: true));
        Assert.EndsWith("WHERE (`ballot_id`, `voter`) > (@p0, @p1)", query.Checksum(hasLower: true, hasUpper: false));
        Assert.EndsWith("ORDER BY `ballot_id`, `voter` LIMIT 1 OFFSET 999", query.NextBoundary(hasLower: true, size: 1000));
        var keyless = new ChunkQuery("mo_votes", Votes with { PrimaryKey = [] });
        Assert.EndsWith("FROM `mo_votes`.`votes`", keyless.Checksum(hasLower: false, hasUpper: false));
    }

    [Fact]
    public void A_difference_names_the_table_and_key_range()
    {
        var difference = new ChunkDifference("votes", TableVerifier.DescribeRange(Votes, [2, "voter00998"], [3, "voter00003"]), 1000, 1000, ["row ballot_id=3, voter=voter00002 changed"]);
        Assert.Equal("table votes, key (ballot_id, voter) > (2, voter00998) and ≤ (3, voter00003): source 1000 rows, target 1000 rows, checksums differ (row ballot_id=3, voter=voter00002 changed)",
            difference.ToString());
    }
}
