using Rollout.Provisioner.Commands;
using Rollout.ServiceDefaults.Redaction;

// Last line of defence: every secret registered by the commands is masked in anything printed.
RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
return await ProvisionerCli.RunAsync(args, CommandIo.FromConsole());
