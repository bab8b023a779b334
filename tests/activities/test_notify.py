"""The notify and deliver_email activities against real SQLite and a real SMTP server."""

import dataclasses
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlmodel import Session, col, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.mailer import SmtpMailer, message_id_for
from activities.notify import NotifyActivities
from activities.templates import render, vi_date
from states import deadlines, procedure
from states.calendar import local_date
from states.models import (
    DecideExtensionInput,
    InspectionSnapshot,
    NotifyInput,
    Verification,
    VerifyInput,
)
from states.vocabulary import (
    Audience,
    InspectionKind,
    NoticeKind,
    Role,
    Trigger,
    VerificationOutcome,
)
from store import outbox
from store.db import make_engine
from store.projection import project
from store.tables import Notification, Organisation, User
from testkit.mailbox import Mailbox, free_port, smtp_server
from tests.conftest import migrated_sqlite
from tests.unit import builders

PROVINCE, SNV, COMMUNE, SCHOOL, OTHER = "p", "snv", "commune", "school", "other"
TREE = [
    (PROVINCE, None),
    (SNV, PROVINCE),
    (COMMUNE, PROVINCE),
    (SCHOOL, COMMUNE),
    (OTHER, PROVINCE),
]
# username → (role, organisation); every account has an address except "no_mail".
PEOPLE = {
    "coord": (Role.COORDINATOR, SNV),
    "chair": (Role.DECISION_MAKER, PROVINCE),
    "leader": (Role.INSPECTOR, SNV),
    "member": (Role.INSPECTOR, SNV),
    "insider": (Role.INSPECTOR, SCHOOL),
    "rep": (Role.UNIT_REP, COMMUNE),
    "head": (Role.DECISION_MAKER, COMMUNE),
    "school_rep": (Role.UNIT_REP, SCHOOL),
    "other_rep": (Role.UNIT_REP, OTHER),
    "no_mail": (Role.INSPECTOR, SNV),
}


