using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rollout.AppHost.Publishing.Manifest;

/// <summary>Writes manifest resources as aspire-manifest.json, property order as Aspire's ManifestPublishingContext.</summary>
public static class ManifestJsonWriter
{
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    public static string Write(IEnumerable<ManifestResource> resources)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUrl);
            json.WriteStartObject("resources");
            foreach (var resource in resources)
            {
                json.WriteStartObject(resource.Name);
                json.WriteString("type", resource.Type);
                switch (resource)
                {
                    case ContainerManifestResource container:
                        WriteContainer(json, container);
                        break;
                    case ValueManifestResource value:
                        json.WriteString("connectionString", value.ConnectionString);
                        break;
                    case ProjectManifestResource project:
                        json.WriteString("path", project.Path);
                        WriteArgs(json, project.Args);
                        WriteEnv(json, project.Env);
                        break;
                    case ParameterManifestResource parameter:
                        WriteParameter(json, parameter);
                        break;
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteContainer(Utf8JsonWriter json, ContainerManifestResource container)
    {
        if (container.ConnectionString is not null) json.WriteString("connectionString", container.ConnectionString);
        json.WriteString("image", container.Image);
        if (container.Entrypoint is not null) json.WriteString("entrypoint", container.Entrypoint);
        WriteArgs(json, container.Args);
        if (container.BindMounts.Count > 0)
        {
            json.WriteStartArray("bindMounts");
            foreach (var mount in container.BindMounts)
            {
                json.WriteStartObject();
                json.WriteString("source", mount.Source);
                json.WriteString("target", mount.Target);
                json.WriteBoolean("readOnly", mount.ReadOnly);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (container.Volumes.Count > 0)
        {
            json.WriteStartArray("volumes");
            foreach (var volume in container.Volumes)
            {
                json.WriteStartObject();
                json.WriteString("name", volume.Name);
                json.WriteString("target", volume.Target);
                json.WriteBoolean("readOnly", volume.ReadOnly);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        WriteEnv(json, container.Env);
        if (container.Bindings.Count > 0)
        {
            json.WriteStartObject("bindings");
            foreach (var binding in container.Bindings)
            {
                json.WriteStartObject(binding.Name);
                json.WriteString("scheme", binding.Scheme);
                json.WriteString("protocol", binding.Protocol);
                json.WriteString("transport", binding.Transport);
                json.WriteNumber("targetPort", binding.TargetPort);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
    }

    private static void WriteParameter(Utf8JsonWriter json, ParameterManifestResource parameter)
    {
        if (parameter.ConnectionString is not null) json.WriteString("connectionString", parameter.ConnectionString);
        json.WriteString("value", $"{{{parameter.Name}.inputs.value}}");
        json.WriteStartObject("inputs");
        json.WriteStartObject("value");
        json.WriteString("type", "string");
        if (parameter.Secret) json.WriteBoolean("secret", true);
        if (parameter.Default is { } fallback)
        {
            json.WriteStartObject("default");
            if (fallback.GenerateMinLength is { } length)
            {
                json.WriteStartObject("generate");
                json.WriteNumber("minLength", length);
                json.WriteEndObject();
            }
            else
            {
                json.WriteString("value", fallback.Value);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteArgs(Utf8JsonWriter json, IReadOnlyList<string> args)
    {
        if (args.Count == 0) return;
        json.WriteStartArray("args");
        foreach (var arg in args) json.WriteStringValue(arg);
        json.WriteEndArray();
    }

    private static void WriteEnv(Utf8JsonWriter json, IReadOnlyList<KeyValuePair<string, string>> env)
    {
        if (env.Count == 0) return;
        json.WriteStartObject("env");
        foreach (var (key, value) in env) json.WriteString(key, value);
        json.WriteEndObject();
    }
}
