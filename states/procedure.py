"""The procedure as pure functions: start, check, apply, allowed triggers.

The workflow calls ``check`` in update validators, ``recheck`` and ``apply`` in handlers;
the API calls ``allowed_triggers``; property tests call them all. Same inputs, same outputs,
no I/O.
"""

from datetime import date, datetime
from typing import Any

from transitions import MachineError

from states.bounds import (
    COMMAND_BYTES_MAX,
    SMALL_GROWTH_BYTES,
    SNAPSHOT_BYTES_BUDGET,
    SNAPSHOT_BYTES_HARD_MAX,
    json_bytes,
)
from states.calendar import WorkingCalendar, local_date
from states.dates import check_dates, effective_at
from states.errors import GuardFailed, InvalidCommand, InvalidTransition, NotAllowed
from states.labels import STATE_LABELS
from states.machine import GUARD_VI, TRANSITIONS, positioned, triggers_from
from states.models import (
    NOT_RECORDED,
    Actor,
    Command,
    HistoryEntry,
    InspectionSnapshot,
    Signed,
    StartInspectionInput,
    TransitionEvent,
)
from states.rules import check_actor, check_payload
from states.triggers import EFFECTS, TRIGGERS
from states.vocabulary import (
    InspectionState,
    Trigger,
)

DECIDE = "decide"
# The snapshot keeps the latest entry of every trigger and this many recent ones; the whole
# trail is the event table. Bounded, so suspending and resuming for ever cannot grow it.
HISTORY_KEPT = 50


def start(inp: StartInspectionInput, now: datetime) -> tuple[InspectionSnapshot, TransitionEvent]:
    """The snapshot of a newly decided inspection and its first event.

    It is decided when its decision was signed (a decision entered later is backdated);
    inputs from before dates were business facts (``findings_report_step`` unset) keep the
    moment they were entered, as their histories recorded."""
    signed_on = inp.decision.signed_on if inp.findings_report_step else None
    decided_at = inp.decided_at or (
        effective_at(Signed(actor=inp.actor, signed_on=signed_on), now) if signed_on else now
    )
    fields = inp.model_dump(
        exclude={"actor", "decided_at", "calendar", "resume_from", "caller_records"}
    )
    snapshot = InspectionSnapshot(
        **fields, coordinator_id=inp.actor.user_id, decided_at=decided_at, updated_at=now
    )
    event = _record(snapshot, DECIDE, None, inp.actor, now, decision_payload(inp), signed_on)
    return snapshot, event


def decision_payload(inp: StartInspectionInput) -> dict[str, Any]:
    """What the decision's event records of the workflow's input."""
    return inp.model_dump(mode="json", exclude={"caller_records"})


def command_payload(cmd: Command) -> dict[str, Any]:
    """What a command's event records of it."""
    return cmd.model_dump(mode="json", exclude=set(NOT_RECORDED))


def last_event(s: InspectionSnapshot, actor: Actor, payload: dict[str, Any]) -> TransitionEvent:
    """The event of the change ``s`` ends with, as ``start`` or ``apply`` made it: for a caller
    that records a command it sent from the snapshot the workflow answered."""
    h = s.history[-1]
    return TransitionEvent(
        inspection_id=s.inspection_id,
        seq=h.seq,
        trigger=h.trigger,
        from_state=h.from_state,
        to_state=h.to_state,
        actor=actor,
        at=h.at,
        payload=payload,
    )


def allowed_triggers(snapshot: InspectionSnapshot, actor: Actor | None = None) -> list[Trigger]:
    """Triggers that could succeed now (for ``actor`` when given), payload aside."""
    allowed = []
    with positioned(snapshot) as case:
        for trigger in triggers_from(snapshot.state):
            if actor is not None:
                try:
                    check_actor(snapshot, trigger, actor)
                except NotAllowed:
                    continue
            if case.may_trigger(trigger.value):  # type: ignore[attr-defined]
                allowed.append(trigger)
    return allowed


