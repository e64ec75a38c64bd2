using System.CommandLine;

var root = new RootCommand("Rollout provisioner");
foreach (var command in Rollout.Provisioner.Secrets.SecretsCommands.Create()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
