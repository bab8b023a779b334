"""What the tests and the benchmarks share, so that neither imports the other: sample
inspections and people, the local stack of processes, the SMTP mailbox, lifecycles over
HTTP and direct, result publishing, and the fault-injection harness (``make chaos``)."""
