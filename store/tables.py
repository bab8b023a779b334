"""SQLModel tables: the organisation tree, the inspection read model and the audit events.

The read model is a projection of the workflows' snapshots; ``event`` is append-only.
"""

import unicodedata
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, UniqueConstraint, event
from sqlmodel import Field, SQLModel


def _aware(*, nullable: bool, index: bool = False) -> Any:
    """A timezone-aware timestamp column; nullable ones default to None."""
    column = Column(DateTime(timezone=True), nullable=nullable, index=index)
    return Field(default=None, sa_column=column) if nullable else Field(sa_column=column)


class Organisation(SQLModel, table=True):
    """A node of the management tree; boundaries change, so nodes carry validity dates."""

    id: str = Field(primary_key=True)
    code: str = Field(default="", index=True)
    name: str
    level: str = Field(index=True, description="province, commune, department, agency, school …")
    parent_id: str | None = Field(default=None, foreign_key="organisation.id", index=True)
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: str | None = Field(default=None, foreign_key="organisation.id")
    # The abbreviation in its documents' symbols: 94/QĐ-UBND, 345/UBND-VP, 12/TB-UBND.TL.
    abbreviation: str = ""


class User(SQLModel, table=True):
    """An account: one role, one organisation."""

    id: str = Field(primary_key=True)
    username: str = Field(unique=True, index=True)
    # NFC, case-folded: "Coordinator" and "coordinator" are one account (unique index).
    username_key: str = Field(default="", unique=True, index=True)
    full_name: str = ""
    email: str = ""
    password_hash: str
    role: str = Field(index=True)
    organisation_id: str | None = Field(default=None, foreign_key="organisation.id", index=True)
    active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = _aware(nullable=True)
    # The pages' language for this person (vi or en), remembered across sign-ins.
    language: str = Field(default="vi", sa_column_kwargs={"server_default": "vi"})


def username_key(username: str) -> str:
    """The form usernames are compared in: NFC, then case-folded."""
    return unicodedata.normalize("NFC", username).casefold()


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _keep_username_key(_mapper: Any, _connection: Any, user: User) -> None:
    # Whoever writes the row (API, CLI, seeder, tests), the key follows the username.
    user.username_key = username_key(user.username)


class AuthSession(SQLModel, table=True):
    """One sign-in: refresh tokens rotate within it; logout revokes it and its access tokens."""

    __tablename__ = "auth_session"

    id: str = Field(primary_key=True)
    user_id: str = Field(foreign_key="user.id", index=True)
    refresh_hash: str = Field(index=True)
    created_at: datetime = _aware(nullable=False)
    expires_at: datetime = _aware(nullable=False)
    revoked_at: datetime | None = _aware(nullable=True)


class SecurityLog(SQLModel, table=True):
    """Every refused call (401, 403, 404 by secrecy, 409): who, from where, why."""

    __tablename__ = "security_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _aware(nullable=False)
    user_id: str | None = Field(default=None, index=True)
    role: str = ""
    source_ip: str = ""
    request_id: str = ""
    method: str = ""
    path: str = ""
    status: int
    error: str = ""
    reason: str = ""


class CalendarDay(SQLModel, table=True):
    """An administrator's calendar entry: an announced day off or a make-up working day."""

    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    kind: str = Field(description="day_off | working_day")
    note: str = ""


