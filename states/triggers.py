"""Every trigger declared once: what it carries, who fires it, where it lives in the HTTP API,
what it checks and changes, whom it tells, and how people see it named.

The tables the rest of kiemtra reads — command types, parties, payload checks, effects,
announcements, HTTP paths, labels — are all derived from ``TRIGGERS``; a new trigger gets
its route, its button and form, its diagram edge and its update validator from its entry
here (plus its transitions in ``states.machine`` and one update method on the workflow,
which a test holds to this table).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from states import checks, effects
from states.calendar import WorkingCalendar
from states.models import (
    AcknowledgeInput,
    CancelInput,
    ChangeTeamInput,
    Command,
    ConcludeInput,
    DecideExtensionInput,
    DisputeInput,
    ExtendVisitInput,
    FormTeamInput,
    InspectionSnapshot,
    RecordReinspectionInput,
    RecordVisitInput,
    ReportFindingsInput,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    ResumeInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    StartVisitInput,
    SuspendInput,
    VerifyInput,
    VoidInput,
)
from states.vocabulary import Audience, NoticeKind, Party, Trigger

PayloadCheck = Callable[[InspectionSnapshot, Any, date], None]
Effect = Callable[[InspectionSnapshot, Any, datetime, WorkingCalendar], None]


@dataclass(frozen=True)
class Announcement:
    """The notice a trigger sends, and to whom."""

    kind: NoticeKind
    audiences: tuple[Audience, ...]


@dataclass(frozen=True)
class Text:
    """A text in Vietnamese (the default) and English."""

    vi: str
    en: str

    def in_(self, language: str) -> str:
        return self.en if language == "en" else self.vi


@dataclass(frozen=True)
class TriggerSpec:
    trigger: Trigger
    # What the command carries (its HTTP body is this minus who sends it).
    command: type[Command]
    # Who may fire it, by their place in the inspection (states.sides).
    party: Party
    # Under /inspections/{id}/; None: only kiemtra fires it.
    path: str | None
    label: Text
    help: Text
    effect: Effect
    check: PayloadCheck | None = None
    announcement: Announcement | None = None
    # Whether the button is shown as a warning (it ends or halts the inspection).
    danger: bool = False
    # Form hints per body field: a field's label, when the field name alone is not enough.
    fields: dict[str, Text] = field(default_factory=dict)


T = Trigger
_SPECS = [
    TriggerSpec(
        T.FORM_TEAM,
        FormTeamInput,
        Party.LEADERSHIP,
        "team",
        Text("Thành lập đoàn kiểm tra", "Form the team"),
        Text(
            "Trưởng đoàn, thành viên, thư ký; không ai thuộc bên được kiểm tra.",
            "Leader, members, secretary; nobody from the inspected side.",
        ),
        effects.form_team,
        checks.form_team,
        fields={"members": Text("Thành viên đoàn", "Team members")},
    ),
    TriggerSpec(
        T.CHANGE_TEAM,
        ChangeTeamInput,
        Party.LEADERSHIP,
        "team/change",
        Text("Thay đổi thành viên đoàn", "Change the team"),
        Text(
            "Quyết định thay đổi thành viên đoàn trước khi đoàn đến đơn vị; nêu lý do.",
            "A decision changing the team's members before the visit; give the reason.",
        ),
        effects.change_team,
        checks.change_team,
        Announcement(NoticeKind.TEAM_CHANGED, (Audience.TEAM, Audience.COORDINATOR)),
        fields={
            "members": Text("Thành viên đoàn", "Team members"),
            "number": Text("Số quyết định", "Decision number"),
            "reason": Text("Lý do", "Reason"),
        },
    ),
    TriggerSpec(
        T.SEND_NOTICE,
        SendNoticeInput,
        Party.LEADERSHIP,
        "notice",
        Text("Gửi thông báo kiểm tra", "Send the notice"),
        Text(
            "Thông báo cho đơn vị được kiểm tra trước khi đoàn đến.",
            "Tells the inspected unit before the team arrives.",
        ),
        effects.send_notice,
        checks.send_notice,
        Announcement(NoticeKind.NOTICE_ISSUED, (Audience.UNIT, Audience.TEAM)),
        fields={
            "number": Text("Số thông báo", "Notice number"),
            "visit_planned_on": Text("Ngày dự kiến kiểm tra", "Planned visit date"),
        },
    ),
    TriggerSpec(
        T.START_VISIT,
        StartVisitInput,
        Party.TEAM,
        "visit/start",
        Text("Bắt đầu kiểm tra tại đơn vị", "Start the visit"),
        Text("Đoàn đã đến đơn vị.", "The team has arrived at the unit."),
        effects.start_visit,
    ),
    TriggerSpec(
        T.RECORD_VISIT,
        RecordVisitInput,
        Party.TEAM,
        "visit",
        Text("Lập biên bản kiểm tra", "Record the minutes"),
        Text(
            "Kết quả từng tiêu chí, chữ ký của trưởng đoàn và đơn vị (hoặc người chứng kiến).",
            "The result per criterion, signed by the leader and the unit (or a witness).",
        ),
        effects.record_visit,
        checks.record_visit,
        fields={"results": Text("Kết quả kiểm tra", "Checklist results")},
    ),
    TriggerSpec(
        T.REPORT_FINDINGS,
        ReportFindingsInput,
        Party.TEAM,
        "findings-report",
        Text("Báo cáo kết quả kiểm tra", "Report the findings"),
        Text(
            "Trưởng đoàn báo cáo người ra quyết định kết quả kiểm tra và đề xuất kết luận.",
            "The team leader reports the findings to the decision-maker and proposes the "
            "conclusion.",
        ),
        effects.report_findings,
        checks.report_findings,
        fields={
            "number": Text("Số báo cáo", "Report number"),
            "proposals": Text("Đề xuất, kiến nghị", "Proposals"),
        },
    ),
    TriggerSpec(
        T.CONCLUDE,
        ConcludeInput,
        Party.SIGNER,
        "conclusion",
        Text("Ban hành thông báo kết luận", "Issue the conclusion"),
        Text(
            "Người ra quyết định ký; mỗi tồn tại có biện pháp và hạn khắc phục.",
            "Signed by the decision-maker; one action and due date per finding.",
        ),
        effects.conclude,
        checks.conclude,
        fields={"number": Text("Số thông báo kết luận", "Conclusion number")},
    ),
    TriggerSpec(
        T.ACKNOWLEDGE,
        AcknowledgeInput,
        Party.UNIT,
        "acknowledge",
        Text("Tiếp thu kết luận", "Acknowledge the conclusion"),
        Text("Đơn vị tiếp thu và sẽ khắc phục.", "The unit accepts and will remediate."),
        effects.acknowledge,
    ),
    TriggerSpec(
        T.DISPUTE,
        DisputeInput,
        Party.UNIT,
        "dispute",
        Text("Giải trình, không đồng ý", "Dispute findings"),
        Text(
            "Đơn vị giải trình về những tồn tại không đồng ý.",
            "The unit explains the findings it contests.",
        ),
        effects.dispute,
        checks.dispute,
        fields={"explanation": Text("Nội dung giải trình", "Explanation")},
    ),
    TriggerSpec(
        T.RESOLVE_DISPUTE,
        ResolveDisputeInput,
        Party.LEADERSHIP,
        "dispute/resolve",
        Text("Xử lý giải trình", "Resolve the dispute"),
        Text(
            "Giữ nguyên hoặc rút từng tồn tại bị giải trình.",
            "Uphold or withdraw each contested finding.",
        ),
        effects.resolve_dispute,
        checks.resolve_dispute,
    ),
    TriggerSpec(
        T.REPORT_REMEDIATION,
        ReportRemediationInput,
        Party.UNIT,
        "remediation-report",
        Text("Báo cáo kết quả khắc phục", "Report remediation"),
        Text("Kết quả khắc phục từng tồn tại.", "What was done about each finding."),
        effects.report_remediation,
        checks.report_remediation,
    ),
    TriggerSpec(
        T.SCHEDULE_REINSPECTION,
        ScheduleReinspectionInput,
        Party.LEADERSHIP,
        "reinspection",
        Text("Lên lịch tái kiểm tra", "Schedule the re-inspection"),
        Text(
            "Ngày đoàn kiểm tra lại kết quả khắc phục.",
            "When the team checks the remediation.",
        ),
        effects.schedule_reinspection,
        checks.schedule_reinspection,
        fields={"planned_on": Text("Ngày tái kiểm tra", "Re-inspection date")},
    ),
    TriggerSpec(
        T.VERIFY,
        VerifyInput,
        Party.TEAM,
        "verification",
        Text("Xác nhận kết quả khắc phục", "Verify remediation"),
        Text(
            "Đã khắc phục, chưa khắc phục, hoặc kiến nghị xử lý kỷ luật.",
            "Resolved, unresolved, or referred to discipline.",
        ),
        effects.verify,
        checks.verify,
    ),
    TriggerSpec(
        T.CANCEL,
        CancelInput,
        Party.LEADERSHIP,
        "cancel",
        Text("Đình chỉ cuộc kiểm tra", "Terminate the inspection"),
        Text("Dừng hẳn trước khi kết luận, nêu lý do.", "Stops it before the conclusion."),
        effects.cancel,
        danger=True,
        fields={"reason": Text("Lý do", "Reason")},
    ),
    TriggerSpec(
        T.VOID,
        VoidInput,
        Party.LEADERSHIP,
        "void",
        Text("Hủy (nhập nhầm)", "Void (entered by mistake)"),
        Text(
            "Chỉ khi chưa ban hành văn bản nào ngoài quyết định; không tính vào báo cáo. "
            "Dừng vì lý do nội dung thì dùng «Đình chỉ».",
            "Only while the decision is its only document; it leaves every report and "
            "count. An inspection stopped on its merits is terminated instead.",
        ),
        effects.void,
        danger=True,
        fields={"reason": Text("Lý do hủy", "Why it is void")},
    ),
    TriggerSpec(
        T.SUSPEND,
        SuspendInput,
        Party.LEADERSHIP,
        "suspend",
        Text("Tạm dừng", "Suspend"),
        Text("Tạm dừng cuộc kiểm tra, nêu lý do.", "Pauses the inspection."),
        effects.suspend,
        danger=True,
        fields={"reason": Text("Lý do", "Reason")},
    ),
    TriggerSpec(
        T.RESUME,
        ResumeInput,
        Party.LEADERSHIP,
        "resume",
        Text("Tiếp tục", "Resume"),
        Text("Tiếp tục từ bước đã dừng.", "Goes on from where it was suspended."),
        effects.resume,
    ),
    TriggerSpec(
        T.REQUEST_EXTENSION,
        RequestExtensionInput,
        Party.UNIT,
        "extensions",
        Text("Xin gia hạn", "Ask for an extension"),
        Text("Đơn vị xin lùi một thời hạn, nêu lý do.", "The unit asks to move a due date."),
        effects.request_extension,
        checks.request_extension,
        Announcement(NoticeKind.EXTENSION_REQUESTED, (Audience.COORDINATOR,)),
        fields={"reason": Text("Lý do", "Reason")},
    ),
    TriggerSpec(
        T.DECIDE_EXTENSION,
        DecideExtensionInput,
        Party.LEADERSHIP,
        "extensions/{n}/decide",
        Text("Quyết định gia hạn", "Decide the extension"),
        Text("Đồng ý (với hạn mới) hoặc từ chối.", "Grant (with the new date) or refuse."),
        effects.decide_extension,
        checks.decide_extension,
        Announcement(NoticeKind.EXTENSION_DECIDED, (Audience.UNIT,)),
    ),
    TriggerSpec(
        T.EXTEND_VISIT,
        ExtendVisitInput,
        Party.SIGNER,
        "visit/extend",
        Text("Gia hạn thời gian kiểm tra", "Extend the on-site period"),
        Text("Một lần, theo quy định.", "Once, as the law allows."),
        effects.extend_visit,
    ),
    TriggerSpec(
        T.RECORD_REINSPECTION,
        RecordReinspectionInput,
        Party.SYSTEM,
        None,
        Text("Ghi nhận kết quả tái kiểm tra", "Record the re-inspection's results"),
        Text(
            "Cuộc tái kiểm tra đã kết thúc; các tồn tại được xác nhận.",
            "The re-inspection closed; its results settle the findings.",
        ),
        effects.record_reinspection,
        checks.record_reinspection,
    ),
]

TRIGGERS: dict[Trigger, TriggerSpec] = {spec.trigger: spec for spec in _SPECS}
assert set(TRIGGERS) == set(Trigger), "every trigger is declared once"

# The tables derived from the declaration.
COMMAND_TYPES: dict[Trigger, type[Command]] = {t: s.command for t, s in TRIGGERS.items()}
TRIGGER_PARTIES: dict[Trigger, Party] = {t: s.party for t, s in TRIGGERS.items()}
PAYLOAD_CHECKS: dict[Trigger, PayloadCheck] = {
    t: s.check for t, s in TRIGGERS.items() if s.check is not None
}
EFFECTS: dict[Trigger, Effect] = {t: s.effect for t, s in TRIGGERS.items()}
ANNOUNCEMENTS: dict[Trigger, Announcement] = {
    t: s.announcement for t, s in TRIGGERS.items() if s.announcement is not None
}
COMMAND_PATHS: dict[Trigger, str] = {t: s.path for t, s in TRIGGERS.items() if s.path is not None}
