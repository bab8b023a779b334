"""HTTP schemas: ``<Noun>Create`` in, ``<Noun>Public`` out, ``<Nouns>Public{data,count}``.

Command bodies are the workflow's command contracts minus ``actor``, which always comes
from the token; they are derived here so the two cannot drift.
"""

from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)

from states.bounds import (
    CRITERIA_MAX,
    TEAM_MAX,
    Code,
    Id,
    LegalBasis,
    Name,
    Number,
    OrganisationName,
    Reason,
    Title,
)
from states.checklist import STANDARD_CODES
from states.complaints import COMPLAINTS_PER_START_MAX
from states.contract import Contract
from states.models import NOT_RECORDED, Decision, InspectionSnapshot
from states.triggers import COMMAND_PATHS, COMMAND_TYPES
from states.vocabulary import InspectionKind, NoticeKind, Role, TeamRole, Trigger


def _utc(moment: datetime) -> datetime:
    """SQLite returns naive timestamps; every stored one is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class TeamMemberRef(Contract):
    """A team member by account id or by username — or, by ``name`` (with position and
    office), a person without an account: named on the documents, never acting in kiemtra."""

    user_id: Id | None = None
    username: Id | None = None
    team_role: TeamRole = TeamRole.MEMBER
    name: Name = Field(default="", description="a person without an account")
    position: Name = Field(default="", description="chức vụ, e.g. Chuyên viên Phòng Tư pháp")
    organisation_id: Id | None = Field(
        default=None, description="the office of a person without an account, when known"
    )
    organisation_name: OrganisationName = ""

    @model_validator(mode="after")
    def _one_reference(self) -> "TeamMemberRef":
        given = [self.user_id is not None, self.username is not None, bool(self.name.strip())]
        if sum(given) != 1:
            raise ValueError("give exactly one of user_id, username or name")
        return self


class TeamCreate(Contract):
    """Team body: people by account (names and organisations are looked up) or named; from a
    standing team, its members when ``members`` is empty, else ``members`` as adjusted."""

    members: list[TeamMemberRef] = Field(default_factory=list, max_length=TEAM_MAX)
    standing_team_id: Id | None = Field(
        default=None, description="the standing team (tổ kiểm tra) the team is formed from"
    )
    signed_on: date | None = Field(
        default=None, description="the date the team was formed; today when omitted"
    )

    @model_validator(mode="after")
    def _someone(self) -> "TeamCreate":
        if not self.members and self.standing_team_id is None:
            raise ValueError("give the members, or the standing team to form the team from")
        return self


class TeamChange(Contract):
    """The decision changing the team before the visit: the whole new team, number, reason."""

    members: list[TeamMemberRef] = Field(min_length=1, max_length=TEAM_MAX)
    number: Number = Field(default="", description="the decision's number, e.g. 97/QĐ-UBND")
    reason: Reason
    signed_on: date | None = Field(
        default=None, description="the date the decision was signed; today when omitted"
    )


def _body_model(trigger: Trigger) -> type[BaseModel]:
    if trigger is Trigger.FORM_TEAM:
        return TeamCreate
    if trigger is Trigger.CHANGE_TEAM:
        return TeamChange
    command = COMMAND_TYPES[trigger]
    fields: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in command.model_fields.items()
        if name not in NOT_RECORDED
    }
    return create_model(
        f"{command.__name__.removesuffix('Input')}Body", __base__=Contract, **fields
    )


COMMAND_BODIES: dict[Trigger, type[BaseModel]] = {t: _body_model(t) for t in COMMAND_PATHS}


class InspectionCreate(Contract):
    kind: InspectionKind
    unit_id: Id | None = Field(default=None, description="default: the plan item's unit")
    title: Title
    legal_basis: LegalBasis = ""
    checklist: list[Code] = Field(
        default_factory=lambda: list(STANDARD_CODES), max_length=CRITERIA_MAX
    )
    decision: Decision = Field(default_factory=Decision)
    plan_item_id: Id | None = Field(
        default=None, description="start a planned or thematic inspection from its plan item"
    )
    plan_slot_id: Id | None = Field(
        default=None, description="the plan's surprise-check slot a surprise inspection fills"
    )
    parent_inspection_id: Id | None = None
    remote: bool = False
    complaint_ids: list[Id] = Field(
        default_factory=list,
        max_length=COMPLAINTS_PER_START_MAX,
        description="a complaint inspection: the received complaints it inspects",
    )


class AllowedAction(BaseModel):
    trigger: Trigger
    method: str = "POST"
    path: str


class InspectionDetail(InspectionSnapshot):
    """The snapshot and what the caller may do next."""

    allowed_actions: list[AllowedAction] = Field(default_factory=list)


class InspectionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: InspectionKind
    unit_id: str
    unit_name: str
    title: str
    state: str
    decision_number: str
    year: int
    cycle: int
    plan_item_id: str | None = None
    plan_slot_id: str | None = None
    decided_at: UtcDatetime
    updated_at: UtcDatetime
    next_deadline: UtcDatetime | None
    overdue: bool


class InspectionsPublic(BaseModel):
    data: list[InspectionPublic]
    count: int


class EventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    trigger: str
    from_state: str | None
    to_state: str
    actor_id: str
    actor_role: str
    actor_name: str
    source_ip: str
    request_id: str
    at: UtcDatetime
    payload: dict[str, Any]


class EventsPublic(BaseModel):
    data: list[EventPublic]
    count: int


class OrganisationCreate(Contract):
    id: Id | None = None
    code: Annotated[Id, Field(min_length=1)]
    name: Annotated[OrganisationName, Field(min_length=1)]
    level: Annotated[Id, Field(min_length=1)]
    parent_id: Id | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: Id | None = None


class OrganisationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    name: str
    level: str
    parent_id: str | None
    valid_from: date | None
    valid_to: date | None
    successor_id: str | None


class OrganisationsPublic(BaseModel):
    data: list[OrganisationPublic]
    count: int


class UserCreate(Contract):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    password: str = Field(min_length=8, max_length=256)
    full_name: Name = ""
    email: Name = ""
    role: Role
    organisation_id: Id | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    full_name: str
    email: str
    role: Role
    organisation_id: str | None
    active: bool


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class Token(BaseModel):
    """A sign-in: a short-lived bearer token and the refresh token that renews it."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds the access token is valid")
    refresh_token: str
    refresh_expires_in: int = Field(description="seconds the refresh token is valid")


class TokenRefresh(BaseModel):
    """A refresh token to exchange, once, for a new token pair."""

    refresh_token: str = Field(min_length=1, max_length=512)


class ErrorPublic(BaseModel):
    error: str
    message: str
    detail: Any = None


class NotificationPublic(BaseModel):
    """One in-app notification, in both languages."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: NoticeKind
    inspection_id: str | None
    deadline: str
    subject_vi: str
    subject_en: str
    body_vi: str
    body_en: str
    created_at: UtcDatetime
    read_at: UtcDatetime | None


class NotificationsPublic(BaseModel):
    """A page of the caller's inbox; ``count`` matches the filter, ``unread`` is the total."""

    data: list[NotificationPublic]
    count: int
    unread: int
