using System.CommandLine;
using Rollout.Provisioner.Commands;
using Rollout.ServiceDefaults.Redaction;

// Last line of defence: every secret registered by the commands is masked in anything printed.
RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
var io = CommandIo.FromConsole();
var root = new RootCommand("Rollout Provisioner: plan, apply and drift for the databases, users and grants of rollout.yaml; secrets and rotation.");
root.Add(PlanCommand.Create(io));
root.Add(ApplyCommand.Create(io));
root.Add(DriftCommand.Create(io));
root.Add(MigrateCommand.Create(io));
foreach (var command in Rollout.Provisioner.Secrets.SecretsCommands.Create()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