def address(username: str) -> str:
    return "" if username == "no_mail" else f"{username}@example.vn"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh migrated SQLite file with the tree and the accounts (user id = username)."""
    engine = make_engine(migrated_sqlite(tmp_path))
    with Session(engine) as session:
        for oid, parent in TREE:
            session.add(Organisation(id=oid, code=oid, name=oid, level="x", parent_id=parent))
            session.commit()
        for username, (role, org) in PEOPLE.items():
            session.add(
                User(
                    id=username,
                    username=username,
                    email=address(username),
                    password_hash="-",
                    role=role.value,
                    organisation_id=org,
                )
            )
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as served:
        yield served


def mailer_on(port: int) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", port, sender="kiemtra@snv.example.vn", timeout=5)


def notice(audiences: list[Audience], **fields: object) -> NotifyInput:
    values: dict[str, object] = {
        "inspection_id": uuid.uuid4().hex[:12],
        "kind": NoticeKind.REMINDER,
        "deadline": "remediation:1:1@2025-03-05:reminder:3",
        "audiences": audiences,
        "unit_id": COMMUNE,
        "team_user_ids": ["leader", "member"],
        "coordinator_id": "coord",
        "payload": {"title": "Kiểm tra công vụ", "unit_name": "UBND xã", "due_on": "2025-03-05"},
    }
    return NotifyInput.model_validate(values | fields)


def rows(engine: Engine, inspection_id: str, channel: str | None = None) -> list[Notification]:
    with Session(engine) as session:
        query = select(Notification).where(Notification.inspection_id == inspection_id)
        if channel:
            query = query.where(Notification.channel == channel)
        return list(session.exec(query.order_by(col(Notification.id))).all())


def recipients(engine: Engine, inspection_id: str) -> set[str]:
    return {r.recipient_user_id for r in rows(engine, inspection_id, "in_app")}


def row(engine: Engine, notification_id: int) -> Notification:
    with Session(engine) as session:
        found = session.get(Notification, notification_id)
        assert found is not None
        return found


env = ActivityEnvironment()


@pytest.mark.parametrize(
    ("audience", "fields", "expected"),
    [
        (Audience.UNIT, {}, {"rep"}),
        (Audience.HEAD_OF_UNIT, {}, {"head"}),
        (Audience.TEAM, {}, {"leader", "member"}),
        (Audience.COORDINATOR, {}, {"coord"}),
        # No issuer named: the nearest organisation up from the coordinator's with one.
        (Audience.DECISION_MAKER, {}, {"chair"}),
        (Audience.DECISION_MAKER, {"decision_issuer_id": COMMUNE}, {"head"}),
        (Audience.DECISION_MAKER, {"decision_issuer_id": SNV}, set()),
    ],
)
def test_recipients_per_audience(
    engine: Engine, audience: Audience, fields: dict[str, object], expected: set[str]
):
    inp = notice([audience], **fields)
    env.run(NotifyActivities(engine).notify, inp)
    assert recipients(engine, inp.inspection_id) == expected


def test_inactive_accounts_are_not_told(engine: Engine):
    with Session(engine) as session:
        member = session.get(User, "member")
        assert member is not None
        member.active = False
        session.add(member)
        session.commit()
    inp = notice([Audience.TEAM])
    env.run(NotifyActivities(engine).notify, inp)
    assert recipients(engine, inp.inspection_id) == {"leader"}


def test_secrecy_reaches_the_issuing_side_only(engine: Engine) -> None:
    """A secret inspection's notice reaches nobody outside the issuing side, whoever the
    audiences name."""
    secret = notice(
        [Audience.DECISION_MAKER, Audience.COORDINATOR, Audience.TEAM],
        unit_id=SCHOOL,
        team_user_ids=["leader"],
        secret_from_unit=True,
        decision_issuer_id=COMMUNE,  # the commune decided: its head is told, nobody else
        office_id=SNV,
    )
    env.run(NotifyActivities(engine).notify, secret)
    assert recipients(engine, secret.inspection_id) == {"leader", "coord", "head"}


def test_secrecy_drops_the_unit_and_its_sub_units(engine: Engine, smtp: tuple[Mailbox, int]):
    mailbox, port = smtp
    acts = NotifyActivities(engine, mailer_on(port))
    everyone = list(Audience)
    team = ["leader", "insider"]  # the insider works at a school under the inspected commune

    secret = notice(
        everyone,
        team_user_ids=team,
        secret_from_unit=True,
        decision_issuer_id=PROVINCE,
        office_id=SNV,
    )
    for notification_id in env.run(acts.notify, secret):
        env.run(acts.deliver_email, notification_id)
    assert recipients(engine, secret.inspection_id) == {"leader", "coord", "chair"}
    told = {m["To"] for m in mailbox.messages}
    assert told == {address(u) for u in ("leader", "coord", "chair")}
    for insider in ("rep", "head", "school_rep", "insider"):
        assert not mailbox.to(address(insider))

    # Once on site the same audiences reach the unit (its sub-unit's rep is no audience).
    announced = notice(everyone, team_user_ids=team)
    env.run(acts.notify, announced)
    assert recipients(engine, announced.inspection_id) == {
        "leader",
        "insider",
        "coord",
        "chair",
        "rep",
        "head",
    }


def test_notify_twice_one_row_each_and_deliver_twice_sends_one(
    engine: Engine, smtp: tuple[Mailbox, int]
):
    mailbox, port = smtp
    acts = NotifyActivities(engine, mailer_on(port))
    inp = notice([Audience.TEAM, Audience.COORDINATOR], team_user_ids=["leader", "no_mail"])

    first = env.run(acts.notify, inp)
    again = env.run(acts.notify, inp)
    assert first == again and len(first) == 2  # leader and coord; no_mail has no address
    in_app = rows(engine, inp.inspection_id, "in_app")
    email = rows(engine, inp.inspection_id, "email")
    assert sorted(r.recipient_user_id for r in in_app) == ["coord", "leader", "no_mail"]
    assert sorted(r.recipient_user_id for r in email) == ["coord", "leader"]
    assert all(r.status == "sent" and r.sent_at is not None for r in in_app)
    assert all(r.status == "pending" and r.attempts == 0 for r in email)

    for notification_id in first:
        env.run(acts.deliver_email, notification_id)
        env.run(acts.deliver_email, notification_id)  # a retry after success
    assert len(mailbox.messages) == 2
    for notification_id in first:
        sent = row(engine, notification_id)
        assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
        (message,) = mailbox.to(address(sent.recipient_user_id))
        assert message["Message-ID"] == message_id_for(sent.key, "kiemtra@snv.example.vn")
        assert message["Subject"] == sent.subject_vi
        assert "ngày 05 tháng 3 năm 2025" in message.get_content()
        assert sent.subject_en in message.get_content()

    # Everything is delivered: a third run has nothing left to send.
    assert env.run(acts.notify, inp) == []
    assert len(rows(engine, inp.inspection_id)) == 5


def test_refused_recipient_leaves_failed_then_retry_sends_once(
    engine: Engine, smtp: tuple[Mailbox, int]
):
    mailbox, port = smtp
    acts = NotifyActivities(engine, mailer_on(port))
    (notification_id,) = env.run(acts.notify, notice([Audience.COORDINATOR]))

    mailbox.refuse = 1
    with pytest.raises(ApplicationError) as refused:
        env.run(acts.deliver_email, notification_id)
    assert refused.value.type == "smtp_error" and not refused.value.non_retryable
    failed = row(engine, notification_id)
    assert (failed.status, failed.attempts, failed.sent_at) == ("failed", 1, None)
    assert "550" in failed.last_error
    assert mailbox.messages == []

    env.run(acts.deliver_email, notification_id)
    env.run(acts.deliver_email, notification_id)
    sent = row(engine, notification_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, "")
    assert len(mailbox.to(address("coord"))) == 1


def test_database_down_after_smtp_accepts_records_sent_without_sending_again(
    engine: Engine, smtp: tuple[Mailbox, int]
):
    """The outbox is locked the moment the SMTP server accepts: the attempt waits, no resend."""
    mailbox, port = smtp
    url = engine.url.render_as_string(hide_password=False)
    impatient = create_engine(url, connect_args={"timeout": 0.05})  # no 30 s busy wait
    acts = NotifyActivities(impatient, mailer_on(port))
    (notification_id,) = env.run(acts.notify, notice([Audience.COORDINATOR]))

    locker = sqlite3.connect(engine.url.database or "", check_same_thread=False)
    released = threading.Event()

    def lock_for_a_while() -> None:
        locker.execute("BEGIN EXCLUSIVE")
        threading.Timer(1.0, lambda: (locker.rollback(), released.set())).start()

    mailbox.on_accept = lock_for_a_while
    as_in_workflow = ActivityEnvironment()  # the workflow gives an attempt 60 s
    as_in_workflow.info = dataclasses.replace(
        env.info, started_time=datetime.now(UTC), start_to_close_timeout=timedelta(seconds=60)
    )
    as_in_workflow.run(acts.deliver_email, notification_id)
    assert released.is_set()  # the attempt outlived the lock instead of failing inside it
    mailbox.on_accept = None
    env.run(acts.deliver_email, notification_id)  # a retry after success
    sent = row(engine, notification_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, "")
    assert len(mailbox.messages) == 1
    locker.close()
    impatient.dispose()


def test_server_down_leaves_failed_then_retry_sends_once(engine: Engine):
    port = free_port()  # nothing listens here yet
    acts = NotifyActivities(engine, mailer_on(port))
    inp = notice([Audience.COORDINATOR])
    (notification_id,) = env.run(acts.notify, inp)

    with pytest.raises(ApplicationError):
        env.run(acts.deliver_email, notification_id)
    failed = row(engine, notification_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in failed.last_error
    # A failed row is still owed: notify hands it out again.
    assert env.run(acts.notify, inp) == [notification_id]

    with smtp_server(port) as (mailbox, _):
        env.run(acts.deliver_email, notification_id)
        env.run(acts.deliver_email, notification_id)
    assert len(mailbox.messages) == 1
    assert row(engine, notification_id).status == "sent"


def test_without_smtp_notifications_are_in_app_only(engine: Engine):
    inp = notice([Audience.TEAM, Audience.COORDINATOR])
    assert env.run(NotifyActivities(engine).notify, inp) == []
    assert rows(engine, inp.inspection_id, "email") == []
    assert recipients(engine, inp.inspection_id) == {"leader", "member", "coord"}


def test_unknown_email_row_is_not_retried(engine: Engine):
    with pytest.raises(ApplicationError) as missing:
        env.run(NotifyActivities(engine, mailer_on(free_port())).deliver_email, 999)
    assert missing.value.non_retryable and missing.value.type == "not_found"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2025, 3, 5), "ngày 05 tháng 3 năm 2025"),
        (date(2025, 1, 9), "ngày 09 tháng 01 năm 2025"),
        (date(2027, 2, 28), "ngày 28 tháng 02 năm 2027"),
        (date(2025, 10, 10), "ngày 10 tháng 10 năm 2025"),
        (date(2025, 12, 1), "ngày 01 tháng 12 năm 2025"),
    ],
)
def test_vietnamese_date(day: date, text: str):
    assert vi_date(day) == text


def test_templates_format_the_payload_in_both_languages():
    payload = {
        "title": "Kiểm tra công vụ tại UBND xã An Phú",
        "unit_name": "UBND xã An Phú",
        "due_on": "2025-01-07",
        "days_before": 3,
        "criterion": "WH-01",
    }
    reminder = render(NoticeKind.REMINDER, payload, "remediation:1:1@2025-01-07:reminder:3")
    assert "việc khắc phục" in reminder.subject_vi
    assert "ngày 07 tháng 01 năm 2025 (còn 3 ngày làm việc)" in reminder.body_vi
    assert "due on 2025-01-07 (3 working days left)" in reminder.body_en
    assert "WH-01" in reminder.body_vi and "WH-01" in reminder.body_en

    escalation = render(NoticeKind.ESCALATION, payload | {"level": 2, "days_overdue": 4})
    assert "(cấp 2)" in escalation.subject_vi and "(level 2)" in escalation.subject_en
    assert "quá hạn từ ngày 07 tháng 01 năm 2025 (quá 4 ngày)" in escalation.body_vi

    for kind in NoticeKind:  # every kind renders, even from an empty payload
        empty = render(kind, {})
        assert empty.subject_vi and empty.subject_en and "None" not in empty.body_vi


INJECTED = "Kiểm tra công vụ\r\nBcc: evil@example.vn\r\nX-Injected: yes\n\nThân giả"


def test_line_breaks_in_a_title_never_become_headers(engine: Engine, smtp: tuple[Mailbox, int]):
    mailbox, port = smtp
    acts = NotifyActivities(engine, mailer_on(port))
    inp = notice([Audience.COORDINATOR], payload={"title": INJECTED, "due_on": "2025-03-05"})
    (notification_id,) = env.run(acts.notify, inp)

    env.run(acts.deliver_email, notification_id)

    sent = row(engine, notification_id)
    assert (sent.status, sent.last_error) == ("sent", "")
    assert mailbox.recipients == [address("coord")]
    (message,) = mailbox.messages
    subject = str(message["Subject"])
    assert "\r" not in subject and "\n" not in subject
    assert subject.startswith("Nhắc hạn: việc khắc phục tồn tại, hạn chế — Kiểm tra công vụ Bcc:")
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert set(message.keys()) == {
        "From",
        "To",
        "Subject",
        "Message-ID",
        "Auto-Submitted",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    }
    # The body may keep the line breaks: there they are only text.
    assert "Bcc: evil@example.vn" in message.get_content()


@pytest.mark.parametrize(
    "email",
    [
        "coord@example.vn\r\nBcc: evil@example.vn",
        "coord@example.vn, evil@example.vn",
        "not an address",
    ],
)
def test_a_message_that_cannot_be_built_fails_at_once_with_the_reason(
    engine: Engine, smtp: tuple[Mailbox, int], email: str
):
    mailbox, port = smtp
    with Session(engine) as session:
        coord = session.get(User, "coord")
        assert coord is not None
        coord.email = email
        session.add(coord)
        session.commit()
    acts = NotifyActivities(engine, mailer_on(port))
    (notification_id,) = env.run(acts.notify, notice([Audience.COORDINATOR]))

    with pytest.raises(ApplicationError) as refused:
        env.run(acts.deliver_email, notification_id)

    assert refused.value.type == "email_unbuildable" and refused.value.non_retryable
    failed = row(engine, notification_id)
    assert (failed.status, failed.attempts, failed.sent_at) == ("failed", 1, None)
    assert failed.last_error.startswith("message cannot be built: not one e-mail address")
    assert mailbox.messages == [] and mailbox.recipients == []


DECIDED = {
    "title": "Kiểm tra công vụ tại UBND xã An Phú",
    "finding_no": 2,
    "criterion": "ID-01",
    "deadline_kind": "remediation",
}


def test_extension_decision_says_what_was_decided():
    granted = render(
        NoticeKind.EXTENSION_DECIDED,
        DECIDED | {"outcome": "granted", "due_on": "2026-03-02", "note": "đồng ý"},
    )
    assert granted.subject_vi.startswith("Đồng ý gia hạn:")
    assert granted.subject_en.startswith("Extension granted:")
    assert "Thời hạn mới: ngày 02 tháng 3 năm 2026." in granted.body_vi
    assert "New due date: 2026-03-02." in granted.body_en
    assert "Tồn tại số 2 (ID-01)." in granted.body_vi and "Ý kiến: đồng ý" in granted.body_vi
    assert "Không" not in granted.subject_vi + granted.body_vi
    assert "refused" not in granted.subject_en + granted.body_en

    refused = render(
        NoticeKind.EXTENSION_DECIDED,
        DECIDED | {"outcome": "refused", "due_on": "2025-04-14", "note": "không có căn cứ"},
    )
    assert refused.subject_vi.startswith("Không đồng ý gia hạn:")
    assert refused.subject_en.startswith("Extension refused:")
    assert "Thời hạn giữ nguyên: ngày 14 tháng 4 năm 2025." in refused.body_vi
    assert "The due date stays 2025-04-14." in refused.body_en
    assert "Ý kiến: không có căn cứ" in refused.body_vi
    assert "Note: không có căn cứ" in refused.body_en

    # A payload without the outcome claims neither.
    unknown = render(NoticeKind.EXTENSION_DECIDED, {"title": "x"}, "decide_extension:9")
    assert "đồng ý" not in unknown.subject_vi.lower()
    assert "granted" not in unknown.subject_en and "refused" not in unknown.subject_en


def decided_inspection(engine: Engine, grant: bool) -> NotifyInput:
    """An inspection whose unit asked more time for finding 2 and was answered, projected
    as the workflow projects it; returns the notification the workflow then sends, with
    what the workflow says about the decision (``deadlines.announcement_details``)."""
    asked = builders.reach("remediation_requested", InspectionKind.PLANNED)
    asked = builders.advance(asked, builders.EXTEND_2)
    decide = DecideExtensionInput(
        actor=builders.COORDINATOR, n=1, grant=grant, note="Ý kiến của Sở Nội vụ"
    )
    snapshot, event = procedure.apply(asked, Trigger.DECIDE_EXTENSION, decide, builders.T0)
    project(engine, snapshot, [event])
    inp = deadlines.notification(
        snapshot,
        NoticeKind.EXTENSION_DECIDED,
        [Audience.UNIT],
        f"{Trigger.DECIDE_EXTENSION}:{snapshot.seq}",
        deadlines.announcement_details(Trigger.DECIDE_EXTENSION, asked, snapshot),
    )
    return inp.model_copy(update={"unit_id": COMMUNE})


@pytest.mark.parametrize("grant", [True, False])
def test_notify_tells_the_unit_what_was_decided(
    engine: Engine, smtp: tuple[Mailbox, int], grant: bool
):
    mailbox, port = smtp
    acts = NotifyActivities(engine, mailer_on(port))
    inp = decided_inspection(engine, grant)
    assert inp.payload["outcome"] == ("granted" if grant else "refused")

    for notification_id in env.run(acts.notify, inp):
        env.run(acts.deliver_email, notification_id)

    (told,) = rows(engine, inp.inspection_id, "in_app")
    assert told.recipient_user_id == "rep"
    due = builders.EXTEND_2[1].due_on if grant else told.payload["due_on"]
    if grant:
        assert told.subject_vi.startswith("Đồng ý gia hạn: ")
        assert told.subject_en.startswith("Extension granted: ")
        assert f"Thời hạn mới: {vi_date(due)}." in told.body_vi
    else:
        assert told.subject_vi.startswith("Không đồng ý gia hạn: ")
        assert told.subject_en.startswith("Extension refused: ")
        assert f"Thời hạn giữ nguyên: {vi_date(date.fromisoformat(due))}." in told.body_vi
        assert due != builders.EXTEND_2[1].due_on.isoformat()
    assert "Ý kiến: Ý kiến của Sở Nội vụ" in told.body_vi
    assert "Theo Thông báo kết luận kiểm tra số 210/TB-UBND" in told.body_vi
    assert f"/inspections/{inp.inspection_id}" in told.body_vi
    assert "việc khắc phục tồn tại, hạn chế" in told.body_vi
    (message,) = mailbox.to(address("rep"))
    assert message["Subject"] == told.subject_vi


def test_an_address_that_is_no_account_receives_its_e_mail(
    engine: Engine, smtp: tuple[Mailbox, int]
):
    """A complainant has no account: the row carries the address, and the account it is
    sent for (the complaint's assessor, here one without an address) receives nothing."""
    mailbox, port = smtp
    with Session(engine) as session:
        outbox.insert_once(
            session,
            [
                Notification(
                    key="complaint:c1:answer:email",
                    recipient_user_id="no_mail",
                    recipient_address="nguoidan@example.vn",
                    channel="email",
                    kind="complaint_answer",
                    subject_vi="Trả lời phản ánh, kiến nghị số PA-2027-001",
                    subject_en="Answer to complaint PA-2027-001",
                    body_vi="Kết quả: nội dung phản ánh có cơ sở.",
                    body_en="Result: the complaint is founded.",
                    status="pending",
                    created_at=datetime.now(UTC),
                )
            ],
        )
        session.commit()
        (notification_id,) = outbox.undelivered_ids(session, ["complaint:c1:answer:email"])
    env.run(NotifyActivities(engine, mailer_on(port)).deliver_email, notification_id)
    (message,) = mailbox.messages
    assert mailbox.recipients == ["nguoidan@example.vn"]
    assert message["Subject"] == "Trả lời phản ánh, kiến nghị số PA-2027-001"
    assert row(engine, notification_id).status == "sent"


def test_the_conclusion_names_its_number_date_findings_due_dates_and_page(
    engine: Engine, smtp: tuple[Mailbox, int]
):
    mailbox, port = smtp
    concluded = builders.reach("remediation_requested", InspectionKind.PLANNED)
    inp = deadlines.notification(
        concluded, NoticeKind.CONCLUSION_ISSUED, [Audience.UNIT], "request:1"
    ).model_copy(update={"unit_id": COMMUNE})
    acts = NotifyActivities(engine, mailer_on(port), public_url="https://kiemtra.example.vn/")
    for notification_id in env.run(acts.notify, inp):
        env.run(acts.deliver_email, notification_id)

    (told,) = rows(engine, inp.inspection_id, "in_app")
    assert concluded.concluded_at is not None and concluded.conclusion_number
    on = local_date(concluded.concluded_at)
    number = concluded.conclusion_number
    assert f"Thông báo kết luận kiểm tra số {number} {vi_date(on)}." in told.body_vi
    assert f"Conclusion notice {number} of {on.isoformat()}." in told.body_en
    assert concluded.remediation
    for item in concluded.remediation:
        finding = concluded.finding(item.finding_no)
        assert finding is not None
        assert (
            f"- Số {item.finding_no} ({finding.criterion})" in told.body_vi
            and f"hạn khắc phục {vi_date(item.due_on)}" in told.body_vi
        )
        assert f"- No. {item.finding_no} ({finding.criterion})" in told.body_en
        assert f"due {item.due_on.isoformat()}" in told.body_en
    link = f"https://kiemtra.example.vn/inspections/{inp.inspection_id}"
    assert told.body_vi.endswith(f"Xem chi tiết: {link}")
    assert told.body_en.endswith(f"Details: {link}")
    assert told.payload["link"] == link
    # The e-mail: Vietnamese first, English second.
    (message,) = mailbox.to(address("rep"))
    body = message.get_content()
    assert body.index("Thông báo kết luận kiểm tra số") < body.index("Conclusion notice")


def test_the_notice_names_its_number_date_and_the_planned_visit():
    notified = builders.reach("notified", InspectionKind.PLANNED)
    assert notified.notice_sent_at is not None and notified.notice_number
    inp = deadlines.notification(notified, NoticeKind.NOTICE_ISSUED, [Audience.UNIT], "notice:2")
    text = render(inp.kind, inp.payload | {"link": "http://localhost:8000/inspections/x"})
    sent_on = local_date(notified.notice_sent_at)
    assert f"Thông báo kiểm tra số {notified.notice_number} {vi_date(sent_on)}." in text.body_vi
    assert f"Notice {notified.notice_number} of {sent_on.isoformat()}." in text.body_en
    assert f"Căn cứ Quyết định kiểm tra số {notified.decision.number}" in text.body_vi
    assert notified.visit_planned_on is not None
    assert f"làm việc tại đơn vị {vi_date(notified.visit_planned_on)}." in text.body_vi
    assert f"The team plans to visit on {notified.visit_planned_on.isoformat()}." in text.body_en
    assert "Xem chi tiết: http://localhost:8000/inspections/x" in text.body_vi


def test_a_reminder_in_the_second_cycle_names_the_findings_still_open():
    verify = VerifyInput(
        actor=builders.LEADER,
        results=[
            Verification(finding_no=1, outcome=VerificationOutcome.RESOLVED),
            Verification(finding_no=2, outcome=VerificationOutcome.UNRESOLVED),
        ],
    )
    second = builders.advance(
        builders.reach("reinspecting", InspectionKind.PLANNED), (Trigger.VERIFY, verify)
    )
    assert second.cycle == 2
    (item,) = [i for i in second.remediation if i.cycle == 2]
    extra = {"deadline_kind": "remediation", "due_on": item.due_on.isoformat(), "finding_no": 2}
    key = f"remediation:2:2@{item.due_on}:reminder:3"
    reminder = deadlines.notification(second, NoticeKind.REMINDER, [Audience.UNIT], key, extra)
    text = render(reminder.kind, reminder.payload, reminder.deadline)
    assert "Lần khắc phục thứ 2: các tồn tại, hạn chế còn chưa khắc phục xong:" in text.body_vi
    assert f"- Số 2 ({item_criterion(second, 2)})" in text.body_vi
    assert "- Số 1 " not in text.body_vi
    assert "Remediation cycle 2: findings still open:" in text.body_en
    assert f"Theo Thông báo kết luận kiểm tra số {second.conclusion_number}" in text.body_vi
    assert "Tồn tại số 2" in text.body_vi and "Finding 2" in text.body_en
    # In the first cycle a reminder is about its own item only.
    first = builders.reach("remediating", InspectionKind.PLANNED)
    key = f"remediation:1:1@{item.due_on}:reminder:3"
    text = render(
        NoticeKind.REMINDER,
        deadlines.notification(first, NoticeKind.REMINDER, [Audience.UNIT], key, extra).payload,
    )
    assert "Lần khắc phục" not in text.body_vi and "- Số" not in text.body_vi


def item_criterion(snapshot: InspectionSnapshot, no: int) -> str:
    finding = snapshot.finding(no)
    assert finding is not None
    return finding.criterion