class Inspection(SQLModel, table=True):
    """Read model of one inspection: the columns lists, filters and reports read.

    The snapshot lives in ``inspection_snapshot``: kept out of these rows, a scan over many
    inspections reads a few hundred bytes each instead of their whole documents."""

    id: str = Field(primary_key=True)
    kind: str = Field(index=True)
    unit_id: str = Field(index=True)
    unit_name: str = ""
    title: str
    state: str = Field(index=True)
    decision_number: str = ""
    year: int = Field(index=True)
    cycle: int = 1
    plan_item_id: str | None = Field(default=None, index=True)
    # The plan's surprise-check slot this inspection fills (its unit was never planned).
    plan_slot_id: str | None = Field(default=None, index=True)
    parent_inspection_id: str | None = None
    coordinator_id: str = ""
    # The issuing organisation and the coordinating office: with the team, the issuing side.
    issuer_id: str | None = None
    office_id: str | None = None
    # Reports count inspections by the day they were decided.
    decided_at: datetime = _aware(nullable=False, index=True)
    updated_at: datetime = _aware(nullable=False)
    next_deadline: datetime | None = _aware(nullable=True)
    overdue: bool = Field(default=False, index=True)
    # When the visit's minutes were recorded: the unit counts as inspected from then on.
    visited_at: datetime | None = _aware(nullable=True)
    # "/root/…/unit/": scope filters match a subtree with LIKE '%/org/%'.
    unit_path: str = ""
    # A surprise or complaint inspection before the team is on site.
    secret: bool = Field(default=False, index=True)
    seq: int = 0


class SnapshotRecord(SQLModel, table=True):
    """The latest snapshot of one inspection, as its workflow returned it (the detail)."""

    __tablename__ = "inspection_snapshot"

    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DisciplineRecord(SQLModel, table=True):
    """A person recommended for discipline under a finding (DOMAIN.md §8)."""

    __tablename__ = "discipline_recommendation"

    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True)
    finding_no: int = Field(primary_key=True)
    person: str = Field(primary_key=True)


class InspectionScope(SQLModel, table=True):
    """The scope index: one row per organisation an inspected unit lies under (itself
    included), with the columns lists and reports filter and count on.

    A province's inspections are spread all over the ``inspection`` table; here they are
    one contiguous key range (``WITHOUT ROWID`` on SQLite clusters the rows by key), so a
    list, a count or a report reads only them. The projection keeps the copied columns
    current; kind, unit, decision day and plan item never change after the decision.
    """

    __tablename__ = "inspection_scope"
    __table_args__ = (
        Index("ix_inspection_scope_day", "organisation_id", "decided_at"),
        # An office's own inspections in a scope (as issuer or coordinating office): the
        # work page's candidates, without reading every inspection of the province.
        Index("ix_inspection_scope_issuer", "organisation_id", "issuer_id", "state"),
        Index("ix_inspection_scope_office", "organisation_id", "office_id", "state"),
        {"sqlite_with_rowid": False},
    )

    organisation_id: str = Field(primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True, index=True)
    decided_at: datetime = _aware(nullable=False)
    kind: str
    state: str
    year: int
    overdue: bool = False
    secret: bool = False
    unit_id: str
    plan_item_id: str | None = None
    # A secret inspection exists only for these offices' readers (and its team).
    issuer_id: str | None = None
    office_id: str | None = None


class TeamMemberRecord(SQLModel, table=True):
    __tablename__ = "team_member"

    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True)
    user_id: str = Field(primary_key=True, index=True)
    name: str
    team_role: str
    organisation_id: str | None = None


class FindingRecord(SQLModel, table=True):
    __tablename__ = "finding"
    # Reports count findings by criterion and status per inspection from the index alone.
    __table_args__ = (Index("ix_finding_report", "inspection_id", "criterion", "status"),)

    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True)
    no: int = Field(primary_key=True)
    criterion: str = Field(index=True)
    description: str = ""
    severity: str
    status: str = Field(index=True)
    cycle: int = 1
    people: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    discipline_recommended: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


class RemediationRecord(SQLModel, table=True):
    __tablename__ = "remediation"
    # The on-time figures read these columns only: one index serves them.
    __table_args__ = (
        Index("ix_remediation_report", "inspection_id", "status", "due_on", "reported_on"),
    )

    inspection_id: str = Field(foreign_key="inspection.id", primary_key=True)
    finding_no: int = Field(primary_key=True)
    cycle: int = Field(primary_key=True)
    action: str = ""
    due_on: date = Field(index=True)
    status: str = Field(index=True)
    report: str = ""
    reported_by: str | None = None
    reported_at: datetime | None = _aware(nullable=True)
    # The Vietnamese date of the report: on time means reported_on <= due_on, in plain SQL.
    reported_on: date | None = None


