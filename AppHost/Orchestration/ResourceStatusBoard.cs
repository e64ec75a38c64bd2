using Rollout.AppHost.Model;
using Rollout.ServiceDefaults.Local;

namespace Rollout.AppHost.Orchestration;

/// <summary>
/// The live state of every resource, written to &lt;state&gt;/resources.json (ResourceSnapshot) on
/// each change and read by the terminal table. Databases follow their server's state.
/// </summary>
public sealed class ResourceStatusBoard
{
    private readonly ApplicationModel _model;
    private readonly string _stateDirectory;
    private readonly string _caCertificate;
    private readonly Dictionary<string, ResourceStatus> _statuses;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public ResourceStatusBoard(ApplicationModel model, string stateDirectory, string caCertificate)
    {
        _model = model;
        _stateDirectory = stateDirectory;
        _caCertificate = caCertificate;
        _statuses = model.Resources.Where(r => r is not ParameterResource).ToDictionary(r => r.Name, r => new ResourceStatus(r.Name, r.Kind));
    }

    /// <summary>Raised after every change (from any thread).</summary>
    public event Action<ResourceStatus>? Changed;

    public IReadOnlyList<ResourceStatus> All => _model.Resources.Where(r => r is not ParameterResource).Select(r => _statuses[r.Name]).ToList();

    public ResourceStatus this[string name] => _statuses[name];

    /// <summary>How many databases a server resource holds (0 for anything else).</summary>
    public int DatabaseCount(string name) => _model.Servers.FirstOrDefault(s => s.Name == name)?.Databases.Count ?? 0;

    public async Task UpdateAsync(IResource resource, string state, int? pid = -1, string? detail = null, CancellationToken cancellationToken = default)
    {
        var status = _statuses[resource.Name];
        lock (status)
        {
            status.State = state;
            if (pid != -1) status.Pid = pid;
            status.Detail = detail;
        }
        if (resource is ServerResource server)
        {
            await FillEndpointAsync(status, server, server, cancellationToken);
            foreach (var database in server.Databases)
            {
                var child = _statuses[database.Name];
                child.State = state;
                child.Detail = detail is null ? null : $"server {server.Name}: {detail}";
                await FillEndpointAsync(child, database, server, cancellationToken);
                Changed?.Invoke(child);
            }
        }
        Changed?.Invoke(status);
        await PublishAsync(cancellationToken);
    }

    private static async Task FillEndpointAsync(ResourceStatus status, IResourceWithConnectionString resource, ServerResource server, CancellationToken cancellationToken)
    {
        if (!server.Endpoint.IsAllocated) return;
        status.Host = server.Endpoint.AllocatedHost;
        status.Port = server.Endpoint.AllocatedPort;
        status.ConnectionString ??= await resource.ConnectionStringExpression.GetMaskedValueAsync(cancellationToken);
    }

    /// <summary>Writes resources.json atomically (temp file + rename) so readers never see half a file.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            var rows = All.Select(s => new ResourceState(s.Name, s.Kind, s.State, s.Host, s.Port, s.Pid, s.ConnectionString)).ToList();
            await new ResourceSnapshot(_stateDirectory, _caCertificate, Environment.ProcessId, rows).WriteAsync(CancellationToken.None);
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
