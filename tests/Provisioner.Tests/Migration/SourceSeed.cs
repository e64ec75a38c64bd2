namespace Rollout.Provisioner.Tests.Migration;

/// <summary>The data of the done-when scenario, created on the Plesk replica's mo_votes by its admin (the test's hands).</summary>
public static class SourceSeed
{
    public const string Definer = "`svc_votes`@`127.0.0.1`";

    /// <summary>utf8mb4 with emoji, NULLs, BLOBs and binary, DECIMAL/DATETIME edge values, a composite key over several chunks, a table without key, a view, a trigger and a function.</summary>
    public const string VotingSystem = $"""
        SET NAMES utf8mb4, SESSION max_recursive_iterations = 1000000;
        USE mo_votes;
        CREATE TABLE ballots (
          id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
          title VARCHAR(200) NOT NULL,
          note TEXT NULL,
          emoji VARCHAR(50) NULL,
          amount DECIMAL(20,6) NULL,
          huge DECIMAL(65,30) NULL,
          cast_at DATETIME(6) NULL,
          stamped TIMESTAMP NULL DEFAULT NULL,
          day DATE NULL,
          picture BLOB NULL,
          raw VARBINARY(16) NULL,
          ratio DOUBLE NULL,
          flags BIT(3) NULL
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
        INSERT INTO ballots (title, note, emoji, amount, huge, cast_at, stamped, day, picture, raw, ratio, flags) VALUES
          ('Wahl 🗳️', 'Grüße aus Wien — ünïcödé', '😀🎉👍🏽', 99999999999999.999999, 12345678901234567890123456789012345.123456789012345678901234567890, '1000-01-01 00:00:00.000000', '1970-01-01 00:00:01', '1000-01-01', UNHEX('00FF00FF0D0A1A27225C'), UNHEX('000102'), 1.5e300, b'101'),
          ('Leer', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
          ('Grenzen', '', '', -99999999999999.999999, -0.000000000000000000000000000001, '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07', '9999-12-31', '', '', -0.0, b'000'),
          ('Quotes '' " \\ `', 'tab\there\nnewline', '中文', 0.000001, 0, '2024-02-29 12:00:00.5', '2024-02-29 12:00:00', '2024-02-29', REPEAT(UNHEX('AB'), 70000 DIV 2), UNHEX('FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF'), 3.14159265358979, b'111');
        CREATE TABLE votes (
          ballot_id INT NOT NULL,
          voter VARCHAR(64) NOT NULL,
          choice SMALLINT NOT NULL,
          comment VARCHAR(100) NULL,
          PRIMARY KEY (ballot_id, voter)
        ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
        INSERT INTO votes WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 2500)
          SELECT 1 + n MOD 4, CONCAT('voter', LPAD(n, 5, '0')), n MOD 3, IF(n MOD 7 = 0, NULL, CONCAT('👍 ', n)) FROM s;
        CREATE TABLE audit_log (at DATETIME NOT NULL, message VARCHAR(200) NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
        INSERT INTO audit_log VALUES ('2026-01-01 00:00:00', 'seeded'), ('2026-01-01 00:00:00', 'seeded'), ('2026-01-02 00:00:00', NULL);
        CREATE TABLE legacy (id INT NOT NULL PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, body TEXT NULL) ENGINE=InnoDB DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci;
        INSERT INTO legacy VALUES (1, 'Grüße', 'Ärger über Öl'), (2, 'Strasse', NULL), (3, 'café', 'naïve');
        CREATE DEFINER={Definer} SQL SECURITY DEFINER VIEW ballot_totals AS SELECT ballot_id, COUNT(*) AS voters FROM votes GROUP BY ballot_id;
        CREATE DEFINER={Definer} TRIGGER votes_audit AFTER INSERT ON votes FOR EACH ROW INSERT INTO audit_log VALUES (NOW(), CONCAT('vote by ', NEW.voter));
        CREATE DEFINER={Definer} FUNCTION ballot_count(b INT) RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM votes WHERE ballot_id = b);
        """;
}
