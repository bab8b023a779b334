"""What ``testkit.chaos`` checks during and after a run (the faults are ``testkit.chaos_faults``).

The checks compare three records of one run that must agree: each workflow's final snapshot
and history (Temporal), the read model, event table and outbox (SQL), and the SMTP mailbox.
"""

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select
from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from activities.mailer import message_id_for
from activities.names import inspection_workflow_id
from states.models import InspectionSnapshot
from states.vocabulary import InspectionState, NoticeKind
from store.outbox import Channel, Delivery
from store.queries import snapshot_of
from store.tables import Event, Inspection, Notification
from testkit.common import figure
from testkit.lifecycle import DIRECT_STEPS, HTTP_STEPS
from testkit.lifecycle import START_BODY as START
from worker.settings import WorkerSettings
from workflows.inspection import InspectionWorkflow

if TYPE_CHECKING:
    from testkit.chaos import ChaosRun

EXPECTED_TRIGGERS = Counter(["decide", *(name for name, _ in DIRECT_STEPS)])
# Announcements every closed lifecycle sends once, by e-mail to the unit's representative.
ANNOUNCED = (NoticeKind.NOTICE_ISSUED.value, NoticeKind.CONCLUSION_ISSUED.value)
SENDER = WorkerSettings.model_fields["smtp_from"].default


@dataclass(frozen=True)
class Survival:
    """What must come back unchanged from a dev-server restart."""

    status: str
    state: str
    open_timers: tuple[tuple[str, float], ...]
    agenda: str


async def survival(client: Client, inspection_id: str, timeout: float = 120) -> Survival:
    """Status, state, open timers (from history) and agenda of one running inspection."""
    handle = client.get_workflow_handle(inspection_workflow_id(inspection_id))
    deadline = time.monotonic() + timeout
    while True:
        try:
            # Queries need a worker; one may be restarting.
            async with asyncio.timeout(15):
                description = await handle.describe()
                snapshot = await handle.query(InspectionWorkflow.get_snapshot)
                agenda = await handle.query(InspectionWorkflow.get_agenda)
                timers = await open_timers(handle)
            return Survival(
                status=description.status.name if description.status else "",
                state=snapshot.state.value,
                open_timers=timers,
                agenda=json.dumps([a.model_dump(mode="json") for a in agenda], sort_keys=True),
            )
        except (RPCError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1)


async def open_timers(handle: WorkflowHandle[Any, Any]) -> tuple[tuple[str, float], ...]:
    """Timers started and neither fired nor cancelled: (id, seconds to fire)."""
    started: dict[str, float] = {}
    async for e in handle.fetch_history_events():
        if e.HasField("timer_started_event_attributes"):
            a = e.timer_started_event_attributes
            started[a.timer_id] = a.start_to_fire_timeout.ToTimedelta().total_seconds()
        elif e.HasField("timer_fired_event_attributes"):
            started.pop(e.timer_fired_event_attributes.timer_id, None)
        elif e.HasField("timer_canceled_event_attributes"):
            started.pop(e.timer_canceled_event_attributes.timer_id, None)
    return tuple(sorted(started.items()))


async def history_commands(handle: WorkflowHandle[Any, Any]) -> list[str]:
    """The updates the workflow completed successfully, in order (``opened`` left out)."""
    names: dict[str, str] = {}
    done: list[str] = []
    async for e in handle.fetch_history_events():
        if e.HasField("workflow_execution_update_accepted_event_attributes"):
            request = e.workflow_execution_update_accepted_event_attributes.accepted_request
            names[request.meta.update_id] = request.input.name
        elif e.HasField("workflow_execution_update_completed_event_attributes"):
            completed = e.workflow_execution_update_completed_event_attributes
            name = names.get(completed.meta.update_id, "?")
            if completed.outcome.HasField("success") and name != "opened":
                done.append(name)
    return done


