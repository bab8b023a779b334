"""Teams from people: members resolved from accounts or named without one, and standing
teams (tổ kiểm tra thường trực) kept by coordinators and formed into inspection teams."""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlmodel import Session

from api.errors import ApiError, ErrorCode, not_found
from api.schemas import TeamMemberRef
from api.team_schemas import (
    STANDING_TEAMS_MAX,
    StandingMemberCreate,
    StandingMemberPublic,
    StandingTeamCreate,
    StandingTeamPublic,
)
from states.calendar import local_date
from states.models import TeamMember
from states.scope import Viewer
from states.vocabulary import Role, TeamRole
from store import standing_teams as store
from store.queries import ancestry, user_by_username
from store.tables import Organisation, StandingTeam, StandingTeamMember, User


def _organisation(session: Session, organisation_id: str) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"unknown organisation {organisation_id}",
            {"organisation_id": organisation_id},
            vi=f"Không có cơ quan, đơn vị {organisation_id}.",
        )
    return org


def _path(session: Session, organisation_id: str | None) -> list[str]:
    return [*ancestry(session, organisation_id), organisation_id] if organisation_id else []


def account_member(
    session: Session, user: User, team_role: TeamRole, position: str = ""
) -> TeamMember:
    """A member holding an account: name, organisation and its ancestry from the records."""
    org_id = user.organisation_id
    org = session.get(Organisation, org_id) if org_id else None
    return TeamMember(
        user_id=user.id,
        name=user.full_name or user.username,
        team_role=team_role,
        role=Role(user.role),
        organisation_id=org_id,
        organisation_path=_path(session, org_id),
        position=position,
        organisation_name=org.name if org else "",
    )


def named_member(
    session: Session,
    name: str,
    position: str,
    organisation_id: str | None,
    organisation_name: str,
    team_role: TeamRole,
) -> TeamMember:
    """A person without an account; an office in the tree brings its ancestry, so the
    conflict-of-interest check applies to them as to everyone."""
    if organisation_id:
        organisation_name = organisation_name or _organisation(session, organisation_id).name
    return TeamMember(
        user_id=None,
        name=name.strip(),
        team_role=team_role,
        organisation_id=organisation_id,
        organisation_path=_path(session, organisation_id),
        position=position,
        organisation_name=organisation_name,
    )


def _unknown_user(who: str) -> ApiError:
    return ApiError(
        ErrorCode.INVALID_COMMAND,
        f"unknown user {who}",
        {"user": who},
        vi=f"Không có tài khoản {who}.",
    )


def members_of_refs(session: Session, refs: Sequence[TeamMemberRef]) -> list[TeamMember]:
    members = []
    for ref in refs:
        if ref.name.strip() and ref.user_id is None and ref.username is None:
            members.append(
                named_member(
                    session,
                    ref.name,
                    ref.position,
                    ref.organisation_id,
                    ref.organisation_name,
                    ref.team_role,
                )
            )
            continue
        user = (
            session.get(User, ref.user_id)
            if ref.user_id
            else user_by_username(session, ref.username or "")
        )
        if user is None or not user.active:
            raise _unknown_user(ref.user_id or ref.username or "")
        members.append(account_member(session, user, ref.team_role, ref.position))
    return members


def standing_members(session: Session, team: StandingTeam) -> list[TeamMember]:
    """The standing team's members as an inspection's team: accounts as they are today."""
    members = []
    for m in store.members_of(session, team.id):
        role = TeamRole(m.team_role)
        if m.user_id is None:
            members.append(
                named_member(
                    session, m.name, m.position, m.organisation_id, m.organisation_name, role
                )
            )
            continue
        user = session.get(User, m.user_id)
        if user is None or not user.active:
            raise _unknown_user(m.name)
        members.append(account_member(session, user, role, m.position))
    return members


def standing_team_for(
    session: Session, viewer: Viewer | None, team_id: str, day: date
) -> StandingTeam:
    """A standing team the caller may form a team from: within its authority and in force on
    the day the team is formed."""
    team = store.visible(session, viewer, team_id) if viewer is not None else None
    if team is None:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"unknown standing team {team_id}",
            {"standing_team_id": team_id},
            vi="Không có tổ kiểm tra này.",
        )
    if not store.active_on(team, day):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"the standing team {team.name} is not in force on {day}",
            {"standing_team_id": team_id, "on": day.isoformat()},
            vi=f"{team.name} không còn hiệu lực vào ngày {day:%d/%m/%Y}.",
        )
    return team


# Standing teams: kept by coordinators within their authority, read by decision-makers.

READERS = (Role.COORDINATOR, Role.DECISION_MAKER)


def _refuse_role(viewer: Viewer, *roles: Role) -> None:
    if viewer.role not in roles:
        raise ApiError(
            ErrorCode.FORBIDDEN,
            f"role '{viewer.role.value}' may not do this; allowed: "
            f"{', '.join(r.value for r in roles)}",
            {"role": viewer.role.value},
        )


def may_read(viewer: Viewer) -> None:
    _refuse_role(viewer, *READERS)


