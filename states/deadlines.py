"""Open deadlines of an inspection and the agenda of reminders and escalations they imply.

Pure: the workflow asks for the agenda after every change and sleeps until its next item.
Deadlines are not states; each has a due date counted in working days, reminders before it,
an overdue moment after it and an escalation every interval while it stays overdue.
"""

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from pydantic import Field

from states.calendar import VN_TZ, WorkingCalendar, local_date
from states.contract import Contract
from states.dates import step_at
from states.models import Command, InspectionSnapshot, NotifyInput, TeamMember
from states.policies import CountIn, EscalationLevel
from states.sides import is_secret
from states.vocabulary import (
    Audience,
    ExtensionStatus,
    InspectionState,
    NoticeKind,
    RemediationStatus,
    Trigger,
)

S = InspectionState

# Reminders and escalations go out at the start of the office day; overdue starts at midnight.
OFFICE_MORNING = time(8, 0)

_CHAIN_AUDIENCE = {
    EscalationLevel.UNIT_REP: Audience.UNIT,
    EscalationLevel.HEAD_OF_UNIT: Audience.HEAD_OF_UNIT,
    EscalationLevel.COORDINATOR: Audience.COORDINATOR,
    EscalationLevel.DECISION_MAKER: Audience.DECISION_MAKER,
}
_UNIT_LEVELS = frozenset({EscalationLevel.UNIT_REP, EscalationLevel.HEAD_OF_UNIT})


class DeadlineKind(StrEnum):
    VISIT = "visit"  # the announced visit date
    ON_SITE = "on_site"  # end of the on-site check (Decree 217 Art. 13)
    FINDINGS_REPORT = "findings_report"  # the team leader's report to the decision-maker
    CONCLUSION = "conclusion"  # findings report + conclusion notice
    ACKNOWLEDGEMENT = "acknowledgement"  # the unit accepts or explains
    REMEDIATION = "remediation"  # one per finding and cycle
    REINSPECTION = "reinspection"  # scheduling the verification
    VERIFICATION = "verification"  # the verification re-inspection itself


# Deadlines the unit owns: their escalation walks the unit's chain first.
UNIT_DEADLINES = frozenset({DeadlineKind.ACKNOWLEDGEMENT, DeadlineKind.REMEDIATION})


class Deadline(Contract):
    key: str = Field(description="stable per deadline, e.g. remediation:2:1")
    kind: DeadlineKind
    due_on: date
    since: datetime = Field(description="when it opened; nothing before it is ever sent")
    audiences: list[Audience]
    finding_no: int | None = None


class AgendaItem(Contract):
    at: datetime
    action: NoticeKind
    step: int = Field(description="reminder: working days before; escalation: chain level")
    deadline: Deadline
    audiences: list[Audience]

    @property
    def key(self) -> str:
        """Unique per deadline version: moving a due date makes new keys, old ones never fire."""
        return f"{self.deadline.key}@{self.deadline.due_on}:{self.action}:{self.step}"


def morning(day: date) -> datetime:
    return datetime.combine(day, OFFICE_MORNING, VN_TZ)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), VN_TZ)


def _add(calendar: WorkingCalendar, start: datetime, days: int, count_in: CountIn) -> date:
    day = local_date(start)
    if count_in is CountIn.CALENDAR:
        return day + timedelta(days=days)
    return calendar.add_working_days(day, days)


def _last_at(s: InspectionSnapshot, trigger: str) -> datetime:
    return next((step_at(h) for h in reversed(s.history) if h.trigger == trigger), s.updated_at)


