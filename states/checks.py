"""Whether a command's payload fits the inspection: pure checks per trigger, declared in
``states.triggers``. Each raises a ``DomainError``; nothing here changes the snapshot."""

from collections import Counter
from datetime import date
from typing import Any

from states.bounds import EXTENSIONS_MAX
from states.checklist import OTHER_CATEGORIES, is_other
from states.errors import ConflictOfInterest, InvalidCommand, NotAllowed
from states.models import (
    ChangeTeamInput,
    ConcludeInput,
    DecideExtensionInput,
    DisputeInput,
    FormTeamInput,
    InspectionSnapshot,
    RecordReinspectionInput,
    RecordVisitInput,
    ReportFindingsInput,
    ReportRemediationInput,
    RequestExtensionInput,
    ResolveDisputeInput,
    ScheduleReinspectionInput,
    SendNoticeInput,
    TeamMember,
    VerifyInput,
)
from states.sides import inspected_side, is_self
from states.vocabulary import (
    ExtensionStatus,
    FindingStatus,
    RemediationStatus,
    Role,
    TeamRole,
)


def _nos(nos: list[int]) -> str:
    return ", ".join(str(n) for n in nos)


def duplicates(values: list[Any]) -> list[Any]:
    """The values that occur more than once, sorted (linear in the list)."""
    return sorted(v for v, n in Counter(values).items() if n > 1)


def _known(snapshot: InspectionSnapshot, nos: list[int]) -> None:
    unknown = sorted(set(nos) - {f.no for f in snapshot.findings})
    if unknown:
        raise InvalidCommand(
            f"unknown finding(s): {unknown}",
            {"finding_nos": unknown},
            vi=f"Không có nội dung số {_nos(unknown)} trong cuộc kiểm tra.",
        )
    twice = duplicates(nos)
    if twice:
        raise InvalidCommand(
            f"finding(s) named twice: {twice}",
            {"finding_nos": twice},
            vi=f"Nội dung số {_nos(twice)} được nêu hai lần.",
        )


def _exactly(
    snapshot: InspectionSnapshot, nos: list[int], status: FindingStatus, what: str
) -> None:
    """``nos`` must name exactly the findings that are in ``status``."""
    _known(snapshot, nos)
    expected = sorted(f.no for f in snapshot.findings if f.status is status)
    if sorted(nos) != expected:
        raise InvalidCommand(
            f"{what} must cover exactly the {status.value} findings {expected}",
            {"expected": expected, "given": sorted(nos)},
            vi=f"Cần ý kiến cho đúng các nội dung số {_nos(expected)}.",
        )


def _not_past(day: date | None, today: date, field: str) -> None:
    if day is not None and day < today:
        raise InvalidCommand(
            f"{field} {day} is in the past",
            {field: day.isoformat()},
            vi=f"Ngày {day:%d/%m/%Y} đã qua.",
        )


def team_members(snapshot: InspectionSnapshot, members: list[TeamMember]) -> None:
    """A team: one leader who holds an inspector account (the leader signs the minutes and
    reports the findings in kiemtra), nobody twice, account holders only inspectors, and
    nobody from the inspected side (conflict of interest), with or without an account."""
    if not members:
        raise InvalidCommand(
            "a team needs at least one member", vi="Đoàn kiểm tra cần ít nhất một thành viên."
        )
    leaders = [m for m in members if m.team_role is TeamRole.TEAM_LEADER]
    if len(leaders) != 1:
        raise InvalidCommand(
            f"a team needs exactly one team leader, got {len(leaders)}",
            {"leaders": len(leaders)},
            vi=f"Đoàn kiểm tra phải có đúng một trưởng đoàn (đang chọn {len(leaders)}).",
        )
    if not leaders[0].has_account:
        raise InvalidCommand(
            f"the team leader, {leaders[0].name}, acts in kiemtra (signs the minutes, reports "
            "the findings) and needs an inspector account",
            {"name": leaders[0].name},
            vi=f"Trưởng đoàn ({leaders[0].name}) ký biên bản, báo cáo kết quả kiểm tra trên "
            "hệ thống nên phải có tài khoản thành viên đoàn kiểm tra.",
        )
    twice = duplicates([m.user_id for m in members if m.user_id is not None])
    unnamed = duplicates(
        [
            f"{m.name.casefold()}|{m.organisation_name.casefold()}"
            for m in members
            if m.user_id is None
        ]
    )
    if twice or unnamed:
        raise InvalidCommand(
            "a person appears twice in the team",
            {"user_ids": twice, "names": [n.split("|", 1)[0] for n in unnamed]},
            vi="Một người được chọn hai lần trong đoàn.",
        )
    for member in members:
        if member.has_account and member.role is not Role.INSPECTOR:
            raise InvalidCommand(
                f"{member.name} is not an inspector account; a team is made of inspectors",
                {"user_id": member.user_id, "name": member.name, "role": member.role.value},
                vi=f"{member.name} không phải tài khoản thành viên đoàn kiểm tra.",
            )
    if is_self(snapshot):
        _own_staff(snapshot, members)
        return
    for member in members:
        if inspected_side(snapshot, member.organisation_id, member.organisation_path):
            raise ConflictOfInterest(
                f"{member.name} belongs to the inspected side (the unit, its sub-units or its "
                "managing chain) and cannot be on its team",
                {"user_id": member.user_id, "name": member.name},
                vi=f"{member.name} thuộc bên được kiểm tra (đơn vị, đơn vị trực thuộc hoặc cơ "
                "quan quản lý trực tiếp) nên không thể tham gia đoàn (xung đột lợi ích).",
            )


