"""HTTP schemas of the people directory and of standing teams (tổ kiểm tra thường trực)."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from states.bounds import TEAM_MAX, Id, Name, Number, OrganisationName
from states.contract import Contract
from states.vocabulary import Role, TeamRole

# How many standing teams one organisation keeps (every decision ever made, expired ones too).
STANDING_TEAMS_MAX = 200
PEOPLE_PAGE_MAX = 100


class PersonPublic(BaseModel):
    """One person of the directory. No e-mail, no password: a coordinator putting a team
    together needs the name, the office and the role, nothing else."""

    id: str
    username: str
    name: str
    role: Role
    organisation_id: str | None
    organisation_name: str


class PeoplePublic(BaseModel):
    data: list[PersonPublic]
    count: int


class StandingMemberCreate(Contract):
    """A member by inspector account (``user_id``), or a person without one (``name`` with
    position and office): they are named on the documents and never act in kiemtra."""

    user_id: Id | None = None
    name: Name = ""
    position: Name = Field(default="", description="chức vụ, e.g. Phó Trưởng phòng Nội vụ")
    organisation_id: Id | None = Field(
        default=None, description="the member's office, when it is in the organisation tree"
    )
    organisation_name: OrganisationName = ""
    team_role: TeamRole = TeamRole.MEMBER

    @model_validator(mode="after")
    def _account_or_name(self) -> "StandingMemberCreate":
        if (self.user_id is None) == (not self.name.strip()):
            raise ValueError("give either user_id (an account) or name (a person without one)")
        return self


class StandingTeamCreate(Contract):
    name: Name = Field(min_length=1, description="e.g. Tổ kiểm tra công vụ huyện Lấp Vò")
    organisation_id: Id | None = Field(
        default=None, description="the deciding organisation; default: the caller's authority"
    )
    decision_number: Number = Field(default="", description="e.g. 94/QĐ-UBND.TL")
    decision_signed_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    members: list[StandingMemberCreate] = Field(min_length=1, max_length=TEAM_MAX)

    @model_validator(mode="after")
    def _period(self) -> "StandingTeamCreate":
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class StandingMemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    user_id: str | None
    name: str
    position: str
    organisation_id: str | None
    organisation_name: str
    team_role: TeamRole
    has_account: bool = False


class StandingTeamPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    organisation_id: str
    organisation_name: str = ""
    name: str
    decision_number: str
    decision_signed_on: date | None
    valid_from: date | None
    valid_to: date | None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    members: list[StandingMemberPublic] = Field(default_factory=list)


class StandingTeamsPublic(BaseModel):
    data: list[StandingTeamPublic]
    count: int