def open_deadlines(s: InspectionSnapshot, calendar: WorkingCalendar) -> list[Deadline]:
    """What is due in the inspection's current state, with the date each falls due."""
    p = s.policy
    if s.state is S.TEAM_FORMED or s.state is S.NOTIFIED:
        if s.visit_planned_on is None:
            return []
        return [
            Deadline(
                key="visit",
                kind=DeadlineKind.VISIT,
                due_on=s.visit_planned_on,
                since=_last_at(s, "send_notice"),
                audiences=[Audience.TEAM],
            )
        ]
    if s.state is S.ON_SITE and s.visit.started_at is not None:
        limit = p.on_site.limit(s.unit_level)
        days = limit.days + (limit.extension_days if s.on_site_extended else 0)
        return [
            Deadline(
                key="on_site",
                kind=DeadlineKind.ON_SITE,
                due_on=_add(calendar, s.visit.started_at, days, p.on_site.count_in),
                since=s.visit.started_at,
                audiences=[Audience.TEAM],
            )
        ]
    if s.state is S.VISITED and s.visit.ended_at is not None and s.findings_report_step:
        return [
            Deadline(
                key="findings_report",
                kind=DeadlineKind.FINDINGS_REPORT,
                due_on=calendar.add_working_days(
                    local_date(s.visit.ended_at), p.findings_report_days
                ),
                since=s.visit.ended_at,
                audiences=[Audience.TEAM],
            )
        ]
    if s.state is S.FINDINGS_REPORTED and s.findings_reported_at is not None:
        return [
            Deadline(
                key="conclusion",
                kind=DeadlineKind.CONCLUSION,
                due_on=calendar.add_working_days(
                    local_date(s.findings_reported_at), p.conclusion_days
                ),
                since=s.findings_reported_at,
                audiences=[Audience.COORDINATOR, Audience.DECISION_MAKER],
            )
        ]
    if s.state is S.VISITED and s.visit.ended_at is not None:
        days = p.findings_report_days + p.conclusion_days
        return [
            Deadline(
                key="conclusion",
                kind=DeadlineKind.CONCLUSION,
                due_on=calendar.add_working_days(local_date(s.visit.ended_at), days),
                since=s.visit.ended_at,
                audiences=[Audience.COORDINATOR, Audience.DECISION_MAKER],
            )
        ]
    if s.state in (S.REMEDIATION_REQUESTED, S.REMEDIATING):
        return _remediation_deadlines(s, calendar)
    if s.state is S.REMEDIATION_REPORTED:
        reported = max((r.reported_at for r in s.current_items() if r.reported_at), default=None)
        reported = reported or s.updated_at
        return [
            Deadline(
                key=f"reinspection:{s.cycle}",
                kind=DeadlineKind.REINSPECTION,
                due_on=calendar.add_working_days(local_date(reported), p.reinspection_window_days),
                since=reported,
                audiences=[Audience.COORDINATOR],
            )
        ]
    if s.state is S.REINSPECTING:
        scheduled = _last_at(s, "schedule_reinspection")
        due = s.reinspection_planned_on or calendar.add_working_days(
            local_date(scheduled), p.reinspection_window_days
        )
        return [
            Deadline(
                key=f"verification:{s.cycle}",
                kind=DeadlineKind.VERIFICATION,
                due_on=due,
                since=scheduled,
                audiences=[Audience.TEAM],
            )
        ]
    return []


def _remediation_deadlines(s: InspectionSnapshot, calendar: WorkingCalendar) -> list[Deadline]:
    requested = s.requested_at or s.updated_at
    deadlines = []
    if s.state is S.REMEDIATION_REQUESTED:
        deadlines.append(
            Deadline(
                key=f"acknowledgement:{s.cycle}",
                kind=DeadlineKind.ACKNOWLEDGEMENT,
                due_on=calendar.add_working_days(
                    local_date(requested), s.policy.acknowledgement_days
                ),
                since=requested,
                audiences=[Audience.UNIT],
            )
        )
    for item in s.current_items():
        if item.status is RemediationStatus.OPEN:
            deadlines.append(
                Deadline(
                    key=f"remediation:{item.finding_no}:{item.cycle}",
                    kind=DeadlineKind.REMEDIATION,
                    due_on=item.due_on,
                    since=item.due_set_at or requested,
                    audiences=[Audience.UNIT],
                    finding_no=item.finding_no,
                )
            )
    return deadlines


