using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Rollout.AppHost.Local.Tls;

/// <summary>
/// The local certificate authority: created once per state directory (&lt;state&gt;/tls/ca.crt and
/// ca.key, the key 0600), it issues each server a certificate for 127.0.0.1, ::1 and localhost.
/// Clients verify servers against ca.crt (resources.json "caCertificate").
/// </summary>
public sealed class LocalCertificateAuthority
{
    private readonly X509Certificate2 _ca;

    private LocalCertificateAuthority(string directory, X509Certificate2 ca)
    {
        Directory = directory;
        _ca = ca;
    }

    public string Directory { get; }

    public string CertificatePath => Path.Combine(Directory, "ca.crt");

    private string KeyPath => Path.Combine(Directory, "ca.key");

    public static LocalCertificateAuthority LoadOrCreate(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var certificatePath = Path.Combine(directory, "ca.crt");
        var keyPath = Path.Combine(directory, "ca.key");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(30)) return new LocalCertificateAuthority(directory, existing);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Rollout local CA, O=Rollout", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
        WriteSecretFile(keyPath, key.ExportPkcs8PrivateKeyPem(), owner: null);
        WritePublicFile(certificatePath, ca.ExportCertificatePem());
        return new LocalCertificateAuthority(directory, ca);
    }

    /// <summary>Issues (every start: it is cheap) the certificate of one server; the key is readable by the server's account only.</summary>
    public (string CertificatePath, string KeyPath) IssueServerCertificate(string serverName, ServerAccount? owner)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={serverName}, O=Rollout", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(397),
            RandomNumberGenerator.GetBytes(16));

        var certificatePath = Path.Combine(Directory, serverName + ".crt");
        var keyPath = Path.Combine(Directory, serverName + ".key");
        WritePublicFile(certificatePath, certificate.ExportCertificatePem());
        WriteSecretFile(keyPath, key.ExportPkcs8PrivateKeyPem(), owner);
        return (certificatePath, keyPath);
    }

    private static void WritePublicFile(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
    }

    /// <summary>Writes a file that only its owner may read (0600), created with that mode so it is never readable by others.</summary>
    public static void WriteSecretFile(string path, string content, ServerAccount? owner)
    {
        if (File.Exists(path)) File.Delete(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        ServerAccount.Own(owner, path);
    }
}
