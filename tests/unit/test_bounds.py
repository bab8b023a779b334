"""Declared bounds: texts, lists, and what one command and one inspection's record may weigh."""

import time

import pytest
from pydantic import ValidationError

from states import procedure
from states.bounds import (
    COMMAND_BYTES_MAX,
    CRITERIA_MAX,
    EXTENSIONS_MAX,
    FINDINGS_MAX,
    NOTE_MAX,
    SNAPSHOT_BYTES_BUDGET,
    SNAPSHOT_BYTES_HARD_MAX,
    json_bytes,
)
from states.errors import InvalidCommand
from states.models import (
    ChecklistResult,
    Command,
    ConcludeInput,
    Decision,
    DisputeInput,
    InspectionSnapshot,
    RecordVisitInput,
    RemediationOrder,
    RemediationReportItem,
    ReportRemediationInput,
    RequestExtensionInput,
    StartInspectionInput,
    SuspendInput,
    TeamMember,
    Verification,
    VerifyInput,
)
from states.vocabulary import CheckResult, InspectionKind, Trigger, VerificationOutcome
from tests.unit.builders import (
    COORDINATOR,
    DECISION_MAKER,
    LEADER,
    MEMBER,
    ON_SITE_PATH,
    STEP,
    T0,
    UNIT_REP,
    WEEKDAYS,
    good_command,
    reach,
    run,
    start_input,
)

T = Trigger
PLANNED = InspectionKind.PLANNED
# A Vietnamese letter that takes three bytes, and one that takes four (outside the BMP).
VI = "ệ"
WIDE = "𠀀"


@pytest.mark.parametrize("bad", ["a\nb", "a\rb", "a\x00b", "a\x1bb", "a\u2028b", "a\x85b", "\x7f"])
def test_single_line_fields_refuse_line_breaks_and_controls(bad: str) -> None:
    with pytest.raises(ValidationError, match="not allowed"):
        StartInspectionInput.model_validate(start_input().model_dump() | {"title": bad})
    with pytest.raises(ValidationError):
        Decision(number=bad)
    with pytest.raises(ValidationError):
        TeamMember(user_id="u", name=bad)


def test_multi_line_texts_keep_line_breaks_but_refuse_controls() -> None:
    cmd = SuspendInput(actor=COORDINATOR, reason="Dòng một\r\nDòng hai\tcột")
    assert "\n" in cmd.reason
    for bad in ("a\x00b", "a\x08b", "a\u2029b"):
        with pytest.raises(ValidationError, match="not allowed"):
            SuspendInput(actor=COORDINATOR, reason=bad)


def test_every_text_has_a_size() -> None:
    with pytest.raises(ValidationError):
        SuspendInput(actor=COORDINATOR, reason="x" * (NOTE_MAX + 1))
    with pytest.raises(ValidationError):
        StartInspectionInput.model_validate(start_input().model_dump() | {"title": "x" * 501})
    assert SuspendInput(actor=COORDINATOR, reason=VI * NOTE_MAX).reason


def test_lists_are_bounded_before_any_check_runs() -> None:
    """120,000 finding numbers are refused by the schema, at once — no quadratic check."""
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="at most 100 items"):
        DisputeInput(actor=UNIT_REP, finding_nos=list(range(1, 120_001)), explanation="x")
    assert time.perf_counter() - started < 5  # generous: only "not minutes"
    with pytest.raises(ValidationError):
        RecordVisitInput(
            actor=LEADER,
            results=[ChecklistResult(criterion="WH-01", result=CheckResult.COMPLIANT)]
            * (CRITERIA_MAX + 1),
        )


def test_duplicates_are_named_in_linear_time() -> None:
    snapshot = reach("remediation_requested", PLANNED)
    twice = DisputeInput(actor=UNIT_REP, finding_nos=[1] * FINDINGS_MAX, explanation="x")
    with pytest.raises(InvalidCommand, match="named twice") as info:
        procedure.check(snapshot, T.DISPUTE, twice, snapshot.updated_at + STEP)
    assert info.value.detail == {"finding_nos": [1]}


def test_extension_requests_are_capped() -> None:
    snapshot = reach("remediating", PLANNED)
    now = snapshot.updated_at
    for n in range(EXTENSIONS_MAX):
        now += STEP
        ask = RequestExtensionInput(
            actor=UNIT_REP,
            finding_no=1,
            due_on=WEEKDAYS.add_working_days(T0.date(), 70 + n),
            reason="cần thêm thời gian",
        )
        procedure.check(snapshot, T.REQUEST_EXTENSION, ask, now)
        snapshot, _ = procedure.apply(snapshot, T.REQUEST_EXTENSION, ask, now)
        refuse = good_command(snapshot, T.DECIDE_EXTENSION).model_copy(update={"grant": False})
        snapshot, _ = procedure.apply(snapshot, T.DECIDE_EXTENSION, refuse, now)
    one_more = ask.model_copy(update={"due_on": WEEKDAYS.add_working_days(T0.date(), 300)})
    with pytest.raises(InvalidCommand, match=f"at most {EXTENSIONS_MAX}"):
        procedure.check(snapshot, T.REQUEST_EXTENSION, one_more, now + STEP)


def largest_result(code: str) -> ChecklistResult:
    """A result carrying the most text the schema allows, in four-byte characters."""
    return ChecklistResult(
        criterion=code,
        result=CheckResult.NON_COMPLIANT,
        note=WIDE * NOTE_MAX,
        evidence=[WIDE * 500] * 10,
        people=[WIDE * 200] * 20,
    )


