"""Notification texts, Vietnamese and English, one template per ``NoticeKind``.

Pure functions of the notification's kind, deadline key and payload. Payload keys read here
(all optional; a missing one drops its sentence rather than printing a blank):

``title``, ``unit_name``, ``decision_number``, ``number`` (or ``notice_number`` /
``conclusion_number``, with ``notice_date`` / ``conclusion_date``, ``decision_date``,
``visit_planned_on``), ``cycle``, ``findings`` (each with ``no``, ``criterion``,
``description``, ``due_on``) and ``findings_more``, ``link`` (the inspection's page, added by
the notify activity), ``deadline_kind`` (else the deadline key's first part names the
deadline), ``due_on`` (ISO date), ``days_left`` or ``days_before`` (working days),
``days_overdue``, ``criterion``, ``finding_no``, ``level`` (escalation level: a number from 1,
or a chain step such as ``head_of_unit``), ``reason`` (an extension request's), ``outcome``
(``granted`` | ``refused``) and ``note`` (an extension decision's; its ``due_on`` is the new
due date, or the one that stays), ``on`` (the digest's date) and ``due`` / ``overdue`` (the
digest's items, each with ``title``, ``unit_name``, ``deadline``, ``due_on``).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from states.vocabulary import NoticeKind


@dataclass(frozen=True)
class Rendered:
    """A notification's text in both languages."""

    subject_vi: str
    subject_en: str
    body_vi: str
    body_en: str


# What each kind of deadline is called, by the first part of its key (e.g. remediation:2:1).
DEADLINE_LABELS: dict[str, tuple[str, str]] = {
    "visit": ("buổi làm việc tại đơn vị", "the visit"),
    "on_site": ("thời hạn kiểm tra trực tiếp", "the on-site check"),
    "findings_report": (
        "báo cáo kết quả kiểm tra của trưởng đoàn",
        "the team leader's findings report",
    ),
    "conclusion": ("báo cáo kết quả và kết luận kiểm tra", "the findings report and conclusion"),
    "acknowledgement": ("việc tiếp thu kết luận kiểm tra", "the acknowledgement of the conclusion"),
    "remediation": ("việc khắc phục tồn tại, hạn chế", "the remediation"),
    "reinspection": ("việc lên lịch kiểm tra lại", "scheduling the re-inspection"),
    "verification": ("việc kiểm tra lại", "the re-inspection"),
}
_ANY_DEADLINE = ("thời hạn", "the deadline")

LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "unit_rep": ("người đại diện đơn vị", "the unit's representative"),
    "head_of_unit": ("thủ trưởng đơn vị", "the head of the unit"),
    "coordinator": ("cán bộ đầu mối", "the coordinator"),
    "decision_maker": ("người ra quyết định kiểm tra", "the decision-maker"),
}


