"""An inspection's documents: the register's rows of it, laid out as Word files (and PDF)
from what their step recorded — the event's command — and the inspection's facts.

A document is rendered when it is asked for, from records that never change after its step
(the event; the register row), so the same file comes out every time; an office's own
template (``document_template``) replaces the default of its kind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from documents.context import DocumentContext, Section, Signature, Table
from documents.kinds import DocumentKind
from states.models import InspectionSnapshot, TeamMember
from states.paper import Paper, readable_by
from states.scope import Viewer
from states.sides import position_of_viewer
from states.vocabulary import CheckResult, TeamRole, Trigger
from store import checklist as checklists
from store import evidence, register, templates
from store.queries import ancestry, event_of
from store.tables import Document, Organisation

RESULT_VI = {
    CheckResult.COMPLIANT.value: "Đạt",
    CheckResult.NON_COMPLIANT.value: "Không đạt",
    CheckResult.PARTIAL.value: "Đạt một phần",
    CheckResult.NOT_APPLICABLE.value: "Không áp dụng",
}
TEAM_ROLE_VI = {
    TeamRole.TEAM_LEADER.value: "Trưởng đoàn",
    TeamRole.DEPUTY_LEADER.value: "Phó Trưởng đoàn",
    TeamRole.MEMBER.value: "Thành viên",
    TeamRole.SECRETARY.value: "Thư ký",
}
LEGAL_BASES = [
    "Căn cứ Luật Cán bộ, công chức ngày 24 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 217/2025/NĐ-CP ngày 05 tháng 8 năm 2025 của Chính phủ quy định về "
    "kiểm tra công vụ;",
]


@dataclass(frozen=True)
class Paperwork:
    """One document of an inspection as people see it listed."""

    document: Document
    paper: Paper

    @property
    def kind(self) -> DocumentKind:
        return DocumentKind(self.paper.value)


def paper_of(document: Document) -> Paper | None:
    tail = document.key.rsplit(":", 1)[-1]
    if ":letter:" in document.key:
        return Paper.REMINDER
    try:
        return Paper(tail)
    except ValueError:
        return None


def listed(session: Session, s: InspectionSnapshot, viewer: Viewer) -> list[Paperwork]:
    """The inspection's documents the viewer may read: the inspected side does not read the
    team's internal report to the decision-maker."""
    position = position_of_viewer(s, viewer)
    found = []
    for document in register.of_inspection(session, s.inspection_id):
        paper = paper_of(document)
        if paper is None or not readable_by(paper, position):
            continue
        found.append(Paperwork(document, paper))
    return found


def find(
    session: Session, s: InspectionSnapshot, viewer: Viewer, document_id: str
) -> Paperwork | None:
    return next((p for p in listed(session, s, viewer) if p.document.id == document_id), None)


def template_for(session: Session, document: Document, kind: DocumentKind) -> bytes | None:
    return templates.in_use(session, document.issuer_id, kind.value)


def _payload(session: Session, s: InspectionSnapshot, document: Document) -> dict[str, Any]:
    """What the step that issued the document said (its event's command)."""
    parts = document.key.split(":")
    if len(parts) == 3 and parts[1].isdigit():
        event = event_of(session, s.inspection_id, int(parts[1]))
        if event is not None:
            return dict(event.payload)
    return {}


def _org(session: Session, org_id: str | None) -> Organisation | None:
    return session.get(Organisation, org_id) if org_id else None


def place_of(session: Session, issuer: Organisation | None) -> str:
    """The place on the date line: the province's name (Decree 30 Appendix I)."""
    if issuer is None:
        return ""
    root_id = next(iter(ancestry(session, issuer.id)), issuer.id)
    root = _org(session, root_id) or issuer
    name = root.name
    for prefix in ("UBND tỉnh ", "UBND thành phố ", "Ủy ban nhân dân tỉnh ", "Tỉnh ", "tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _body_name(org: Organisation | None) -> str:
    """An organisation's name as a document's header writes it: in full, in capitals."""
    if org is None:
        return ""
    name = org.name
    for short, full in (("UBND ", "Ủy ban nhân dân "), ("HĐND ", "Hội đồng nhân dân ")):
        if name.startswith(short):
            name = full + name[len(short) :]
    return name.upper()


body_name = _body_name  # other documents' headers (the answer to a complaint) write it so


def _day(value: Any) -> str:
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day:%d/%m/%Y}"


