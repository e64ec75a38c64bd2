// The AppHost: brings up the local replica of the estate (see issue 2). Filled in by the orchestrator work.
Console.Error.WriteLine("Rollout AppHost: not yet implemented.");
return 1;