def _own_staff(snapshot: InspectionSnapshot, members: list[TeamMember]) -> None:
    """A self-inspection's team is the unit's own staff (the unit or its sub-units)."""
    for member in members:
        if snapshot.unit_id not in [*member.organisation_path, member.organisation_id]:
            raise InvalidCommand(
                f"{member.name} is not on the staff of {snapshot.unit_name or 'the unit'}; a "
                "self-inspection's team is the unit's own staff",
                {"user_id": member.user_id, "name": member.name},
                vi=f"{member.name} không thuộc {snapshot.unit_name or 'đơn vị'}; đoàn tự kiểm "
                "tra gồm cán bộ của chính đơn vị.",
            )


def form_team(snapshot: InspectionSnapshot, cmd: FormTeamInput, today: date) -> None:
    team_members(snapshot, cmd.members)


def change_team(snapshot: InspectionSnapshot, cmd: ChangeTeamInput, today: date) -> None:
    team_members(snapshot, cmd.members)
    if cmd.members == snapshot.team:
        raise InvalidCommand(
            "the new team is the same as the current one",
            vi="Thành phần đoàn mới giống thành phần hiện tại.",
        )


def send_notice(snapshot: InspectionSnapshot, cmd: SendNoticeInput, today: date) -> None:
    _not_past(cmd.visit_planned_on, today, "visit_planned_on")


def record_visit(snapshot: InspectionSnapshot, cmd: RecordVisitInput, today: date) -> None:
    if not cmd.results:
        raise InvalidCommand(
            "the minutes need at least one checklist result",
            vi="Biên bản cần kết quả của ít nhất một tiêu chí.",
        )
    codes = [r.criterion for r in cmd.results]
    twice = duplicates(codes)
    if twice:
        raise InvalidCommand(
            "a criterion appears twice in the minutes",
            {"criteria": twice},
            vi=f"Tiêu chí {', '.join(twice)} xuất hiện hai lần trong biên bản.",
        )
    allowed = {s.criterion for s in snapshot.scope} if snapshot.scope else set(snapshot.checklist)
    outside = sorted({c for c in codes if not is_other(c)} - allowed) if allowed else []
    if outside:
        raise InvalidCommand(
            f"criteria outside this inspection's scope: {outside}",
            {"criteria": outside},
            vi=f"Tiêu chí {', '.join(outside)} không thuộc nội dung cuộc kiểm tra.",
        )
    for r in cmd.results:
        if is_other(r.criterion):
            _other_finding(r.criterion, r.description, r.category)
    if not cmd.signed_by_unit and cmd.witness and not cmd.witness.strip():
        raise InvalidCommand(
            "the witness who signs for the unit is named",
            {"field": "witness"},
            vi="Cần ghi rõ họ tên người chứng kiến ký biên bản.",
        )
    leader = team_leader(snapshot)
    if cmd.leader_name.strip() and leader is not None and cmd.leader_name != leader.name:
        raise InvalidCommand(
            f"the minutes are signed by the team leader, {leader.name}",
            {"field": "leader_name", "leader": leader.name},
            vi=f"Biên bản do trưởng đoàn {leader.name} ký.",
        )
    if not cmd.signed_by_leader or not (cmd.signed_by_unit or cmd.witness.strip()):
        raise InvalidCommand(
            "the minutes must be signed by the team leader and by the unit "
            "(or by a witness when the unit refuses)",
            vi="Biên bản phải có chữ ký của trưởng đoàn và của đại diện đơn vị (hoặc người "
            "chứng kiến khi đơn vị không ký).",
        )


def _other_finding(code: str, description: str, category: str) -> None:
    """A finding outside the checklist says what it is and which group it belongs to."""
    if not description.strip():
        raise InvalidCommand(
            f"{code} is a finding outside the checklist: describe it",
            {"criterion": code, "field": "description"},
            vi=f"Tồn tại ngoài danh mục {code} cần ghi rõ nội dung.",
        )
    if category not in OTHER_CATEGORIES:
        raise InvalidCommand(
            f"{code}: category must be one of {', '.join(OTHER_CATEGORIES)}",
            {"criterion": code, "category": category, "allowed": list(OTHER_CATEGORIES)},
            vi=f"Tồn tại ngoài danh mục {code} cần chọn nhóm nội dung.",
        )


def team_leader(snapshot: InspectionSnapshot) -> TeamMember | None:
    return next((m for m in snapshot.team if m.team_role is TeamRole.TEAM_LEADER), None)


