using Rollout.ServiceDefaults.Redaction;
using Rollout.Topology.Model;

namespace Rollout.ServiceDefaults.Tests;

public class RedactionTests
{
    [Fact]
    public void A_registered_secret_is_masked_even_when_written_in_pieces()
    {
        var redactor = new SecretRedactor();
        redactor.Register(new Secret("Zq9+kLm/secret=="));
        var output = new StringWriter();
        using (var writer = new RedactingTextWriter(output, redactor))
        {
            writer.Write("password=Zq9+kL");
            writer.Write("m/secret==;");
            writer.WriteLine(" done");
        }
        Assert.Equal("password=********; done" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void The_longer_of_two_overlapping_secrets_is_masked_whole()
    {
        var redactor = new SecretRedactor();
        redactor.Register("abcdef");
        redactor.Register("abcdefghij");
        Assert.Equal("x ******** y", redactor.Redact("x abcdefghij y"));
    }

    [Fact]
    public void Short_values_are_not_treated_as_secrets()
    {
        var redactor = new SecretRedactor();
        redactor.Register("1");
        Assert.Equal("port 1", redactor.Redact("port 1"));
    }
}
