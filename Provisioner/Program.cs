// Filled in by its issue.
Console.Error.WriteLine("not yet implemented");
return 1;
