using System.CommandLine;
using Rollout.Backup.Cli;
using Rollout.ServiceDefaults.Redaction;

// Last line of defence: every secret registered by the commands is masked in anything printed.
RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
var io = CommandIo.FromConsole();
return await BackupCli.Create(io).Parse(args).InvokeAsync();