def check(
    snapshot: InspectionSnapshot,
    trigger: Trigger,
    cmd: Command,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> None:
    """Raise a ``DomainError`` unless ``cmd`` may fire ``trigger`` on ``snapshot`` now.

    Who first: a caller who may never fire the trigger on this inspection hears that, not
    where the inspection stands. Then the dates it carries (``states.dates``), judged only
    here — when a command is offered — and never again when its history replays."""
    check_actor(snapshot, trigger, cmd.actor)
    recheck(snapshot, trigger, cmd, now)
    check_dates(snapshot, cmd, local_date(now), calendar or WorkingCalendar())


def recheck(snapshot: InspectionSnapshot, trigger: Trigger, cmd: Command, now: datetime) -> None:
    """``check`` without the actor: in the handler, against the state the command meets.

    Where the actor stands cannot change between acceptance and handling (the team forms
    before any team command is possible), and replaying an old history must not judge its
    actors by today's rules."""
    if trigger not in triggers_from(snapshot.state):
        allowed = [t.value for t in allowed_triggers(snapshot)]
        raise InvalidTransition(
            f"cannot {trigger} while the inspection is {snapshot.state}; "
            f"allowed now: {', '.join(allowed) or 'nothing'}",
            {"state": snapshot.state.value, "trigger": trigger.value, "allowed": allowed},
            vi=f"Không thể «{_action_vi(trigger)}» khi cuộc kiểm tra đang ở bước "
            f"«{STATE_LABELS[snapshot.state][0]}».",
        )
    # Due dates are judged against the document's own date (an office enters paper late).
    check_payload(snapshot, trigger, cmd, cmd.dated() or local_date(now))
    with positioned(snapshot) as case:
        possible = case.may_trigger(trigger.value, command=cmd)  # type: ignore[attr-defined]
    if not possible:
        raise GuardFailed(
            f"cannot {trigger} while the inspection is {snapshot.state}: "
            + "; or ".join(_guard_texts(snapshot.state, trigger)),
            {"state": snapshot.state.value, "trigger": trigger.value},
            vi=f"Chưa đủ điều kiện để «{_action_vi(trigger)}»: "
            + "; hoặc ".join(_guard_texts_vi(snapshot.state, trigger)),
        )
    check_size(snapshot, trigger, cmd, now)


# Growth of a record beyond twice the command's own text (per finding: a finding, a
# remediation item), well above what a hundred findings add.
_OVERHEAD_BYTES = 64 * 1024


def check_size(snapshot: InspectionSnapshot, trigger: Trigger, cmd: Command, now: datetime) -> None:
    """Refuse a command heavier than ``COMMAND_BYTES_MAX``, or one that would take the
    inspection's record past its budget (``states.bounds``) by more than a small step."""
    command_bytes = json_bytes(cmd)
    if command_bytes > COMMAND_BYTES_MAX:
        raise InvalidCommand(
            f"the command is too large: {command_bytes} bytes, at most {COMMAND_BYTES_MAX}",
            {"bytes": command_bytes, "limit": COMMAND_BYTES_MAX},
            vi="Nội dung gửi lên quá lớn; vui lòng rút gọn.",
        )
    before = json_bytes(snapshot)
    if before + 2 * command_bytes + _OVERHEAD_BYTES <= SNAPSHOT_BYTES_BUDGET:
        return  # far from the budget: no need to try it
    after = json_bytes(apply(snapshot, trigger, cmd, now)[0])
    if after > SNAPSHOT_BYTES_HARD_MAX or (
        after > SNAPSHOT_BYTES_BUDGET and after - before > SMALL_GROWTH_BYTES
    ):
        raise InvalidCommand(
            f"the inspection's record would grow to {after} bytes, past its limit of "
            f"{SNAPSHOT_BYTES_BUDGET}: shorten the texts or lists of this command",
            {"bytes": after, "limit": SNAPSHOT_BYTES_BUDGET},
            vi="Hồ sơ cuộc kiểm tra sẽ vượt quá dung lượng cho phép; vui lòng rút gọn nội dung.",
        )


def apply(
    snapshot: InspectionSnapshot,
    trigger: Trigger,
    cmd: Command,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> tuple[InspectionSnapshot, TransitionEvent]:
    """The snapshot after ``trigger`` and the event that records it; call ``check`` first.

    ``calendar`` counts default due dates in working days (weekdays only when omitted).
    """
    with positioned(snapshot) as case:
        try:
            moved = case.trigger(trigger.value, command=cmd)  # type: ignore[attr-defined]
        except MachineError as exc:  # check() was skipped or the snapshot moved on
            raise InvalidTransition(str(exc), {"state": snapshot.state.value}) from exc
        if not moved:  # no guard let it through: never apply effects of a refused trigger
            raise GuardFailed(f"cannot {trigger} while the inspection is {snapshot.state}")
        dest = InspectionState(case.state)
    after = snapshot.model_copy(deep=True)
    # Effects see the moment of the document or act (deadlines count from its date).
    EFFECTS[trigger](after, cmd, effective_at(cmd, now), calendar or WorkingCalendar())
    after.state = dest
    after.updated_at = now
    payload = command_payload(cmd)
    event = _record(after, trigger.value, snapshot.state, cmd.actor, now, payload, cmd.dated())
    return after, event


def _record(
    snapshot: InspectionSnapshot,
    trigger: str,
    source: InspectionState | None,
    actor: Actor,
    now: datetime,
    payload: dict[str, Any],
    on: date | None = None,
) -> TransitionEvent:
    """Append a history entry to ``snapshot`` (in place) and return the matching event."""
    snapshot.seq += 1
    snapshot.history.append(
        HistoryEntry(
            seq=snapshot.seq,
            trigger=trigger,
            from_state=source,
            to_state=snapshot.state,
            actor_id=actor.user_id,
            actor_role=actor.role,
            at=now,
            on=on,
        )
    )
    if len(snapshot.history) > HISTORY_KEPT:
        snapshot.history = _pruned(snapshot.history)
    return TransitionEvent(
        inspection_id=snapshot.inspection_id,
        seq=snapshot.seq,
        trigger=trigger,
        from_state=source,
        to_state=snapshot.state,
        actor=actor,
        at=now,
        payload=payload,
    )


def _pruned(history: list[HistoryEntry]) -> list[HistoryEntry]:
    """The last ``HISTORY_KEPT`` entries and the latest entry of every trigger (deadlines
    count from the last notice, report … whatever came after)."""
    latest = {h.trigger: h.seq for h in history}
    recent = history[-HISTORY_KEPT:][0].seq
    return [h for h in history if h.seq >= recent or latest[h.trigger] == h.seq]


def _action_vi(trigger: Trigger) -> str:
    spec = TRIGGERS.get(trigger)
    return spec.label.vi if spec else trigger.value


def _guard_vi(name: str) -> str:
    if name.startswith("was_"):  # resume: back to the step it was suspended at
        state = InspectionState(name.removeprefix("was_"))
        return f"cuộc kiểm tra đã tạm dừng ở bước «{STATE_LABELS[state][0]}»"
    return GUARD_VI.get(name, name)


def _guard_texts_vi(state: InspectionState, trigger: Trigger) -> list[str]:
    texts = []
    for t in TRANSITIONS:
        if t["trigger"] == trigger.value and t["source"] == state.value:
            docs = [_guard_vi(g.__name__) for g in t["conditions"]]
            texts.append(" và ".join(docs))
    return texts


def _guard_texts(state: InspectionState, trigger: Trigger) -> list[str]:
    texts = []
    for t in TRANSITIONS:
        if t["trigger"] == trigger.value and t["source"] == state.value:
            docs = [(g.__doc__ or g.__name__).strip().rstrip(".") for g in t["conditions"]]
            texts.append(f"to reach {t['dest']}: " + " and ".join(docs))
    return texts
