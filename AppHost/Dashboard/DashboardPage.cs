namespace Rollout.AppHost.Dashboard;

/// <summary>The dashboard's one page: polls /api/resources every second; a resource's name opens its log.</summary>
internal static class DashboardPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Rollout AppHost</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
          table { border-collapse: collapse; width: 100%; }
          th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; font-size: .9rem; }
          td.state-Running, td.state-Finished { color: #17692e; }
          td.state-FailedToStart, td.state-RuntimeUnhealthy, td.state-Exited { color: #b00020; font-weight: bold; }
          td.state-Waiting, td.state-Starting, td.state-Stopping { color: #8a5a00; }
          code { font-size: .8rem; }
          pre { background: #f5f5f5; padding: .8rem; max-height: 28rem; overflow: auto; font-size: .8rem; }
          a { cursor: pointer; color: #0645ad; }
        </style>
        </head>
        <body>
        <h1>Rollout AppHost</h1>
        <p id="status">Loading…</p>
        <table>
          <thead><tr><th>Resource</th><th>Kind</th><th>State</th><th>Endpoint</th><th>PID</th><th>Connection string</th><th>Detail</th></tr></thead>
          <tbody id="resources"></tbody>
        </table>
        <h2 id="log-title"></h2>
        <pre id="log" hidden></pre>
        <script>
        const cell = (row, text, className) => {
          const td = row.insertCell();
          td.textContent = text ?? "";
          if (className) td.className = className;
          return td;
        };
        async function showLog(name) {
          const response = await fetch("/api/logs/" + encodeURIComponent(name));
          document.getElementById("log-title").textContent = "Log: " + name;
          const log = document.getElementById("log");
          log.hidden = false;
          log.textContent = await response.text();
          log.scrollTop = log.scrollHeight;
        }
        async function refresh() {
          try {
            const response = await fetch("/api/resources");
            if (!response.ok) { document.getElementById("status").textContent = await response.text(); return; }
            const body = document.getElementById("resources");
            body.replaceChildren();
            for (const r of await response.json()) {
              const row = body.insertRow();
              const name = cell(row, "");
              const link = document.createElement("a");
              link.textContent = r.name;
              link.onclick = () => showLog(r.name);
              name.appendChild(link);
              cell(row, r.kind);
              cell(row, r.state, "state-" + r.state);
              cell(row, r.endpoint);
              cell(row, r.pid);
              cell(row, "").appendChild(document.createElement("code")).textContent = r.connectionString ?? "";
              cell(row, r.detail);
            }
            document.getElementById("status").textContent = "Updated " + new Date().toLocaleTimeString();
          } catch (e) {
            document.getElementById("status").textContent = "AppHost not reachable (stopped?)";
          }
        }
        refresh();
        setInterval(refresh, 1000);
        </script>
        </body>
        </html>
        """;
}