async def idempotency_phase(run: "ChaosRun") -> dict[str, float]:
    """Fifty identical requests are one effect; fifty keys racing for one step get one 200.

    Over the real processes, with the faults stopped: 50 starts with one key, 50 team
    formations with one key, 50 notices with 50 keys; then the lifecycle is finished."""
    n = run.cfg.idempotency_requests
    key = f"chaos-{run.cfg.seed}-idempotency"
    started, timeouts = time.monotonic(), run.counters.transport_errors

    async def send(who: str, path: str, body: Any, same: str) -> tuple[int, Any, int]:
        try:
            return await run.send(who, path, body, same, run.cfg.idempotency_deadline)
        except Exception as lost:  # CommandLost: counted below as neither 200 nor 409
            run.counters.unexpected_answers.append(f"{path}: {lost}")
            return 0, None, 0

    starts = await asyncio.gather(
        *(send("coordinator", "/inspections", START, f"{key}-start") for _ in range(n))
    )
    ids = {doc["inspection_id"] for status, doc, _ in starts if status == 201}
    if len(ids) != 1:
        run.counters.lifecycles_failed.append(f"idempotency: {n} starts with one key made {ids}")
        return {"idempotency_requests": 3 * n}
    (iid,) = ids
    run.ids.append(iid)
    team, notice = HTTP_STEPS[0], HTTP_STEPS[1]
    same = await asyncio.gather(
        *(
            send(team.who, f"/inspections/{iid}/{team.path}", team.body, f"{key}-0")
            for _ in range(n)
        )
    )
    racers = await asyncio.gather(
        *(
            send(notice.who, f"/inspections/{iid}/{notice.path}", notice.body, f"{key}-1-{j}")
            for j in range(n)
        )
    )
    # No faults now: these show an API that stalls under the burst itself.
    bursts = {
        "idempotency_seconds": round(time.monotonic() - started, 3),
        "idempotency_transport_errors": run.counters.transport_errors - timeouts,
    }
    with Session(run.engine) as session:
        triggers = Counter(
            session.exec(select(Event.trigger).where(Event.inspection_id == iid)).all()
        )
    try:
        for i, step in enumerate(HTTP_STEPS[2:], start=2):
            path = f"/inspections/{iid}/{step.path}"
            await run.command(step.who, path, step.body, f"{key}-{i}", iid, i + 2)
    except Exception as lost:
        run.counters.lifecycles_failed.append(f"idempotency lifecycle: {lost}")
    return {
        "idempotency_requests": 3 * n,
        "idempotency_same_key_ok": sum(s in (200, 201) for s, _, _ in [*starts, *same]),
        "idempotency_same_key_effects": triggers["decide"] + triggers["form_team"],
        "idempotency_distinct_accepted": sum(s == 200 for s, _, _ in racers),
        "idempotency_distinct_409": sum(s == 409 for s, _, _ in racers),
        "idempotency_distinct_effects": triggers["send_notice"],
        **bursts,
    }


@dataclass
class Verdict:
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def add(self, name: str, value: int = 1, problem: str = "") -> None:
        self.counts[name] = self.counts.get(name, 0) + value
        if problem and value:
            self.problems.append(problem)


async def final_snapshot(client: Client, inspection_id: str, until: float) -> Any:
    """The workflow's result once it completes (None if it does not by ``until``)."""
    handle = client.get_workflow_handle_for(
        InspectionWorkflow.run, inspection_workflow_id(inspection_id)
    )
    try:
        return await asyncio.wait_for(handle.result(), max(1.0, until - time.monotonic()))
    except Exception:  # not finished in time, or failed: either way not completed
        return None


async def verify(run: "ChaosRun") -> Verdict:
    """Wait for every workflow to finish, then count what disagrees (see the module doc)."""
    assert run.client is not None
    client = run.client
    until = time.monotonic() + run.cfg.settle_timeout
    gate = asyncio.Semaphore(20)

    async def settle(iid: str) -> tuple[Any, list[str]]:
        async with gate:
            final = await final_snapshot(client, iid, until)
            handle = client.get_workflow_handle(inspection_workflow_id(iid))
            return final, await history_commands(handle) if final is not None else []

    settled = await asyncio.gather(*(settle(iid) for iid in run.ids))
    v = Verdict()
    for name in ("completed", "read_model_mismatches", "events_missing", "events_duplicated"):
        v.add(name, 0)
    v.add("history_mismatches", 0)
    with Session(run.engine) as session:
        for iid, (final, history) in zip(run.ids, settled, strict=True):
            check_inspection(session, v, iid, final, history)
    v.add("lost", run.cfg.inspections + 1 - v.counts["completed"])
    check_outbox(run, v)
    return v


def check_inspection(
    session: Session,
    v: Verdict,
    iid: str,
    final: InspectionSnapshot | None,
    history: list[str],
) -> None:
    """Read model against the final snapshot; event rows against the workflow's history."""
    if final is None:
        v.problems.append(f"{iid}: the workflow did not complete")
        return
    closed = final.state is InspectionState.CLOSED
    v.add("completed", closed)
    if not closed:
        v.problems.append(f"{iid} ended {final.state}")
    stored = snapshot_of(session, iid)
    row = session.get(Inspection, iid)
    same = (
        stored is not None
        and row is not None
        and stored.model_dump(mode="json") == final.model_dump(mode="json")
        and (row.state, row.seq) == (final.state.value, final.seq)
    )
    v.add("read_model_mismatches", not same, f"{iid}: read model differs from the workflow")
    rows = session.exec(
        select(Event).where(Event.inspection_id == iid).order_by(col(Event.seq))
    ).all()
    seqs = [e.seq for e in rows]
    have = Counter(e.trigger for e in rows)
    gaps = len(set(range(1, final.seq + 1)) - set(seqs))
    missing = max(gaps, sum((EXPECTED_TRIGGERS - have).values()))
    extra = max(len(seqs) - len(set(seqs)), sum((have - EXPECTED_TRIGGERS).values()))
    v.add("events_missing", missing, f"{iid}: {missing} events missing: {seqs}")
    v.add("events_duplicated", extra, f"{iid}: {extra} events twice: {dict(have)}")
    triggers = [e.trigger for e in rows[1:]]
    v.add("history_mismatches", triggers != history, f"{iid}: events {triggers} != {history}")