class Event(SQLModel, table=True):
    """Append-only audit trail: one row per accepted command."""

    __table_args__ = (UniqueConstraint("inspection_id", "seq", name="uq_event_inspection_seq"),)

    id: int | None = Field(default=None, primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    seq: int
    trigger: str
    from_state: str | None = None
    to_state: str
    actor_id: str
    actor_role: str
    actor_name: str = ""
    source_ip: str = ""
    request_id: str = ""
    at: datetime = _aware(nullable=False)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class StartKey(SQLModel, table=True):
    """What a start request's natural key led to: ``user:{id}:{Idempotency-Key}`` or
    ``plan-item:{id}:{attempt}`` → the inspection's random id. Inserted once; a retry or a
    rival start of the same plan item finds the inspection instead of making another."""

    __tablename__ = "start_key"

    key: str = Field(primary_key=True)
    inspection_id: str
    created_at: datetime = _aware(nullable=False)


class Notification(SQLModel, table=True):
    """The outbox: one row per (inspection, kind, deadline, recipient, channel).

    ``key`` makes creation idempotent, so a retried activity adds nothing. In-app rows are
    delivered by being written (``sent`` at creation); e-mail rows wait ``pending`` until the
    delivery activity sends them, and stay ``failed`` with the last error while it retries.
    """

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)
    # None for messages about no single inspection (the daily digest).
    inspection_id: str | None = Field(default=None, index=True)
    recipient_user_id: str = Field(foreign_key="user.id", index=True)
    # An address that is no account's (a complainant's): the e-mail goes there, and
    # ``recipient_user_id`` names the account it is sent for (the complaint's assessor).
    recipient_address: str = Field(default="", sa_column_kwargs={"server_default": ""})
    channel: str = Field(description="in_app | email")
    kind: str
    deadline: str = ""
    subject_vi: str
    subject_en: str
    body_vi: str
    body_en: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(index=True, description="pending | sent | failed")
    attempts: int = 0
    last_error: str = ""
    created_at: datetime = _aware(nullable=False)
    sent_at: datetime | None = _aware(nullable=True)
    read_at: datetime | None = _aware(nullable=True)


class Plan(SQLModel, table=True):
    """An annual inspection plan (kế hoạch kiểm tra), e.g. ``207/KH-UBND``."""

    __table_args__ = (UniqueConstraint("issuer_id", "year", "number", name="uq_plan_number"),)

    id: str = Field(primary_key=True)
    number: str
    year: int = Field(index=True)
    kind: str = Field(description="planned | thematic")
    issuer_id: str = Field(foreign_key="organisation.id")
    issuer_name: str = ""
    # "/root/…/issuer/", like inspection.unit_path.
    issuer_path: str = ""
    issued_on: date
    title: str
    topic: str = ""
    focus: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    legal_basis: str = ""
    created_by: str
    created_at: datetime = _aware(nullable=False)


class PlanItem(SQLModel, table=True):
    """One planned unit: the organisation as the plan listed it, when, and what to check."""

    __tablename__ = "plan_item"

    id: str = Field(primary_key=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    seq: int
    kind: str = Field(description="planned | thematic: the kind of inspection it starts")
    unit_id: str = Field(foreign_key="organisation.id", index=True)
    unit_name: str
    unit_level: str
    unit_path: str
    period: str
    period_start: date
    period_end: date = Field(index=True)
    content: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="active", index=True)
    reason: str = ""
    replaces_id: str | None = None
    replaced_by_id: str | None = None
    created_at: datetime = _aware(nullable=False)


