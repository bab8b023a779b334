"""One ``build_worker`` for production and tests, so the wiring cannot drift."""

import contextlib
import importlib.util
import py_compile
import sys
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.digest import DigestActivities
from activities.mailer import SmtpMailer
from activities.notify import DEFAULT_PUBLIC_URL, NotifyActivities
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
    public_url: str = DEFAULT_PUBLIC_URL,
) -> Worker:
    """A worker running every kiemtra workflow and activity on ``task_queue``.

    Without a ``mailer`` notifications are delivered in-app only; they link to the pages
    at ``public_url``. Workflow task slots are
    few on purpose: a task the worker has taken but cannot run within the server's 10 s
    task timeout is timed out and done twice, and the SDK's default (100) let a burst of
    due reminders on a 2-core machine queue that long inside the worker.
    """
    cache_bytecode(WORKFLOWS)
    records = RecordsActivities(engine, mailer, public_url)
    notify = NotifyActivities(engine, mailer, public_url)
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


def cache_bytecode(workflows: list[type]) -> None:
    """Write the workflow modules' bytecode, if it is missing or stale.

    The sandbox imports a workflow's module afresh for every workflow run; without a cached
    .pyc (``PYTHONDONTWRITEBYTECODE``, a fresh checkout) that is a compilation of the module
    each time — a third of starting a workflow. ``py_compile`` writes the cache whatever
    that setting says; a read-only installation is left as it is."""
    for workflow in workflows:
        source = getattr(sys.modules[workflow.__module__], "__file__", None)
        if not source:
            continue
        with contextlib.suppress(OSError, py_compile.PyCompileError):
            py_compile.compile(
                source,
                cfile=importlib.util.cache_from_source(source),
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP,
            )
