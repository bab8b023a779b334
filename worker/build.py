"""One ``build_worker`` for production and tests, so the wiring cannot drift."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.digest import DigestActivities
from activities.mailer import SmtpMailer
from activities.notify import NotifyActivities
from activities.records import RecordsActivities
from worker.settings import WorkerSettings
from workflows.digest import DigestWorkflow
from workflows.inspection import InspectionWorkflow

WORKFLOWS = [InspectionWorkflow, DigestWorkflow]


def build_worker(
    client: Client,
    engine: Engine,
    task_queue: str,
    max_concurrent_activities: int = 50,
    mailer: SmtpMailer | None = None,
    max_concurrent_workflow_tasks: int = 20,
) -> Worker:
    """A worker running every kiemtra workflow and activity on ``task_queue``.

    Without a ``mailer`` notifications are delivered in-app only. Workflow task slots are
    few on purpose: a task the worker has taken but cannot run within the server's 10 s
    task timeout is timed out and done twice, and the SDK's default (100) let a burst of
    due reminders on a 2-core machine queue that long inside the worker.
    """
    records = RecordsActivities(engine, mailer)
    notify = NotifyActivities(engine, mailer)
    digest = DigestActivities(engine, client)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            records.record,
            records.record_transition,
            notify.notify,
            notify.deliver_email,
            digest.digest_day,
            digest.collect_digests,
            digest.reconcile,
        ],
        activity_executor=ThreadPoolExecutor(max_workers=max_concurrent_activities),
        max_concurrent_activities=max_concurrent_activities,
        max_concurrent_workflow_tasks=max_concurrent_workflow_tasks,
    )


def build_mailer(settings: WorkerSettings) -> SmtpMailer | None:
    """The SMTP mailer ``KIEMTRA_SMTP_*`` describes, or None when no host is set."""
    if not settings.smtp_host:
        return None
    return SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout_seconds,
    )