def _described(s: InspectionSnapshot, no: Any) -> str:
    finding = s.finding(int(no or 0))
    return finding.description if finding else ""


def _labeller(session: Session, s: InspectionSnapshot) -> Callable[..., str]:
    """Criteria named as the inspection's own catalogue version words them; a finding
    outside the checklist (KHAC-01 …) by its own description."""
    labels = checklists.labels_of(session, s.checklist_version)

    def label(code: str, own: str = "") -> str:
        found = labels.get(code)
        text = found.vi if found else own
        return f"{code} — {text}" if text else code

    return label


def _symbol_of(session: Session, s: InspectionSnapshot, paper: Paper) -> str:
    key_tail = f":{paper.value}"
    for document in register.of_inspection(session, s.inspection_id):
        if document.key.endswith(key_tail):
            return document.symbol
    return ""


def context(session: Session, s: InspectionSnapshot, work: Paperwork) -> DocumentContext:
    """What the document says, in Vietnamese as offices write it."""
    criterion = _labeller(session, s)
    document, paper = work.document, work.paper
    payload = _payload(session, s, document)
    issuer = _org(session, document.issuer_id)
    superior = _org(session, issuer.parent_id) if issuer else None
    unit = s.unit_name or s.unit_id
    decision = _symbol_of(session, s, Paper.DECISION) or s.decision.number
    leader = next((m for m in s.team if m.team_role is TeamRole.TEAM_LEADER), None)
    chair = Signature(
        form="TM.",
        authority=_body_name(issuer),
        position="CHỦ TỊCH",
        name=document.signer or s.decision.signer,
    )
    team_leader = Signature(position="TRƯỞNG ĐOÀN", name=leader.name if leader else "")
    base: dict[str, Any] = {
        "kind": work.kind,
        "superior": _body_name(superior),
        "issuer": _body_name(issuer),
        "number_line": f"Số: {document.symbol}",
        "place": place_of(session, issuer),
        "signed_on": document.signed_on,
        "recipients": [f"- {unit};", "- Thành viên Đoàn kiểm tra;", "- Lưu: VT."],
    }
    team_table = _team_table(_formed_team(session, s))
    if paper is Paper.DECISION:
        bases = [*LEGAL_BASES]
        if s.legal_basis:
            bases.append(f"Căn cứ {s.legal_basis.rstrip(';.')};")
        articles = [
            Section(
                heading="Điều 1.",
                paragraphs=[
                    f"Kiểm tra công vụ tại {unit}. Nội dung kiểm tra: "
                    + "; ".join(criterion(c) for c in s.checklist)
                    + "."
                ],
            ),
            Section(
                heading="Điều 2.",
                paragraphs=[
                    "Thành lập Đoàn kiểm tra gồm các ông (bà) có tên sau:"
                    if s.team
                    else "Thành phần Đoàn kiểm tra do Chủ tịch quyết định tại văn bản riêng."
                ],
                table=team_table if s.team else None,
            ),
            Section(
                heading="Điều 3.",
                paragraphs=[
                    f"Thời hạn kiểm tra trực tiếp tại đơn vị không quá "
                    f"{s.policy.on_site.limit(s.unit_level).days} ngày làm việc kể từ ngày công "
                    "bố quyết định kiểm tra."
                ],
            ),
            Section(
                heading="Điều 4.",
                paragraphs=[
                    f"Đoàn kiểm tra, {unit} và các cơ quan, đơn vị, cá nhân có liên quan chịu "
                    "trách nhiệm thi hành Quyết định này."
                ],
            ),
        ]
        return DocumentContext(
            **base,
            title="QUYẾT ĐỊNH",
            subject=f"Về việc kiểm tra công vụ tại {unit}",
            authority=f"CHỦ TỊCH {_body_name(issuer)}",
            bases=bases,
            sections=articles,
            signatures=[chair],
        )
    if paper is Paper.TEAM_CHANGE:
        members = [TeamMember.model_validate(m) for m in payload.get("members") or []]
        return DocumentContext(
            **base,
            title="QUYẾT ĐỊNH",
            subject=f"Về việc thay đổi thành viên Đoàn kiểm tra công vụ tại {unit}",
            authority=f"CHỦ TỊCH {_body_name(issuer)}",
            bases=[*LEGAL_BASES, f"Căn cứ Quyết định số {decision};"],
            sections=[
                Section(
                    heading="Điều 1.",
                    paragraphs=[
                        "Thay đổi thành viên Đoàn kiểm tra. Lý do: "
                        f"{str(payload.get('reason') or '').rstrip('.')}. Thành phần Đoàn kiểm "
                        "tra sau khi thay đổi gồm các ông (bà) có tên sau:"
                    ],
                    table=_team_table(members or s.team),
                ),
                Section(
                    heading="Điều 2.",
                    paragraphs=[
                        f"Đoàn kiểm tra, {unit} và các cá nhân có tên tại Điều 1 chịu trách "
                        "nhiệm thi hành Quyết định này."
                    ],
                ),
            ],
            signatures=[chair],
        )
    if paper is Paper.NOTICE:
        visit_on = _day(payload.get("visit_planned_on") or s.visit_planned_on)
        paragraphs = [
            f"Thực hiện Quyết định số {decision} về việc kiểm tra công vụ tại {unit}, Đoàn kiểm "
            f"tra thông báo kế hoạch làm việc với đơn vị"
            + (f" vào ngày {visit_on}." if visit_on else "."),
        ]
        if payload.get("note"):
            paragraphs.append(str(payload["note"]))
        return DocumentContext(
            **base,
            title="THÔNG BÁO",
            subject=f"Về việc kiểm tra công vụ tại {unit}",
            addressees=[unit],
            sections=[Section(paragraphs=paragraphs)],
            signatures=[chair],
        )
    if paper is Paper.MINUTES:
        visit = s.visit
        results = payload.get("results") or [r.model_dump(mode="json") for r in visit.results]
        team = payload.get("team_present") or [
            {"name": m.name, "position": _member_position(m)} for m in s.team
        ]
        unit_people = payload.get("unit_present") or []
        held = _day(payload.get("held_on") or document.signed_on)
        where = payload.get("place") or unit
        sections = [
            Section(
                paragraphs=[
                    f"Hôm nay, ngày {held}, tại {where}, Đoàn kiểm tra làm việc với "
                    f"{unit} theo Quyết định số {decision}."
                ]
            ),
            Section(
                heading="I. THÀNH PHẦN",
                paragraphs=[
                    "1. Đoàn kiểm tra: "
                    + "; ".join(f"{p['name']} ({p.get('position') or ''})" for p in team),
                    "2. Đơn vị được kiểm tra: "
                    + (
                        "; ".join(f"{p['name']} ({p.get('position') or ''})" for p in unit_people)
                        or unit
                    ),
                ],
            ),
            Section(
                heading="II. KẾT QUẢ KIỂM TRA",
                table=Table(
                    header=["STT", "Tiêu chí", "Kết quả", "Ghi chú"],
                    rows=[
                        [
                            str(i),
                            criterion(str(r.get("criterion", "")), str(r.get("description") or "")),
                            RESULT_VI.get(str(r.get("result")), str(r.get("result", ""))),
                            str(r.get("note") or ""),
                        ]
                        for i, r in enumerate(results, start=1)
                    ],
                ),
            ),
        ]
        explanation = payload.get("unit_explanation") or visit.unit_explanation
        if explanation:
            sections.append(Section(heading="III. Ý KIẾN CỦA ĐƠN VỊ", paragraphs=[explanation]))
        witness = payload.get("witness") or visit.witness
        left = (
            Signature(position="NGƯỜI CHỨNG KIẾN", name=witness)
            if not payload.get("signed_by_unit", True) and witness
            else Signature(
                position="ĐẠI DIỆN ĐƠN VỊ", name=unit_people[0]["name"] if unit_people else ""
            )
        )
        right = Signature(
            position="TRƯỞNG ĐOÀN",
            name=payload.get("leader_name") or visit.leader_name or team_leader.name,
        )
        base["recipients"] = []
        return DocumentContext(
            **base,
            title="BIÊN BẢN",
            subject=f"Kiểm tra công vụ tại {unit}",
            sections=sections,
            signatures=[left, right],
        )
    findings_table = Table(
        header=["STT", "Tiêu chí", "Tồn tại, hạn chế"],
        rows=[[str(f.no), criterion(f.criterion), f.description] for f in s.findings],
    )
    if paper is Paper.FINDINGS_REPORT:
        sections = [
            Section(
                paragraphs=[
                    f"Thực hiện Quyết định số {decision}, Đoàn kiểm tra đã kiểm tra tại {unit}. "
                    "Trưởng đoàn báo cáo kết quả kiểm tra như sau:"
                ]
            ),
            Section(
                heading="I. KẾT QUẢ KIỂM TRA",
                table=findings_table if s.findings else None,
                paragraphs=[str(payload.get("summary") or "")] if payload.get("summary") else [],
            ),
        ]
        if payload.get("proposals"):
            sections.append(
                Section(heading="II. ĐỀ XUẤT, KIẾN NGHỊ", paragraphs=[str(payload["proposals"])])
            )
        base["recipients"] = ["- Người ra quyết định kiểm tra;", "- Lưu: Đoàn kiểm tra."]
        return DocumentContext(
            **base,
            title="BÁO CÁO",
            subject=f"Kết quả kiểm tra công vụ tại {unit}",
            sections=sections,
            signatures=[team_leader],
        )
    if paper is Paper.CONCLUSION:
        orders = {int(o["finding_no"]): o for o in payload.get("orders") or []}
        first = {r.finding_no: r for r in s.remediation if r.cycle == 1}
        rows = []
        for f in s.findings:
            order = orders.get(f.no, {})
            item = first.get(f.no)
            due = order.get("due_on") or (item.due_on if item else None)
            rows.append(
                [
                    str(f.no),
                    f.description or criterion(f.criterion),
                    str(order.get("action") or (item.action if item else "")),
                    _day(due),
                ]
            )
        sections = [
            Section(
                paragraphs=[
                    f"Thực hiện Quyết định số {decision} về việc kiểm tra công vụ tại {unit}, "
                    "xét báo cáo kết quả kiểm tra của Đoàn kiểm tra, Chủ tịch "
                    f"{issuer.name if issuer else ''} kết luận như sau:"
                ]
            ),
        ]
        if payload.get("summary"):
            sections.append(Section(heading="I. KẾT LUẬN", paragraphs=[str(payload["summary"])]))
        if rows:
            sections.append(
                Section(
                    heading="II. YÊU CẦU KHẮC PHỤC",
                    paragraphs=[
                        f"Yêu cầu {unit} khắc phục các tồn tại, hạn chế sau và báo cáo "
                        "kết quả bằng văn bản:"
                    ],
                    table=Table(
                        header=["STT", "Tồn tại, hạn chế", "Biện pháp", "Thời hạn"], rows=rows
                    ),
                )
            )
        discipline = [
            f"{p} (nội dung số {no})"
            for no, o in orders.items()
            for p in o.get("discipline_recommended") or []
        ]
        if discipline:
            sections.append(
                Section(
                    heading="III. KIẾN NGHỊ XỬ LÝ",
                    paragraphs=[
                        "Kiến nghị cấp có thẩm quyền xem xét, xử lý kỷ luật: "
                        + "; ".join(discipline)
                    ],
                )
            )
        return DocumentContext(
            **base,
            title="THÔNG BÁO",
            subject=f"Kết luận kiểm tra công vụ tại {unit}",
            sections=sections,
            signatures=[chair],
        )
    if paper is Paper.VISIT_EXTENSION:
        return DocumentContext(
            **base,
            title="QUYẾT ĐỊNH",
            subject=f"Về việc gia hạn thời gian kiểm tra tại {unit}",
            authority=f"CHỦ TỊCH {_body_name(issuer)}",
            bases=[*LEGAL_BASES, f"Căn cứ Quyết định số {decision};"],
            sections=[
                Section(
                    heading="Điều 1.",
                    paragraphs=[
                        f"Gia hạn thời gian kiểm tra trực tiếp tại {unit} thêm "
                        f"{s.policy.on_site.limit(s.unit_level).extension_days} ngày làm việc. "
                        f"Lý do: {payload.get('reason', '')}"
                    ],
                ),
                Section(
                    heading="Điều 2.",
                    paragraphs=[
                        f"Đoàn kiểm tra và {unit} chịu trách nhiệm thi hành Quyết định này."
                    ],
                ),
            ],
            signatures=[chair],
        )
    conclusion = _symbol_of(session, s, Paper.CONCLUSION)
    if paper is Paper.REMINDER:
        open_items = [r for r in s.current_items() if r.status.value in ("open", "overdue")]
        return DocumentContext(
            **base,
            subject="V/v đôn đốc khắc phục tồn tại, hạn chế sau kiểm tra công vụ",
            addressees=[unit],
            sections=[
                Section(
                    paragraphs=[
                        f"Thực hiện Thông báo kết luận số {conclusion}, đến nay {unit}"
                        " chưa báo cáo kết quả khắc phục các nội dung sau đã quá "
                        "thời hạn:",
                    ],
                    table=Table(
                        header=["STT", "Tồn tại, hạn chế", "Thời hạn"],
                        rows=[
                            [
                                str(r.finding_no),
                                _described(s, r.finding_no),
                                _day(r.due_on),
                            ]
                            for r in open_items
                        ],
                    )
                    if open_items
                    else None,
                ),
                Section(
                    paragraphs=[
                        f"Đề nghị {unit} khẩn trương khắc phục và báo cáo kết quả bằng văn bản."
                    ]
                ),
            ],
            signatures=[chair],
        )
    if paper is Paper.SELF_REPORT:
        return _self_report(s, base, issuer, superior, decision, conclusion, criterion)
    # The unit's remediation report, with the files the unit attached to each finding.
    items = payload.get("items") or []
    attached: dict[str, list[str]] = {}
    for file in evidence.files_of(session, s.inspection_id):
        if file.target == "remediation" and file.cycle == s.cycle:
            attached.setdefault(file.ref, []).append(file.name)
    head = Signature(form="", position="THỦ TRƯỞNG ĐƠN VỊ", name=document.signer)
    base["recipients"] = ["- Cơ quan ban hành kết luận kiểm tra;", "- Lưu: VT."]
    return DocumentContext(
        **base,
        title="BÁO CÁO",
        subject="Kết quả khắc phục tồn tại, hạn chế sau kiểm tra công vụ",
        sections=[
            Section(
                paragraphs=[
                    f"Thực hiện Thông báo kết luận số {_symbol_of(session, s, Paper.CONCLUSION)}, "
                    f"{unit} báo cáo kết quả khắc phục như sau:"
                ]
            ),
            Section(
                table=Table(
                    header=["STT", "Tồn tại, hạn chế", "Kết quả khắc phục", "Tài liệu kèm theo"],
                    rows=[
                        [
                            str(i.get("finding_no", "")),
                            _described(s, i.get("finding_no")),
                            str(i.get("report") or ""),
                            "; ".join(
                                [
                                    *(i.get("evidence") or []),
                                    *attached.get(str(i.get("finding_no", "")), []),
                                ]
                            ),
                        ]
                        for i in items
                    ],
                )
            )
            if items
            else Section(),
        ],
        signatures=[head],
    )