def report_findings(snapshot: InspectionSnapshot, cmd: ReportFindingsInput, today: date) -> None:
    leader = team_leader(snapshot)
    if leader is not None and cmd.actor.user_id != leader.user_id:
        raise NotAllowed(
            f"the findings report is the team leader's, {leader.name}",
            {"leader": leader.name},
            vi=f"Báo cáo kết quả kiểm tra do trưởng đoàn ({leader.name}) lập và ký.",
        )


def conclude(snapshot: InspectionSnapshot, cmd: ConcludeInput, today: date) -> None:
    _known(snapshot, [o.finding_no for o in cmd.orders])
    for order in cmd.orders:
        _not_past(order.due_on, today, "due_on")


def dispute(snapshot: InspectionSnapshot, cmd: DisputeInput, today: date) -> None:
    _known(snapshot, cmd.finding_nos)
    not_open = [
        f.no
        for f in snapshot.findings
        if f.no in cmd.finding_nos and f.status is not FindingStatus.OPEN
    ]
    if not_open:
        raise InvalidCommand(
            f"only open findings can be disputed: {not_open}",
            {"finding_nos": not_open},
            vi=f"Chỉ giải trình được nội dung chưa xử lý; nội dung số {_nos(not_open)} thì không.",
        )


def resolve_dispute(snapshot: InspectionSnapshot, cmd: ResolveDisputeInput, today: date) -> None:
    nos = [d.finding_no for d in cmd.decisions]
    _exactly(snapshot, nos, FindingStatus.DISPUTED, "the decisions")


def report_remediation(
    snapshot: InspectionSnapshot, cmd: ReportRemediationInput, today: date
) -> None:
    nos = [i.finding_no for i in cmd.items]
    _exactly(snapshot, nos, FindingStatus.ACKNOWLEDGED, "the report")


def schedule_reinspection(
    snapshot: InspectionSnapshot, cmd: ScheduleReinspectionInput, today: date
) -> None:
    _not_past(cmd.planned_on, today, "planned_on")


def verify(snapshot: InspectionSnapshot, cmd: VerifyInput, today: date) -> None:
    nos = [r.finding_no for r in cmd.results]
    _exactly(snapshot, nos, FindingStatus.REPORTED, "the verification")
    reporters = {r.reported_by for r in snapshot.current_items() if r.reported_by}
    if cmd.actor.user_id in reporters:
        raise NotAllowed(
            "the person who reported remediation cannot verify it",
            vi="Người báo cáo kết quả khắc phục không thể tự xác nhận kết quả đó.",
        )
    _not_past(cmd.next_due_on, today, "next_due_on")


def request_extension(
    snapshot: InspectionSnapshot, cmd: RequestExtensionInput, today: date
) -> None:
    item = next(
        (
            r
            for r in snapshot.current_items()
            if r.finding_no == cmd.finding_no and r.status is RemediationStatus.OPEN
        ),
        None,
    )
    if item is None:
        raise InvalidCommand(
            f"finding {cmd.finding_no} has no open remediation item",
            {"finding_no": cmd.finding_no},
            vi=f"Nội dung số {cmd.finding_no} không còn đang khắc phục.",
        )
    if cmd.due_on <= item.due_on:
        raise InvalidCommand(
            f"the new due date must be after {item.due_on}",
            {"due_on": item.due_on.isoformat()},
            vi=f"Hạn mới phải sau hạn hiện tại ({item.due_on:%d/%m/%Y}).",
        )
    if any(
        e.finding_no == cmd.finding_no and e.status is ExtensionStatus.PENDING
        for e in snapshot.extensions
    ):
        raise InvalidCommand(
            f"an extension for finding {cmd.finding_no} is already pending",
            vi=f"Nội dung số {cmd.finding_no} đã có đề nghị gia hạn đang chờ quyết định.",
        )
    if len(snapshot.extensions) >= EXTENSIONS_MAX:
        raise InvalidCommand(
            f"an inspection takes at most {EXTENSIONS_MAX} extension requests",
            {"limit": EXTENSIONS_MAX},
            vi=f"Mỗi cuộc kiểm tra chỉ được đề nghị gia hạn tối đa {EXTENSIONS_MAX} lần.",
        )


def record_reinspection(
    snapshot: InspectionSnapshot, cmd: RecordReinspectionInput, today: date
) -> None:
    _known(snapshot, [r.finding_no for r in cmd.results])


def decide_extension(snapshot: InspectionSnapshot, cmd: DecideExtensionInput, today: date) -> None:
    if not 1 <= cmd.n <= len(snapshot.extensions):
        raise InvalidCommand(
            f"no extension request {cmd.n}",
            {"n": cmd.n},
            vi=f"Không có đề nghị gia hạn số {cmd.n}.",
        )
    if snapshot.extensions[cmd.n - 1].status is not ExtensionStatus.PENDING:
        raise InvalidCommand(
            f"extension request {cmd.n} is already decided",
            {"n": cmd.n},
            vi=f"Đề nghị gia hạn số {cmd.n} đã được quyết định.",
        )
