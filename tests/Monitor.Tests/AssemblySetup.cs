// Every collection runs real servers (and Prometheus/Alertmanager) on a small shared machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