def vi_date(day: date) -> str:
    """``ngày 05 tháng 3 năm 2025``: days 1–9 and months 1–2 take a leading zero (Decree 30)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def en_date(day: date) -> str:
    """ISO 8601, which no English reader misreads."""
    return day.isoformat()


def as_date(value: Any) -> date | None:
    """A payload date: a ``date`` or its ISO text (a timestamp's date part); else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def deadline_label(deadline: str) -> tuple[str, str]:
    """The (Vietnamese, English) name of the deadline a key such as ``remediation:2:1`` is."""
    head = deadline.replace("@", ":").split(":", 1)[0]
    return DEADLINE_LABELS.get(head, _ANY_DEADLINE)


def level_label(level: Any) -> tuple[str, str]:
    """The (Vietnamese, English) name of an escalation level: a chain step or a number.

    Level 0 (or none) means "not an escalation" and has no name.
    """
    if isinstance(level, int) and not isinstance(level, bool):
        return (f"cấp {level}", f"level {level}") if level > 0 else ("", "")
    text = str(level or "")
    return LEVEL_LABELS.get(text, (text, text))


def render(kind: NoticeKind, payload: Mapping[str, Any], deadline: str = "") -> Rendered:
    """The subject and body of a ``kind`` notification in both languages: what happened,
    then the findings it concerns and the page's link."""
    c = _Context(payload, deadline)
    text = _TEMPLATES[kind](c)
    findings_vi, findings_en = _findings(c, kind)
    link = str(payload.get("link") or "")
    return Rendered(
        subject_vi=text.subject_vi,
        subject_en=text.subject_en,
        body_vi=_lines(text.body_vi, *findings_vi, _if(link, f"Xem chi tiết: {link}")),
        body_en=_lines(text.body_en, *findings_en, _if(link, f"Details: {link}")),
    )


def _findings(c: "_Context", kind: NoticeKind) -> tuple[list[str], list[str]]:
    """The open findings with their due dates: all of them in the conclusion; in a reminder
    or an overdue notice only from the second cycle on, which ones are still open."""
    listed = c.payload.get("findings")
    items = [i for i in listed if isinstance(i, Mapping)] if isinstance(listed, list) else []
    more = _int(c.payload.get("findings_more")) or 0
    cycle = _int(c.payload.get("cycle")) or 1
    if not items or (kind is not NoticeKind.CONCLUSION_ISSUED and cycle < 2):
        return [], []
    if kind is NoticeKind.CONCLUSION_ISSUED:
        vi = ["Các tồn tại, hạn chế phải khắc phục:"]
        en = ["Findings to remediate:"]
    else:
        vi = [f"Lần khắc phục thứ {cycle}: các tồn tại, hạn chế còn chưa khắc phục xong:"]
        en = [f"Remediation cycle {cycle}: findings still open:"]
    for item in items:
        no, criterion = item.get("no"), str(item.get("criterion") or "")
        description = str(item.get("description") or "")
        due = as_date(item.get("due_on"))
        vi.append(
            f"- Số {no}{_paren(criterion)}"
            + (f": {description}" if description else "")
            + (f" — hạn khắc phục {vi_date(due)}" if due else "")
        )
        en.append(
            f"- No. {no}{_paren(criterion)}"
            + (f": {description}" if description else "")
            + (f" — due {en_date(due)}" if due else "")
        )
    if more > 0:
        vi.append(f"(và {more} tồn tại khác)")
        en.append(f"(and {more} more)")
    return vi, en


class _Context:
    """The payload's values, formatted once for both languages."""

    def __init__(self, payload: Mapping[str, Any], deadline: str) -> None:
        self.payload = payload
        self.title = str(payload.get("title") or "")
        self.unit = str(payload.get("unit_name") or "")
        self.decision = str(payload.get("decision_number") or "")
        self.number = str(payload.get("number") or "")
        self.notice = _paper(payload, "notice")
        self.conclusion = _paper(payload, "conclusion")
        self.decision_date = as_date(payload.get("decision_date"))
        self.visit_on = as_date(payload.get("visit_planned_on"))
        self.criterion = str(payload.get("criterion") or "")
        self.reason = str(payload.get("reason") or "")
        self.days_left = _int(payload.get("days_left", payload.get("days_before")))
        self.days_overdue = _int(payload.get("days_overdue"))
        due = as_date(payload.get("due_on"))
        self.due_vi = vi_date(due) if due else ""
        self.due_en = en_date(due) if due else ""
        self.what_vi, self.what_en = deadline_label(str(payload.get("deadline_kind") or deadline))
        self.level_vi, self.level_en = level_label(payload.get("level"))

    def about_vi(self) -> str:
        """``cuộc kiểm tra "…" tại …`` — which inspection the message is about."""
        text = f'cuộc kiểm tra "{self.title}"' if self.title else "cuộc kiểm tra"
        return f"{text} tại {self.unit}" if self._unit_untold() else text

    def about_en(self) -> str:
        text = f'the inspection "{self.title}"' if self.title else "the inspection"
        return f"{text} of {self.unit}" if self._unit_untold() else text

    def _unit_untold(self) -> bool:
        # Titles usually name the unit already ("Kiểm tra công vụ tại UBND xã An Phú").
        return bool(self.unit) and self.unit not in self.title


@dataclass(frozen=True)
class _Paper:
    """A document's number and date as the notice names them."""

    number: str
    on: date | None

    def vi(self, name: str) -> str:
        return f"{name} số {self.number}" + (f" {vi_date(self.on)}" if self.on else "")

    def en(self, name: str) -> str:
        return f"{name} {self.number}" + (f" of {en_date(self.on)}" if self.on else "")


def _paper(payload: Mapping[str, Any], name: str) -> _Paper | None:
    number = str(payload.get(f"{name}_number") or "")
    return _Paper(number, as_date(payload.get(f"{name}_date"))) if number else None


def _reference(c: "_Context") -> tuple[str | None, str | None]:
    """The latest document a reminder or decision concerns: the conclusion, else the notice,
    else the decision."""
    if c.conclusion:
        return (
            c.conclusion.vi("Theo Thông báo kết luận kiểm tra") + ".",
            c.conclusion.en("Under conclusion notice") + ".",
        )
    if c.notice:
        return (c.notice.vi("Theo Thông báo kiểm tra") + ".", c.notice.en("Under notice") + ".")
    if c.decision:
        decision = _Paper(c.decision, c.decision_date)
        return (
            decision.vi("Theo Quyết định kiểm tra") + ".",
            decision.en("Under inspection decision") + ".",
        )
    return None, None


def _item(c: "_Context") -> tuple[str | None, str | None]:
    """Which finding a deadline is about: its number and criterion, or the criterion."""
    finding = _int(c.payload.get("finding_no"))
    if finding:
        return (
            f"Tồn tại số {finding}{_paren(c.criterion)}.",
            f"Finding {finding}{_paren(c.criterion)}.",
        )
    return (
        _if(c.criterion, f"Tiêu chí: {c.criterion}."),
        _if(c.criterion, f"Criterion: {c.criterion}."),
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _lines(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _if(value: object, text: str) -> str | None:
    return text if value else None


def _said_vi(paper: _Paper | None, name: str) -> str | None:
    return paper.vi(name) + "." if paper else None


def _said_en(paper: _Paper | None, name: str) -> str | None:
    return paper.en(name) + "." if paper else None


def _notice_issued(c: _Context) -> Rendered:
    notice = c.notice or (_Paper(c.number, None) if c.number else None)
    decision = _Paper(c.decision, c.decision_date) if c.decision else None
    visit = c.visit_on or as_date(c.payload.get("due_on"))
    return Rendered(
        subject_vi=f"Thông báo kiểm tra: {c.title}",
        subject_en=f"Inspection notice: {c.title}",
        body_vi=_lines(
            f"Thông báo về {c.about_vi()}.",
            _said_vi(decision, "Căn cứ Quyết định kiểm tra"),
            _said_vi(notice, "Thông báo kiểm tra"),
            f"Đoàn kiểm tra dự kiến làm việc tại đơn vị {vi_date(visit)}." if visit else None,
        ),
        body_en=_lines(
            f"Notice of {c.about_en()}.",
            _said_en(decision, "Under inspection decision"),
            _said_en(notice, "Notice"),
            f"The team plans to visit on {en_date(visit)}." if visit else None,
        ),
    )


def _conclusion_issued(c: _Context) -> Rendered:
    conclusion = c.conclusion or (_Paper(c.number, None) if c.number else None)
    return Rendered(
        subject_vi=f"Kết luận kiểm tra: {c.title}",
        subject_en=f"Inspection conclusion: {c.title}",
        body_vi=_lines(
            f"Đã ban hành kết luận {c.about_vi()}.",
            _said_vi(conclusion, "Thông báo kết luận kiểm tra"),
            _if(c.due_vi, f"Thời hạn khắc phục: {c.due_vi}."),
        ),
        body_en=_lines(
            f"The conclusion of {c.about_en()} has been issued.",
            _said_en(conclusion, "Conclusion notice"),
            _if(c.due_en, f"Remediation is due on {c.due_en}."),
        ),
    )


def _reminder(c: _Context) -> Rendered:
    left_vi = f" (còn {c.days_left} ngày làm việc)" if c.days_left is not None else ""
    left_en = f" ({c.days_left} working days left)" if c.days_left is not None else ""
    item_vi, item_en = _item(c)
    ref_vi, ref_en = _reference(c)
    return Rendered(
        subject_vi=f"Nhắc hạn: {c.what_vi} — {c.title}",
        subject_en=f"Reminder: {c.what_en} — {c.title}",
        body_vi=_lines(
            f"{_cap(c.what_vi)} của {c.about_vi()} đến hạn {c.due_vi}{left_vi}."
            if c.due_vi
            else f"{_cap(c.what_vi)} của {c.about_vi()} sắp đến hạn.",
            item_vi,
            ref_vi,
        ),
        body_en=_lines(
            f"{_cap(c.what_en)} of {c.about_en()} is due on {c.due_en}{left_en}."
            if c.due_en
            else f"{_cap(c.what_en)} of {c.about_en()} is due soon.",
            item_en,
            ref_en,
        ),
    )


def _overdue_sentences(c: _Context) -> tuple[str, str]:
    since_vi = f" từ {c.due_vi}" if c.due_vi else ""
    since_en = f" since {c.due_en}" if c.due_en else ""
    if c.days_overdue:
        since_vi += f" (quá {c.days_overdue} ngày)"
        since_en += f" ({c.days_overdue} days late)"
    return (
        f"{_cap(c.what_vi)} của {c.about_vi()} đã quá hạn{since_vi}.",
        f"{_cap(c.what_en)} of {c.about_en()} is overdue{since_en}.",
    )


def _overdue(c: _Context) -> Rendered:
    vi, en = _overdue_sentences(c)
    item_vi, item_en = _item(c)
    ref_vi, ref_en = _reference(c)
    return Rendered(
        subject_vi=f"Quá hạn: {c.what_vi} — {c.title}",
        subject_en=f"Overdue: {c.what_en} — {c.title}",
        body_vi=_lines(vi, item_vi, ref_vi),
        body_en=_lines(en, item_en, ref_en),
    )


def _escalation(c: _Context) -> Rendered:
    vi, en = _overdue_sentences(c)
    item_vi, item_en = _item(c)
    ref_vi, ref_en = _reference(c)
    return Rendered(
        subject_vi=f"Báo cáo quá hạn{_paren(c.level_vi)}: {c.what_vi} — {c.title}",
        subject_en=f"Overdue escalation{_paren(c.level_en)}: {c.what_en} — {c.title}",
        body_vi=_lines(
            vi,
            item_vi,
            ref_vi,
            _if(c.level_vi, f"Theo quy trình xử lý quá hạn, việc này được báo tới {c.level_vi}."),
        ),
        body_en=_lines(
            en,
            item_en,
            ref_en,
            _if(c.level_en, f"Under the overdue procedure this is now raised to {c.level_en}."),
        ),
    )


def _extension_requested(c: _Context) -> Rendered:
    return Rendered(
        subject_vi=f"Đề nghị gia hạn: {c.title}",
        subject_en=f"Extension requested: {c.title}",
        body_vi=_lines(
            f"Đề nghị gia hạn {c.what_vi} của {c.about_vi()}"
            + (f" đến {c.due_vi}." if c.due_vi else "."),
            _if(c.criterion, f"Tiêu chí: {c.criterion}."),
            _if(c.reason, f"Lý do: {c.reason}"),
        ),
        body_en=_lines(
            f"An extension of {c.what_en} of {c.about_en()} is requested"
            + (f" until {c.due_en}." if c.due_en else "."),
            _if(c.criterion, f"Criterion: {c.criterion}."),
            _if(c.reason, f"Reason: {c.reason}"),
        ),
    )


def _extension_decided(c: _Context) -> Rendered:
    outcome = c.payload.get("outcome")
    note = str(c.payload.get("note") or "")
    if outcome == "granted":
        vi, en = "Đồng ý gia hạn", "Extension granted"
        when_vi, when_en = f"Thời hạn mới: {c.due_vi}.", f"New due date: {c.due_en}."
    elif outcome == "refused":
        vi, en = "Không đồng ý gia hạn", "Extension refused"
        when_vi, when_en = f"Thời hạn giữ nguyên: {c.due_vi}.", f"The due date stays {c.due_en}."
    else:
        # Without the outcome say only that it was decided: never the wrong answer.
        vi, en = "Đã xem xét đề nghị gia hạn", "Extension request decided"
        when_vi, when_en = f"Thời hạn: {c.due_vi}.", f"Due on {c.due_en}."
    finding = _int(c.payload.get("finding_no"))
    return Rendered(
        subject_vi=f"{vi}: {c.title}",
        subject_en=f"{en}: {c.title}",
        body_vi=_lines(
            f"{vi} {c.what_vi} của {c.about_vi()}.",
            _if(finding, f"Tồn tại số {finding}" + _paren(c.criterion) + "."),
            _if(c.criterion and not finding, f"Tiêu chí: {c.criterion}."),
            _if(c.due_vi, when_vi),
            _if(note, f"Ý kiến: {note}"),
            _reference(c)[0],
        ),
        body_en=_lines(
            f"{en} for {c.what_en} of {c.about_en()}.",
            _if(finding, f"Finding {finding}" + _paren(c.criterion) + "."),
            _if(c.criterion and not finding, f"Criterion: {c.criterion}."),
            _if(c.due_en, when_en),
            _if(note, f"Note: {note}"),
            _reference(c)[1],
        ),
    )


def _digest_items(items: Any, vi: bool) -> list[str]:
    lines = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        what_vi, what_en = deadline_label(str(item.get("deadline") or ""))
        due = as_date(item.get("due_on"))
        title, unit = str(item.get("title") or ""), str(item.get("unit_name") or "")
        where = f" ({unit})" if unit else ""
        if vi:
            lines.append(f"- {title}{where}: {what_vi}" + (f", hạn {vi_date(due)}" if due else ""))
        else:
            lines.append(f"- {title}{where}: {what_en}" + (f", due {en_date(due)}" if due else ""))
    return lines


def _digest(c: _Context) -> Rendered:
    due, overdue = c.payload.get("due"), c.payload.get("overdue")
    n_due = len(due) if isinstance(due, list) else 0
    n_over = len(overdue) if isinstance(overdue, list) else 0
    on = as_date(c.payload.get("on"))
    return Rendered(
        subject_vi=f"Tổng hợp {vi_date(on) if on else 'hằng ngày'}: "
        f"{n_due} việc sắp đến hạn, {n_over} việc quá hạn",
        subject_en=f"Digest {en_date(on) if on else 'of the day'}: "
        f"{n_due} due soon, {n_over} overdue",
        body_vi=_lines(
            "Sắp đến hạn (3 ngày làm việc tới):" if n_due else "Không có việc sắp đến hạn.",
            *_digest_items(due, vi=True),
            "Quá hạn:" if n_over else "Không có việc quá hạn.",
            *_digest_items(overdue, vi=True),
        ),
        body_en=_lines(
            "Due in the next 3 working days:" if n_due else "Nothing is due soon.",
            *_digest_items(due, vi=False),
            "Overdue:" if n_over else "Nothing is overdue.",
            *_digest_items(overdue, vi=False),
        ),
    )


def _self_inspection_reported(c: _Context) -> Rendered:
    findings = _int(c.payload.get("findings_total")) or 0
    resolved = _int(c.payload.get("resolved")) or 0
    referred = _int(c.payload.get("referred")) or 0
    return Rendered(
        subject_vi=f"Báo cáo kết quả tự kiểm tra: {c.title}",
        subject_en=f"Self-inspection report: {c.title}",
        body_vi=_lines(
            f"{_cap(c.unit) or 'Đơn vị'} đã hoàn thành {c.about_vi()} và báo cáo kết quả.",
            _if(c.decision, f"Quyết định tự kiểm tra số {c.decision}."),
            _if(c.conclusion, c.conclusion.vi("Thông báo kết luận") + "." if c.conclusion else ""),
            f"Phát hiện {findings} tồn tại, hạn chế; đã khắc phục {resolved}"
            + (f"; chuyển xử lý kỷ luật {referred}." if referred else "."),
        ),
        body_en=_lines(
            f"{c.unit or 'The unit'} has completed {c.about_en()} and reports its result.",
            _if(c.decision, f"Self-inspection decision {c.decision}."),
            _if(c.conclusion, c.conclusion.en("Conclusion notice") + "." if c.conclusion else ""),
            f"{findings} findings; {resolved} remediated"
            + (f"; {referred} referred to discipline." if referred else "."),
        ),
    )


def _discipline_due(c: _Context) -> Rendered:
    """A discipline record the managing authority has not decided, near or past its limit."""
    person = str(c.payload.get("person_name") or "")
    form_vi = str(c.payload.get("form_vi") or "")
    form_en = str(c.payload.get("form_en") or "")
    finding = _int(c.payload.get("finding_no"))
    late = bool(c.payload.get("overdue"))
    where_vi = c.conclusion.vi("Thông báo kết luận") if c.conclusion else "Thông báo kết luận"
    where_en = c.conclusion.en("Conclusion notice") if c.conclusion else "The conclusion notice"
    return Rendered(
        subject_vi=("Quá hạn" if late else "Sắp đến hạn")
        + f" xử lý kỷ luật: {person}"
        + (f" (hạn {c.due_vi})" if c.due_vi else ""),
        subject_en=("Overdue" if late else "Due soon")
        + f" discipline decision: {person}"
        + (f" (due {c.due_en})" if c.due_en else ""),
        body_vi=_lines(
            f"{where_vi}"
            + (f", tồn tại số {finding}" if finding else "")
            + f" kiến nghị xử lý kỷ luật {person}"
            + (f" (đề xuất hình thức {form_vi.lower()})" if form_vi else "")
            + ".",
            _if(c.title, f"Cuộc kiểm tra: {c.title}" + _paren(c.unit) + "."),
            _if(c.due_vi, f"Thời hạn xử lý kỷ luật: {c.due_vi}."),
        ),
        body_en=_lines(
            f"{where_en}"
            + (f", finding {finding}," if finding else "")
            + f" recommends discipline for {person}"
            + (f" (proposed: {form_en.lower()})" if form_en else "")
            + ".",
            _if(c.title, f"Inspection: {c.title}" + _paren(c.unit) + "."),
            _if(c.due_en, f"Time limit for the decision: {c.due_en}."),
        ),
    )


def _names(value: Any) -> str:
    return ", ".join(str(n) for n in value) if isinstance(value, list) else ""


def _team_changed(c: _Context) -> Rendered:
    joined, left = _names(c.payload.get("joined")), _names(c.payload.get("left"))
    number_vi = f" số {c.number}" if c.number else ""
    number_en = f" {c.number}" if c.number else ""
    return Rendered(
        subject_vi=f"Thay đổi thành viên Đoàn kiểm tra: {c.title}",
        subject_en=f"Team changed: {c.title}",
        body_vi=_lines(
            f"Quyết định{number_vi} thay đổi thành viên Đoàn kiểm tra {c.about_vi()}.",
            _if(joined, f"Tham gia Đoàn: {joined}."),
            _if(left, f"Thôi tham gia Đoàn: {left}."),
            _if(c.reason, f"Lý do: {c.reason}."),
        ),
        body_en=_lines(
            f"Decision{number_en} changes the team of {c.about_en()}.",
            _if(joined, f"Joining the team: {joined}."),
            _if(left, f"Leaving the team: {left}."),
            _if(c.reason, f"Reason: {c.reason}."),
        ),
    )


_TEMPLATES: dict[NoticeKind, Callable[[_Context], Rendered]] = {
    NoticeKind.NOTICE_ISSUED: _notice_issued,
    NoticeKind.CONCLUSION_ISSUED: _conclusion_issued,
    NoticeKind.REMINDER: _reminder,
    NoticeKind.OVERDUE: _overdue,
    NoticeKind.ESCALATION: _escalation,
    NoticeKind.EXTENSION_REQUESTED: _extension_requested,
    NoticeKind.EXTENSION_DECIDED: _extension_decided,
    NoticeKind.DIGEST: _digest,
    NoticeKind.SELF_INSPECTION_REPORTED: _self_inspection_reported,
    NoticeKind.TEAM_CHANGED: _team_changed,
    NoticeKind.DISCIPLINE_DUE: _discipline_due,
}
