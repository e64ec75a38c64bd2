using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rollout.Topology.Model;

namespace Rollout.AppHost.Publishing.Monitoring;

/// <summary>
/// The n8n workflow (importable JSON: `n8n import:workflow --input=…`) that turns Alertmanager's webhook into a Slack
/// message (incoming webhook) and an e-mail (SMTP credential "Rollout SMTP"). Every secret stays in n8n: the Slack
/// URL and the bearer token Alertmanager sends come from n8n's environment, the SMTP login from its credential store.
/// </summary>
public static class N8nWorkflow
{
    public const string FileName = "n8n/rollout-alerts.workflow.json";
    public const string WebhookPath = "rollout-alerts";
    public const string SlackUrlVariable = "ROLLOUT_SLACK_WEBHOOK_URL";
    public const string TokenVariable = "ROLLOUT_ALERTMANAGER_TOKEN";
    public const string MailFromVariable = "ROLLOUT_ALERT_MAIL_FROM";
    public const string MailToVariable = "ROLLOUT_ALERT_MAIL_TO";
    public const string SmtpCredentialId = "rolloutSmtp000001";
    public const string SmtpCredentialName = "Rollout SMTP";

    /// <summary>A fixed id: importing a newer version replaces the workflow instead of adding a second one.</summary>
    public const string WorkflowId = "rolloutAlerts001";

    /// <summary>Formats one message per webhook call: a Slack line per alert and an e-mail with the same content.</summary>
    private const string FormatCode = """
        const request = $input.first().json;
        const token = $env.ROLLOUT_ALERTMANAGER_TOKEN;
        // Alertmanager authenticates with a bearer token (credentials_file); anything else is dropped unread,
        // and so is everything while the token is not configured.
        if (!token || request.headers.authorization !== 'Bearer ' + token) {
          throw new Error('rejected: webhook call without the Alertmanager token (or ROLLOUT_ALERTMANAGER_TOKEN unset)');
        }
        const payload = request.body;
        const icon = { critical: ':red_circle:', warning: ':warning:', info: ':information_source:' };
        const lines = (payload.alerts || []).map(a => {
          const what = [a.labels.server, a.labels.database, a.labels.instance, a.labels.tier].filter(Boolean).join(' / ');
          const state = a.status === 'resolved' ? 'RESOLVED' : (a.labels.severity || 'alert').toUpperCase();
          return `${icon[a.labels.severity] || ''} [${state}] ${a.labels.alertname} ${what}: ${a.annotations.summary || ''}`.trim();
        });
        const status = payload.status === 'resolved' ? 'resolved' : 'firing';
        const subject = `[${PROJECT}] ${status}: ${payload.commonLabels.alertname || 'alerts'} (${(payload.alerts || []).length})`;
        return [{ json: { status, subject, text: [subject, ...lines].join('\n'), lines } }];
        """;

    public static string Render(Estate estate)
    {
        var code = FormatCode.Replace("${PROJECT}", estate.Project, StringComparison.Ordinal);
        var workflow = new JsonObject
        {
            ["id"] = WorkflowId,
            ["name"] = $"Rollout alerts ({estate.Project}): Alertmanager to Slack and e-mail",
            ["nodes"] = new JsonArray(
                Node("Alertmanager webhook", "n8n-nodes-base.webhook", 2, 0, new JsonObject
                {
                    ["httpMethod"] = "POST",
                    ["path"] = WebhookPath,
                    ["responseMode"] = "onReceived",
                    ["options"] = new JsonObject(),
                }, webhookId: StableId("webhook " + WebhookPath).ToString()),
                Node("Format messages", "n8n-nodes-base.code", 2, 1, new JsonObject { ["jsCode"] = code }),
                Node("Slack", "n8n-nodes-base.httpRequest", 4.2, 2, new JsonObject
                {
                    ["method"] = "POST",
                    ["url"] = $"={{{{ $env.{SlackUrlVariable} }}}}",
                    ["sendBody"] = true,
                    ["specifyBody"] = "json",
                    ["jsonBody"] = "={{ JSON.stringify({ text: $json.text }) }}",
                    ["options"] = new JsonObject(),
                }),
                Node("E-mail", "n8n-nodes-base.emailSend", 2.1, 2, new JsonObject
                {
                    ["fromEmail"] = $"={{{{ $env.{MailFromVariable} }}}}",
                    ["toEmail"] = $"={{{{ $env.{MailToVariable} }}}}",
                    ["subject"] = "={{ $json.subject }}",
                    ["emailFormat"] = "text",
                    ["text"] = "={{ $json.text }}",
                    ["options"] = new JsonObject { ["appendAttribution"] = false },
                }, credentials: new JsonObject { ["smtp"] = new JsonObject { ["id"] = SmtpCredentialId, ["name"] = SmtpCredentialName } }, row: 1)),
            ["connections"] = new JsonObject
            {
                ["Alertmanager webhook"] = MainOutput("Format messages"),
                ["Format messages"] = MainOutput("Slack", "E-mail"),
            },
            ["settings"] = new JsonObject { ["executionOrder"] = "v1" },
            ["active"] = false,
            ["pinData"] = new JsonObject(),
            ["tags"] = new JsonArray(),
        };
        return workflow.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Node(string name, string type, double version, int column, JsonObject parameters,
        string? webhookId = null, JsonObject? credentials = null, int row = 0)
    {
        var node = new JsonObject
        {
            ["id"] = StableId(name).ToString(),
            ["name"] = name,
            ["type"] = type,
            ["typeVersion"] = version,
            ["position"] = new JsonArray(column * 260, row * 200),
            ["parameters"] = parameters,
        };
        if (webhookId is not null) node["webhookId"] = webhookId;
        if (credentials is not null) node["credentials"] = credentials;
        return node;
    }

    /// <summary>Node ids derived from the name: the same estate publishes byte-identical files.</summary>
    private static Guid StableId(string name) => new(SHA256.HashData(Encoding.UTF8.GetBytes("rollout n8n " + name)).AsSpan(0, 16));

    private static JsonObject MainOutput(params string[] targets) => new()
    {
        ["main"] = new JsonArray(new JsonArray(targets.Select(t => (JsonNode)new JsonObject { ["node"] = t, ["type"] = "main", ["index"] = 0 }).ToArray())),
    };
}
