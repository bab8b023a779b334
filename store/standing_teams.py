"""Standing teams (tổ kiểm tra thường trực): a decision's team of people from several offices
that inspections form their teams from. Each lives in its deciding organisation; a caller
reads and changes those whose organisation lies within its authority."""

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from states.scope import Viewer
from store.queries import ancestry
from store.tables import Organisation, StandingTeam, StandingTeamMember


def within(session: Session, viewer: Viewer, organisation_id: str) -> bool:
    """The organisation lies in the viewer's authority (its subtree, itself included)."""
    if viewer.authority_root is None:
        return False
    if session.get(Organisation, organisation_id) is None:
        return False
    return viewer.authority_root in [*ancestry(session, organisation_id), organisation_id]


def visible(session: Session, viewer: Viewer, team_id: str) -> StandingTeam | None:
    """The standing team if it exists for the viewer; None otherwise (the caller's 404)."""
    team = session.get(StandingTeam, team_id)
    if team is None or not within(session, viewer, team.organisation_id):
        return None
    return team


def active_on(team: StandingTeam, day: date) -> bool:
    return (team.valid_from is None or team.valid_from <= day) and (
        team.valid_to is None or day <= team.valid_to
    )


def listed(session: Session, viewer: Viewer, on: date | None = None) -> list[StandingTeam]:
    """The standing teams within the viewer's authority (valid on ``on``, when given),
    newest decision first."""
    teams = session.exec(
        select(StandingTeam).order_by(
            col(StandingTeam.decision_signed_on).desc(), col(StandingTeam.name)
        )
    ).all()
    cache: dict[str, bool] = {}
    found = []
    for team in teams:
        oid = team.organisation_id
        if oid not in cache:
            cache[oid] = within(session, viewer, oid)
        if cache[oid] and (on is None or active_on(team, on)):
            found.append(team)
    return found


def count_of(session: Session, organisation_id: str) -> int:
    return len(
        session.exec(
            select(StandingTeam.id).where(StandingTeam.organisation_id == organisation_id)
        ).all()
    )


def members_of(session: Session, team_id: str) -> list[StandingTeamMember]:
    return list(
        session.exec(
            select(StandingTeamMember)
            .where(StandingTeamMember.team_id == team_id)
            .order_by(col(StandingTeamMember.seq))
        ).all()
    )


def save(
    session: Session, team: StandingTeam, members: Sequence[StandingTeamMember]
) -> StandingTeam:
    """Write the team and replace its members, in one transaction."""
    session.add(team)
    session.flush()
    for old in members_of(session, team.id):
        session.delete(old)
    session.flush()
    for seq, member in enumerate(members, start=1):
        member.team_id = team.id
        member.seq = seq
        session.add(member)
    session.commit()
    session.refresh(team)
    return team
