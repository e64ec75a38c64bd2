using System.Runtime.InteropServices;
using Rollout.Monitor.Cli;
using Rollout.ServiceDefaults.Redaction;

// Last line of defence: any secret that reaches an output is masked.
RedactingTextWriter.InstallOnConsole(SecretRedactor.Shared);
using var cancel = new CancellationTokenSource();
// Ctrl+C and SIGTERM (the AppHost or systemd stopping the probe) end the current round and exit cleanly.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; cancel.Cancel(); });
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; cancel.Cancel(); });
return await MonitorCli.RunAsync(args, Console.Out, Console.Error, cancel.Token);