FINDING_STATUS_VI = {
    "resolved": "Đã khắc phục",
    "withdrawn": "Rút lại",
    "referred": "Chuyển xử lý kỷ luật",
    "unresolved": "Chưa khắc phục",
}


def _self_report(
    s: InspectionSnapshot,
    base: dict[str, Any],
    issuer: Organisation | None,
    superior: Organisation | None,
    decision: str,
    conclusion: str,
    criterion: Callable[..., str],
) -> DocumentContext:
    """A self-inspection's report of its result to the unit's managing body."""
    body = superior.name if superior else "cơ quan quản lý"
    rows = [
        [str(f.no), f.description or criterion(f.criterion), FINDING_STATUS_VI.get(f.status, "")]
        for f in s.findings
    ]
    opening = f"Thực hiện Quyết định số {decision} về việc tự kiểm tra công vụ"
    if conclusion:
        opening += f" và Thông báo kết luận số {conclusion}"
    base["recipients"] = [f"- {body} (b/c);", "- Lưu: VT."]
    return DocumentContext(
        **base,
        title="BÁO CÁO",
        subject=f"Kết quả tự kiểm tra công vụ năm {s.decided_at.year}",
        addressees=[f"{body}."],
        sections=[
            Section(
                paragraphs=[
                    f"{opening}, {issuer.name if issuer else s.unit_name} báo cáo kết quả như sau:"
                ]
            ),
            Section(
                heading="I. KẾT QUẢ TỰ KIỂM TRA",
                table=Table(header=["STT", "Tồn tại, hạn chế", "Kết quả khắc phục"], rows=rows)
                if rows
                else None,
                paragraphs=[] if rows else ["Không phát hiện tồn tại, hạn chế."],
            ),
        ],
        signatures=[Signature(form="", position="THỦ TRƯỞNG ĐƠN VỊ", name="")],
    )


