"""Activity names: what workflows refer to, without importing the activities' I/O code."""

RECORD_TRANSITION = "record_transition"
NOTIFY = "notify"
DELIVER_EMAIL = "deliver_email"
DIGEST_DAY = "digest_day"
COLLECT_DIGESTS = "collect_digests"
RECONCILE = "reconcile"