def _chain(s: InspectionSnapshot, deadline: Deadline) -> list[Audience]:
    """Who hears of an overdue deadline, level by level."""
    levels = s.policy.escalation_chain
    if deadline.kind not in UNIT_DEADLINES:
        levels = [lvl for lvl in levels if lvl not in _UNIT_LEVELS]
    return [_CHAIN_AUDIENCE[lvl] for lvl in levels]


# After a backdated step, what fell due before it was entered waits this long: an office
# entering last month's paper step after step hears of no deadline its next step meets.
BACKDATED_GRACE = timedelta(minutes=30)


def held_until(s: InspectionSnapshot) -> datetime | None:
    """Until when the agenda holds back after the last step, if it was backdated."""
    last = s.history[-1] if s.history else None
    if last is None or last.on is None or last.on >= local_date(last.at):
        return None
    return last.at + BACKDATED_GRACE


def agenda(
    s: InspectionSnapshot, calendar: WorkingCalendar, horizon_escalations: int = 12
) -> list[AgendaItem]:
    """Every reminder, overdue notice and escalation of the open deadlines, in time order."""
    items = _agenda(s, calendar, horizon_escalations)
    hold = held_until(s)
    if hold is not None:
        items = [i.model_copy(update={"at": max(i.at, hold)}) for i in items]
    return sorted(items, key=lambda i: (i.at, i.key))


def _agenda(
    s: InspectionSnapshot, calendar: WorkingCalendar, horizon_escalations: int
) -> list[AgendaItem]:
    items: list[AgendaItem] = []
    for deadline in open_deadlines(s, calendar):
        for offset in s.policy.reminder_offsets:
            at = morning(calendar.subtract_working_days(deadline.due_on, offset))
            if at >= deadline.since and local_date(at) < deadline.due_on:
                items.append(
                    AgendaItem(
                        at=at,
                        action=NoticeKind.REMINDER,
                        step=offset,
                        deadline=deadline,
                        audiences=deadline.audiences,
                    )
                )
        chain = _chain(s, deadline)
        overdue_at = midnight(deadline.due_on + timedelta(days=1))
        items.append(
            AgendaItem(
                at=max(overdue_at, deadline.since),
                action=NoticeKind.OVERDUE,
                step=0,
                deadline=deadline,
                audiences=sorted({*deadline.audiences, *chain[:1]}),
            )
        )
        day = local_date(overdue_at)
        for level in range(1, min(len(chain), horizon_escalations + 1)):
            day = calendar.add_working_days(day, s.policy.escalation_interval_days)
            items.append(
                AgendaItem(
                    at=max(morning(day), deadline.since),
                    action=NoticeKind.ESCALATION,
                    step=level,
                    deadline=deadline,
                    audiences=[chain[level]],
                )
            )
    return items


def secret_from_unit(s: InspectionSnapshot) -> bool:
    """Only the issuing side may hear of a surprise or complaint inspection before the team
    arrives (the unit's whole side is exactly who must not)."""
    return is_secret(s)


def status_at(
    s: InspectionSnapshot, calendar: WorkingCalendar, now: datetime
) -> tuple[datetime | None, bool]:
    """The next due moment (end of the earliest due day) and whether anything is overdue."""
    deadlines = open_deadlines(s, calendar)
    if not deadlines:
        return None, False
    today = local_date(now)
    earliest = min(d.due_on for d in deadlines)
    end_of_day = midnight(earliest + timedelta(days=1)) - timedelta(seconds=1)
    return end_of_day, any(d.due_on < today for d in deadlines)


