// The integration collections each run real servers on a 2-core machine shared with other work:
// one at a time keeps the latency figures about the servers, not about the tests themselves.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