def test_a_command_too_heavy_is_refused_before_anything_changes() -> None:
    snapshot = reach("on_site", PLANNED)
    codes = [f"XX-{n:02d}" for n in range(CRITERIA_MAX)]
    wide = snapshot.model_copy(update={"checklist": codes})
    heavy = RecordVisitInput(actor=LEADER, results=[largest_result(c) for c in codes])
    assert json_bytes(heavy) > COMMAND_BYTES_MAX
    with pytest.raises(InvalidCommand, match="command is too large") as info:
        procedure.check(wide, T.RECORD_VISIT, heavy, snapshot.updated_at + STEP)
    assert info.value.detail["limit"] == COMMAND_BYTES_MAX


def heavy(snapshot: InspectionSnapshot, trigger: Trigger, n: int) -> Command:
    """The heaviest command of ``trigger`` the schema lets through, for ``snapshot``."""
    text = WIDE * NOTE_MAX
    match trigger:
        case T.RECORD_VISIT:
            per_result = json_bytes(largest_result("XX-00"))
            fitting = COMMAND_BYTES_MAX // per_result - 1
            return RecordVisitInput(
                actor=LEADER, results=[largest_result(c) for c in snapshot.checklist[:fitting]]
            )
        case T.CONCLUDE:
            return ConcludeInput(
                actor=DECISION_MAKER,
                summary=WIDE * 4000,
                orders=[
                    RemediationOrder(
                        finding_no=f.no, action=text, discipline_recommended=[WIDE * 200] * 20
                    )
                    for f in snapshot.findings
                ],
            )
        case T.REQUEST_EXTENSION:
            ask = good_command(snapshot, trigger)
            assert isinstance(ask, RequestExtensionInput)
            later = WEEKDAYS.add_working_days(ask.due_on, n)
            return ask.model_copy(update={"reason": text, "due_on": later})
        case T.DECIDE_EXTENSION:
            return good_command(snapshot, trigger).model_copy(update={"grant": False, "note": text})
        case T.REPORT_REMEDIATION:
            return ReportRemediationInput(
                actor=UNIT_REP,
                items=[
                    RemediationReportItem(
                        finding_no=no, report=WIDE * 4000, evidence=[WIDE * 500] * 10
                    )
                    for no in [f.no for f in snapshot.findings if f.status.value == "acknowledged"]
                ],
            )
        case T.VERIFY:
            last = snapshot.cycle == snapshot.policy.max_cycles
            outcome = VerificationOutcome.RESOLVED if last else VerificationOutcome.UNRESOLVED
            return VerifyInput(
                actor=MEMBER,
                results=[
                    Verification(finding_no=f.no, outcome=outcome, note=text)
                    for f in snapshot.findings
                    if f.status.value == "reported"
                ],
            )
    return good_command(snapshot, trigger)


def test_the_largest_commands_fill_the_record_and_the_inspection_still_moves_on() -> None:
    """Send the heaviest commands the schema allows at every step (three cycles, twenty
    extension requests): the record never passes its hard limit, the budget refuses what
    would make it heavier, and the same step with ordinary texts is still accepted — through
    to closure."""
    codes = [f"XX-{n:02d}" for n in range(CRITERIA_MAX)]
    on_site = run(PLANNED, *ON_SITE_PATH[PLANNED], max_cycles=3)
    snapshot = on_site.model_copy(update={"checklist": codes})
    cycle = [T.ACKNOWLEDGE, T.REPORT_REMEDIATION, T.SCHEDULE_REINSPECTION, T.VERIFY]
    now = snapshot.updated_at
    refused = []
    steps = [
        T.RECORD_VISIT,
        T.CONCLUDE,
        *[T.REQUEST_EXTENSION, T.DECIDE_EXTENSION] * EXTENSIONS_MAX,
        *cycle * 3,
    ]
    for n, trigger in enumerate(steps):
        now += STEP
        for cmd in (heavy(snapshot, trigger, n), good_command(snapshot, trigger)):
            try:
                procedure.check(snapshot, trigger, cmd, now)
            except InvalidCommand as error:
                assert "limit" in error.message, error.message
                refused.append(trigger)
                continue
            snapshot, _ = procedure.apply(snapshot, trigger, cmd, now)
            assert json_bytes(snapshot) <= SNAPSHOT_BYTES_HARD_MAX
            break
        else:
            raise AssertionError(f"{trigger} refused even with ordinary texts")
    assert snapshot.state.value == "closed"
    assert refused, "the budget was never reached: the test does not test it"


def test_a_snapshot_at_its_budget_still_takes_small_commands() -> None:
    """Near the limit the record refuses what would make it heavier, never what moves the
    inspection on."""
    snapshot = reach("remediating", PLANNED)
    padding = SNAPSHOT_BYTES_BUDGET - json_bytes(snapshot) + 100
    full = snapshot.model_copy(update={"legal_basis": "x" * padding})  # forced past the budget
    now = full.updated_at + STEP
    heavy_report = heavy(full, T.REPORT_REMEDIATION, 0)
    with pytest.raises(InvalidCommand, match="limit"):
        procedure.check(full, T.REPORT_REMEDIATION, heavy_report, now)
    procedure.check(full, T.REPORT_REMEDIATION, good_command(full, T.REPORT_REMEDIATION), now)
    procedure.check(full, T.SUSPEND, SuspendInput(actor=COORDINATOR, reason=VI * NOTE_MAX), now)