def due_now(
    s: InspectionSnapshot, calendar: WorkingCalendar, now: datetime
) -> tuple[list[AgendaItem], list[str]]:
    """The items to send now, and every agenda key they settle.

    After an outage several items of one deadline may be due at once: only the latest of
    each action is sent, and reminders whose due date already passed are dropped — a
    reminder is never sent late.
    """
    today = local_date(now)
    due = [i for i in agenda(s, calendar) if i.at <= now and i.key not in s.sent]
    latest: dict[tuple[str, NoticeKind], AgendaItem] = {}
    for item in due:  # time order: later items replace earlier ones
        latest[(item.deadline.key, item.action)] = item
    send = [
        i
        for i in latest.values()
        if not (i.action is NoticeKind.REMINDER and i.deadline.due_on < today)
    ]
    return sorted(send, key=lambda i: (i.at, i.key)), [i.key for i in due]


def next_wake(s: InspectionSnapshot, calendar: WorkingCalendar) -> datetime | None:
    """When the agenda next needs the workflow: its earliest unsent item."""
    return min((i.at for i in agenda(s, calendar) if i.key not in s.sent), default=None)


# Notices that list the current cycle's open findings with their due dates.
FINDINGS_TOLD = frozenset(
    {NoticeKind.CONCLUSION_ISSUED, NoticeKind.REMINDER, NoticeKind.OVERDUE, NoticeKind.ESCALATION}
)
# At most this many findings in one notice (each with a shortened description): the
# payload is in the workflow's history once per notice; the page has the rest.
FINDINGS_TOLD_MAX = 20
DESCRIPTION_TOLD_MAX = 160


def paper_facts(s: InspectionSnapshot) -> dict[str, object]:
    """The documents' numbers and dates the snapshot knows (a number the register allocates
    is added by the notify activity), the planned visit day and the remediation cycle."""
    facts: dict[str, object] = {"cycle": s.cycle}
    if s.decision.signed_on is not None:
        facts["decision_date"] = s.decision.signed_on.isoformat()
    if s.notice_number:
        facts["notice_number"] = s.notice_number
    if s.notice_sent_at is not None:
        facts["notice_date"] = local_date(s.notice_sent_at).isoformat()
    if s.visit_planned_on is not None:
        facts["visit_planned_on"] = s.visit_planned_on.isoformat()
    if s.conclusion_number:
        facts["conclusion_number"] = s.conclusion_number
    if s.concluded_at is not None:
        facts["conclusion_date"] = local_date(s.concluded_at).isoformat()
    return facts


def open_findings(s: InspectionSnapshot) -> dict[str, object]:
    """The current cycle's open remediation items, each with its finding and due date."""
    items = [i for i in s.remediation if i.cycle == s.cycle and i.status is RemediationStatus.OPEN]
    told = []
    for item in items[:FINDINGS_TOLD_MAX]:
        finding = s.finding(item.finding_no)
        told.append(
            {
                "no": item.finding_no,
                "criterion": finding.criterion if finding else "",
                "description": (finding.description if finding else "")[:DESCRIPTION_TOLD_MAX],
                "due_on": item.due_on.isoformat(),
            }
        )
    if not told:
        return {}
    return {"findings": told, "findings_more": len(items) - len(told)}


def notification(
    s: InspectionSnapshot,
    kind: NoticeKind,
    audiences: list[Audience],
    deadline: str = "",
    extra: dict[str, object] | None = None,
    team_user_ids: list[str] | None = None,
) -> NotifyInput:
    """A notification about ``s`` to ``audiences``, with what the templates need to say;
    ``team_user_ids`` is who the team audience is, when not the snapshot's team."""
    payload: dict[str, object] = {
        "title": s.title,
        "unit_name": s.unit_name,
        "decision_number": s.decision.number,
        "state": s.state.value,
        **paper_facts(s),
    }
    if kind in FINDINGS_TOLD:
        payload |= open_findings(s)
    return NotifyInput(
        inspection_id=s.inspection_id,
        kind=kind,
        deadline=deadline,
        audiences=audiences,
        unit_id=s.unit_id,
        team_user_ids=team_user_ids if team_user_ids is not None else account_ids(s.team),
        coordinator_id=s.coordinator_id,
        decision_issuer_id=s.decision.issuer_id,
        office_id=s.office_id,
        secret_from_unit=secret_from_unit(s),
        payload=payload | (extra or {}),
    )