def check_outbox(run: "ChaosRun", v: Verdict) -> None:
    """The outbox against the lifecycles and the mailbox against the outbox."""
    with Session(run.engine) as session:
        rows = session.exec(select(Notification)).all()
    ids = set(run.ids)
    ours = [r for r in rows if r.inspection_id in ids]
    emails = [r for r in rows if r.channel == Channel.EMAIL.value]
    sent = {message_id_for(r.key, SENDER): r for r in emails if r.status == Delivery.SENT.value}
    v.add("notifications", len(ours))
    ours_emails = [r for r in ours if r.channel == Channel.EMAIL.value]
    v.add("emails", len(ours_emails))
    v.add("emails_sent", sum(r.status == Delivery.SENT.value for r in ours_emails))
    unsent = [r.key for r in emails if r.status != Delivery.SENT.value]
    v.add("emails_unsent", len(unsent), f"e-mails never sent: {unsent[:5]}")
    # The key is unique in the table; a command applied twice would make a second key.
    logical = Counter(
        (r.inspection_id, r.kind, r.recipient_user_id, r.channel)
        for r in ours
        if r.kind in ANNOUNCED
    )
    twice = sum(c - 1 for c in logical.values())
    keys = len(rows) - len({r.key for r in rows})
    # Every closed lifecycle announces its notice and its conclusion by e-mail exactly once.
    announced = {k[:2] for k in logical if k[3] == Channel.EMAIL.value}
    missing = 2 * v.counts["completed"] - len(announced)
    v.add("notifications_missing", max(0, missing), f"{missing} announcements missing")
    delivered = Counter(str(m["Message-ID"]) for m in run.mailbox.messages)
    unknown = [m for m in delivered if m not in sent]
    lost = [m for m in sent if m not in delivered]
    v.add("mailbox_messages", len(run.mailbox.messages))
    v.add("mailbox_distinct", len(delivered))
    v.add("duplicated_deliveries_same_id", sum(c - 1 for c in delivered.values()))
    v.add("mailbox_missing", len(lost), f"sent e-mails not in the mailbox: {lost[:5]}")
    v.add("mailbox_unknown", len(unknown), f"mailbox messages with no sent row: {unknown[:5]}")
    distinct = twice + keys + len(unknown)
    v.add("duplicated_distinct", distinct, f"{distinct} notifications duplicated")


# Figures that must be zero, and what the idempotency phase must have counted.
MUST_BE_ZERO = (
    "lost",
    "lifecycles_failed",
    "http_500",
    "unexpected_answers",
    "read_model_mismatches",
    "events_missing",
    "events_duplicated",
    "history_mismatches",
    "notifications_missing",
    "emails_unsent",
    "mailbox_missing",
    "mailbox_unknown",
    "duplicated_distinct",
    "timers_lost",
)


def failures(figures: dict[str, Any]) -> list[str]:
    """Every broken invariant among a result's figures, as one line each."""
    value = {k: f["value"] for k, f in figures.items()}
    broken = [f"{k} = {value[k]}" for k in MUST_BE_ZERO if value.get(k, 0) != 0]
    n = value["idempotency_requests"] // 3
    expected = {
        "idempotency_same_key_ok": 2 * n,
        "idempotency_same_key_effects": 2,
        "idempotency_distinct_accepted": 1,
        "idempotency_distinct_409": n - 1,
        "idempotency_distinct_effects": 1,
    }
    broken += [f"{k} = {value.get(k)}, not {e}" for k, e in expected.items() if value.get(k) != e]
    if value["completed"] != value["runs"]:
        broken.append(f"completed {value['completed']} of {value['runs']}")
    return broken


def report(
    run: "ChaosRun", idempotency: dict[str, float], verdict: Verdict, elapsed: float
) -> dict[str, Any]:
    """The benchmark object (figures with units) and the problems, one line each."""
    c = run.counters
    counted = {f.name: getattr(c, f.name) for f in fields(c)}
    figures = {
        "runs": figure(run.cfg.inspections + 1, "count"),  # and the idempotency inspection
        **{
            name: figure(len(v) if isinstance(v, list) else v, unit(name))
            for name, v in [*counted.items(), *idempotency.items(), *verdict.counts.items()]
        },
        "elapsed_s": figure(elapsed, "s"),
    }
    cfg = run.cfg
    return {
        "name": cfg.name,
        "parameters": {
            "inspections": cfg.inspections,
            "seed": cfg.seed,
            "database": cfg.database,
            "workers": cfg.workers,
            "apis": cfg.apis,
        },
        "figures": figures,
        "problems": [
            *c.lifecycles_failed,
            *c.unexpected_answers,
            *run.errors,
            *c.timers_lost,
            *verdict.problems,
        ],
    }


def unit(name: str) -> str:
    return "s" if name.endswith("seconds") else "count"