def _formed_team(session: Session, s: InspectionSnapshot) -> list[TeamMember]:
    """The team as it was formed: a later decision changing it is a document of its own, and
    the decision keeps naming the team it formed."""
    formed = next((h.seq for h in s.history if h.trigger == Trigger.FORM_TEAM.value), None)
    changed = any(h.trigger == Trigger.CHANGE_TEAM.value for h in s.history)
    if formed is None or not changed:
        return s.team
    event = event_of(session, s.inspection_id, formed)
    members = (event.payload.get("members") if event is not None else None) or []
    return [TeamMember.model_validate(m) for m in members] or s.team


def _team_table(team: list[TeamMember]) -> Table:
    """The team as decisions list it: name, position and office, task in the team."""
    return Table(
        header=["STT", "Họ và tên", "Chức vụ, đơn vị công tác", "Nhiệm vụ"],
        rows=[
            [
                str(i),
                m.name,
                ", ".join(p for p in (m.position, m.organisation_name) if p),
                TEAM_ROLE_VI.get(m.team_role.value, m.team_role.value),
            ]
            for i, m in enumerate(team, start=1)
        ],
    )


def _member_position(m: TeamMember) -> str:
    """A member as the minutes name them: task in the team, then position and office."""
    return ", ".join(
        p for p in (TEAM_ROLE_VI.get(m.team_role.value, ""), m.position, m.organisation_name) if p
    )


def file_name(work: Paperwork, extension: str) -> str:
    """An ASCII file name: the kind and the symbol (94/QĐ-UBND → decision-94-Q-UBND)."""
    ascii_symbol = work.document.symbol.encode("ascii", "ignore").decode()
    safe = "".join(c if c.isalnum() else "-" for c in ascii_symbol).strip("-")
    return f"{work.paper.value}-{safe or work.document.number}.{extension}"