def may_keep(viewer: Viewer) -> None:
    _refuse_role(viewer, Role.COORDINATOR)


def found(session: Session, viewer: Viewer, team_id: str) -> StandingTeam:
    team = store.visible(session, viewer, team_id)
    if team is None:
        raise not_found("standing team", team_id)
    return team


def _standing_member(
    session: Session, viewer: Viewer, body: StandingMemberCreate
) -> StandingTeamMember:
    """An inspector account within the authority, or a named person (whose office, when
    given from the tree, lies within it too)."""
    if body.user_id is not None:
        user = session.get(User, body.user_id)
        org = user.organisation_id if user is not None else None
        if (
            user is None
            or not user.active
            or user.role != Role.INSPECTOR.value
            or org is None
            or not store.within(session, viewer, org)
        ):
            # Unknown, inactive, not an inspector or outside: one answer, naming nothing.
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"no inspector account {body.user_id} within your authority",
                {"user_id": body.user_id},
                vi="Không có tài khoản thành viên đoàn kiểm tra này trong phạm vi quản lý.",
            )
        office = session.get(Organisation, org)
        return StandingTeamMember(
            team_id="",
            seq=0,
            user_id=user.id,
            name=user.full_name or user.username,
            position=body.position,
            organisation_id=org,
            organisation_name=body.organisation_name or (office.name if office else ""),
            team_role=body.team_role.value,
        )
    name = body.organisation_name
    if body.organisation_id is not None:
        if not store.within(session, viewer, body.organisation_id):
            raise ApiError(
                ErrorCode.INVALID_COMMAND,
                f"unknown organisation {body.organisation_id}",
                {"organisation_id": body.organisation_id},
                vi="Không có cơ quan, đơn vị này trong phạm vi quản lý.",
            )
        name = name or _organisation(session, body.organisation_id).name
    return StandingTeamMember(
        team_id="",
        seq=0,
        user_id=None,
        name=body.name.strip(),
        position=body.position,
        organisation_id=body.organisation_id,
        organisation_name=name,
        team_role=body.team_role.value,
    )


def _checked_members(
    session: Session, viewer: Viewer, body: StandingTeamCreate
) -> list[StandingTeamMember]:
    members = [_standing_member(session, viewer, m) for m in body.members]
    ids = [m.user_id for m in members if m.user_id is not None]
    if len(ids) != len(set(ids)):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            "a person appears twice in the team",
            vi="Một người được chọn hai lần trong tổ.",
        )
    return members


def _deciding(session: Session, viewer: Viewer, organisation_id: str | None) -> str:
    org = organisation_id or viewer.authority_root
    if org is None or not store.within(session, viewer, org):
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"unknown organisation {org}",
            {"organisation_id": org},
            vi="Không có cơ quan, đơn vị này trong phạm vi quản lý.",
        )
    return org


def create(session: Session, viewer: Viewer, body: StandingTeamCreate) -> StandingTeam:
    may_keep(viewer)
    org = _deciding(session, viewer, body.organisation_id)
    if store.count_of(session, org) >= STANDING_TEAMS_MAX:
        raise ApiError(
            ErrorCode.INVALID_COMMAND,
            f"an organisation keeps at most {STANDING_TEAMS_MAX} standing teams",
            {"limit": STANDING_TEAMS_MAX},
            vi=f"Mỗi cơ quan lưu tối đa {STANDING_TEAMS_MAX} tổ kiểm tra.",
        )
    members = _checked_members(session, viewer, body)
    now = datetime.now(UTC)
    team = StandingTeam(
        id=uuid.uuid4().hex[:12],
        organisation_id=org,
        name=body.name,
        decision_number=body.decision_number,
        decision_signed_on=body.decision_signed_on,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        created_by=viewer.user_id,
        created_at=now,
        updated_by=viewer.user_id,
        updated_at=now,
    )
    return store.save(session, team, members)


def update(
    session: Session, viewer: Viewer, team_id: str, body: StandingTeamCreate
) -> StandingTeam:
    may_keep(viewer)
    team = found(session, viewer, team_id)
    org = _deciding(session, viewer, body.organisation_id or team.organisation_id)
    members = _checked_members(session, viewer, body)
    team.organisation_id = org
    team.name = body.name
    team.decision_number = body.decision_number
    team.decision_signed_on = body.decision_signed_on
    team.valid_from = body.valid_from
    team.valid_to = body.valid_to
    team.updated_by = viewer.user_id
    team.updated_at = datetime.now(UTC)
    return store.save(session, team, members)


def public(session: Session, team: StandingTeam, members: bool = True) -> StandingTeamPublic:
    org = session.get(Organisation, team.organisation_id)
    return StandingTeamPublic.model_validate(team).model_copy(
        update={
            "organisation_name": org.name if org else "",
            "members": [
                StandingMemberPublic.model_validate(m).model_copy(
                    update={"has_account": m.user_id is not None}
                )
                for m in store.members_of(session, team.id)
            ]
            if members
            else [],
        }
    )


def today() -> date:
    return local_date(datetime.now(UTC))
