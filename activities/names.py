"""Names shared by workflows and activities, without importing the activities' I/O code."""

RECORD = "record"
RECORD_TRANSITION = "record_transition"
NOTIFY = "notify"
DELIVER_EMAIL = "deliver_email"
DIGEST_DAY = "digest_day"
COLLECT_DIGESTS = "collect_digests"
RECONCILE = "reconcile"


def inspection_workflow_id(inspection_id: str) -> str:
    """The one workflow id of an inspection."""
    return f"inspection-{inspection_id}"