def self_report_details(s: InspectionSnapshot) -> dict[str, object]:
    """What a self-inspection's report upward says: its conclusion and how its findings
    ended."""
    statuses = [f.status.value for f in s.findings]
    return {
        "conclusion_number": s.conclusion_number,
        "findings_total": len(statuses),
        "resolved": statuses.count("resolved"),
        "referred": statuses.count("referred"),
    }


def account_ids(team: list[TeamMember]) -> list[str]:
    return [m.user_id for m in team if m.user_id is not None]


def told_team(
    trigger: Trigger, before: InspectionSnapshot, after: InspectionSnapshot
) -> list[str] | None:
    """Who hears an announcement to the team: for a change of team, those who left it too;
    otherwise the team (None)."""
    if trigger is not Trigger.CHANGE_TEAM:
        return None
    now = account_ids(after.team)
    return [*now, *sorted(set(account_ids(before.team)) - set(now))]


def team_change_details(
    before: InspectionSnapshot, after: InspectionSnapshot, cmd: Command | None
) -> dict[str, object]:
    """Who joined and who left the team, the decision's number and why."""

    def key(m: TeamMember) -> str:
        return m.user_id or f"{m.name}|{m.organisation_name}"

    was, now = {key(m): m for m in before.team}, {key(m): m for m in after.team}
    return {
        "number": getattr(cmd, "number", "") or "",
        "reason": getattr(cmd, "reason", "") or "",
        "joined": [m.name for k, m in now.items() if k not in was],
        "left": [m.name for k, m in was.items() if k not in now],
    }


def announcement_details(
    trigger: Trigger,
    before: InspectionSnapshot,
    after: InspectionSnapshot,
    cmd: Command | None = None,
) -> dict[str, object]:
    """What an announcement must say beyond the inspection: the team's change; for an
    extension request or decision, which finding, the date asked for, what was decided."""
    if trigger is Trigger.CHANGE_TEAM:
        return team_change_details(before, after, cmd)
    if trigger is Trigger.REQUEST_EXTENSION and after.extensions:
        request = after.extensions[-1]
    elif trigger is Trigger.DECIDE_EXTENSION:
        was = {e.n: e.status for e in before.extensions}
        decided = [e for e in after.extensions if was.get(e.n) is ExtensionStatus.PENDING]
        decided = [e for e in decided if e.status is not ExtensionStatus.PENDING]
        if not decided:
            return {}
        request = decided[0]
    else:
        return {}
    finding = after.finding(request.finding_no)
    details: dict[str, object] = {
        "deadline_kind": "remediation",
        "finding_no": request.finding_no,
        "due_on": request.due_on.isoformat(),
        "previous_due_on": request.previous_due_on.isoformat(),
        "reason": request.reason,
    }
    if trigger is Trigger.DECIDE_EXTENSION:
        details["outcome"] = request.status.value
        details["note"] = request.note
        if request.status is not ExtensionStatus.GRANTED:
            details["due_on"] = request.previous_due_on.isoformat()  # the date still due
    if finding is not None:
        details["criterion"] = finding.criterion
    return details


def item_notification(s: InspectionSnapshot, item: AgendaItem, now: datetime) -> NotifyInput:
    d = item.deadline
    finding = s.finding(d.finding_no) if d.finding_no is not None else None
    extra: dict[str, object] = {
        "deadline_kind": d.kind.value,
        "due_on": d.due_on.isoformat(),
        "days_before": item.step if item.action is NoticeKind.REMINDER else 0,
        "level": item.step if item.action is NoticeKind.ESCALATION else 0,
        "days_overdue": max((local_date(now) - d.due_on).days, 0),
    }
    if finding is not None:
        extra |= {"finding_no": finding.no, "criterion": finding.criterion}
    return notification(s, item.action, item.audiences, item.key, extra)