class PlanSlot(SQLModel, table=True):
    """Surprise checks a plan schedules without naming the units (seed 003/004): "12 surprise
    checks of one-stop shops in 2027". A surprise inspection fills one when decided."""

    __tablename__ = "plan_slot"

    id: str = Field(primary_key=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    seq: int
    kind: str = Field(default="surprise", description="the kind of inspection that fills it")
    period: str = Field(description="2027, 2027-Q2 or 2027-03")
    period_start: date
    period_end: date
    count: int
    description: str = ""
    # The level of organisation the slots are for (one_stop_shop, commune…); "" any.
    level: str = ""
    created_at: datetime = _aware(nullable=False)


class PlanChange(SQLModel, table=True):
    """The plan's history: creation and every adjustment, with who, when and why."""

    __tablename__ = "plan_change"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: str = Field(foreign_key="plan.id", index=True)
    action: str
    item_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reason: str = ""
    actor_id: str
    actor_name: str = ""
    at: datetime = _aware(nullable=False)


class DocumentType(SQLModel, table=True):
    """A kind of official document (Decree 30/2020 Appendix III): QĐ, TB, BB, BC, KH …
    The table is the administrator's to extend."""

    __tablename__ = "document_type"

    code: str = Field(primary_key=True)
    name_vi: str
    name_en: str


class DocumentCounter(SQLModel, table=True):
    """The last number issued per issuer, type and year: numbers start at 1 on 1 January."""

    __tablename__ = "document_counter"

    issuer_id: str = Field(primary_key=True)
    type: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Document(SQLModel, table=True):
    """The register of documents (sổ đăng ký văn bản): one row per numbered document."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("issuer_id", "type", "year", "number", name="uq_document_number"),
    )

    id: str = Field(primary_key=True)
    # What issued it, once: a retried command or request finds its document by this key.
    key: str = Field(unique=True, index=True)
    issuer_id: str = Field(foreign_key="organisation.id", index=True)
    issuer_path: str = Field(default="", index=True)  # "/root/…/issuer/"
    type: str = Field(foreign_key="document_type.code")
    year: int = Field(index=True)
    number: int
    symbol: str
    signed_on: date | None = None
    signer: str = ""
    signer_position: str = ""
    signing_form: str = Field(default="", description="TM. / KT. / Q. / TL. / TUQ. or empty")
    subject: str = ""
    inspection_id: str | None = Field(default=None, index=True)
    plan_id: str | None = Field(default=None, index=True)
    # Allocated by kiemtra, or typed for a document already issued on paper.
    entered: bool = False
    created_by: str = ""
    created_at: datetime = _aware(nullable=False)


class DocumentTemplate(SQLModel, table=True):
    """An office's own Word template for one kind of document (docxtpl), replacing the
    default kiemtra ships; the latest upload per organisation and kind is used."""

    __tablename__ = "document_template"

    id: str = Field(primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", index=True)
    kind: str = Field(index=True, description="documents.kinds: decision, notice, minutes …")
    name: str = ""
    content: bytes
    sha256: str
    uploaded_by: str = ""
    uploaded_at: datetime = _aware(nullable=False)


class EvidenceFile(SQLModel, table=True):
    """A file of evidence attached to part of an inspection; its bytes live content-addressed
    (by SHA-256) in the file store, its facts here."""

    __tablename__ = "evidence_file"

    id: str = Field(primary_key=True)
    inspection_id: str = Field(index=True)
    # What it supports: "visit" (a checklist result, ref = criterion), "remediation"
    # (ref = finding number), "dispute" (ref = finding number), "complaint" (ref = its id).
    target: str
    ref: str = ""
    cycle: int = 1
    name: str
    size: int
    media_type: str
    sha256: str = Field(index=True)
    uploaded_by: str
    uploaded_by_name: str = ""
    uploaded_at: datetime = _aware(nullable=False)
    effective_on: date | None = None
    removed_at: datetime | None = _aware(nullable=True)
    removed_by: str | None = None


# -- Citizens' complaints (issue 15 §3) ------------------------------------------------------


class Complaint(SQLModel, table=True):
    """A citizen's complaint (phản ánh, kiến nghị) in the register of an authority: received,
    assessed, inspected and answered. The complainant's identity never leaves the issuing
    side; several complaints about one unit may share one complaint inspection."""

    __table_args__ = (UniqueConstraint("owner_id", "reference", name="uq_complaint_reference"),)

    id: str = Field(primary_key=True)
    # The register's owner: the authority root of the coordinator who received it.
    owner_id: str = Field(foreign_key="organisation.id", index=True)
    # The office that received it (it signs the answer).
    office_id: str = Field(foreign_key="organisation.id")
    reference: str
    year: int = Field(index=True)
    received_on: date = Field(index=True)
    channel: str
    unit_id: str = Field(foreign_key="organisation.id", index=True)
    unit_name: str = ""
    unit_path: str = ""  # "/root/…/unit/", like inspection.unit_path
    people_named: str = ""
    content: str
    criterion: str = ""
    complainant_name: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""
    status: str = Field(index=True)
    reason: str = ""
    inspection_id: str | None = Field(default=None, index=True)
    assessed_by: str | None = None
    assessed_at: datetime | None = _aware(nullable=True)
    answered_at: datetime | None = _aware(nullable=True)
    answer_number: str = ""
    answer_document_id: str | None = None
    created_by: str
    created_at: datetime = _aware(nullable=False)


# --- Standing teams (issue 15 §1): a Tổ kiểm tra công vụ established by a decision, whose
# members (with or without an account) an inspection's team is formed from.


class StandingTeam(SQLModel, table=True):
    """A standing inspection team (tổ kiểm tra thường trực) of the deciding organisation."""

    __tablename__ = "standing_team"

    id: str = Field(primary_key=True)
    organisation_id: str = Field(foreign_key="organisation.id", index=True)
    name: str
    decision_number: str = ""
    decision_signed_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    created_by: str
    created_at: datetime = _aware(nullable=False)
    updated_by: str = ""
    updated_at: datetime = _aware(nullable=False)


class StandingTeamMember(SQLModel, table=True):
    """One member of a standing team: an inspector account, or a person named only."""

    __tablename__ = "standing_team_member"

    team_id: str = Field(foreign_key="standing_team.id", primary_key=True)
    seq: int = Field(primary_key=True)
    user_id: str | None = Field(default=None, foreign_key="user.id", index=True)
    name: str
    position: str = ""
    organisation_id: str | None = Field(default=None, foreign_key="organisation.id")
    organisation_name: str = ""
    team_role: str = "member"


# --- Discipline records (issue 15 §4): what the managing authority decides ------------------


class DisciplineCase(SQLModel, table=True):
    """One person recommended for discipline under a finding, tracked until the managing
    authority decides (DOMAIN.md §8; states.discipline). ``discipline_recommendation`` stays
    the projection of the names the conclusion itself lists; this is the tracked record."""

    __tablename__ = "discipline_case"
    __table_args__ = (
        UniqueConstraint("inspection_id", "finding_no", "person_name", name="uq_discipline_case"),
    )

    id: str = Field(primary_key=True)
    inspection_id: str = Field(foreign_key="inspection.id", index=True)
    finding_no: int
    criterion: str = ""
    # The conclusion notice (TB) as the report names it, and its date (the time limit's start).
    conclusion_number: str = ""
    concluded_on: date
    # The inspection's issuing organisation and coordinating office (who recommended it).
    issuer_id: str | None = Field(default=None, index=True)
    office_id: str | None = Field(default=None, index=True)
    person_name: str
    position: str = ""
    organisation_name: str = ""
    organisation_id: str | None = None
    category: str
    holds_post: bool = False
    # The person's managing authority, which decides.
    authority_id: str = Field(foreign_key="organisation.id", index=True)
    proposed_form: str
    complex_case: bool = False
    note: str = ""
    due_on: date = Field(index=True)
    status: str = Field(default="proposed", index=True)
    decided_form: str | None = None
    decision_number: str = ""
    decided_on: date | None = None
    reason: str = ""
    created_by: str = ""
    created_at: datetime = _aware(nullable=False)
    updated_by: str = ""
    updated_at: datetime = _aware(nullable=False)
    # Who changed what, when (the record's own audit trail).
    history: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )


# --- The checklist catalogue, versioned (issue 15 §4) ----------------------------------------


class ChecklistVersion(SQLModel, table=True):
    """One published version of the catalogue of criteria (version 1, the built-in one, has
    no row); each is a full list, append-only: an inspection keeps the version it started
    with."""

    __tablename__ = "checklist_version"

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    # [{code, group, vi, en, retired}, …]
    criteria: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    note: str = ""
    created_by: str = ""
    created_at: datetime = _aware(nullable=False)
