"""Teams with people who hold no account (issue 15 §1): the pure rules."""

import pytest

from states import procedure
from states.errors import ConflictOfInterest, InvalidCommand, InvalidTransition, NotAllowed
from states.models import ChangeTeamInput, FormTeamInput, TeamMember
from states.paper import Paper, issues_of
from states.sides import position
from states.vocabulary import InspectionKind, Position, TeamRole, Trigger
from store.directory import fold
from tests.unit.builders import (
    COORDINATOR,
    MEMBER,
    SECONDED,
    STEP,
    T0,
    TEAM,
    UNIT_ID,
    UNIT_PATH,
    minutes,
    reach,
)

NOW = T0 + 20 * STEP
PLANNED = InspectionKind.PLANNED


def _named(name: str, **fields: object) -> TeamMember:
    return TeamMember.model_validate({"name": name, **fields})


def test_a_team_may_hold_people_without_an_account_but_none_of_them_acts() -> None:
    decided = reach("decided", PLANNED)
    cmd = FormTeamInput(actor=COORDINATOR, members=[*TEAM, SECONDED])
    procedure.check(decided, Trigger.FORM_TEAM, cmd, NOW)
    formed, _ = procedure.apply(decided, Trigger.FORM_TEAM, cmd, NOW)
    assert [m.has_account for m in formed.team] == [True, True, False]
    assert formed.team_user_ids() == {"lead", "mem"}
    # Nobody without an account stands on the team: an empty id is nobody.
    assert position(formed, "", None, []) is Position.LATERAL


def test_the_leader_holds_an_account() -> None:
    decided = reach("decided", PLANNED)
    leaderless = [
        TeamMember.model_validate({**TEAM[0].model_dump(), "team_role": TeamRole.MEMBER}),
        _named("Lê Thành Nhân", team_role=TeamRole.TEAM_LEADER),
    ]
    with pytest.raises(InvalidCommand, match="needs an inspector account"):
        procedure.check(
            decided, Trigger.FORM_TEAM, FormTeamInput(actor=COORDINATOR, members=leaderless), NOW
        )


def test_a_named_person_of_the_inspected_side_is_a_conflict_of_interest() -> None:
    decided = reach("decided", PLANNED)
    local = _named(
        "Cán bộ xã",
        organisation_id=f"{UNIT_ID}-vp",
        organisation_path=[*UNIT_PATH, UNIT_ID, f"{UNIT_ID}-vp"],
    )
    with pytest.raises(ConflictOfInterest):
        procedure.check(
            decided,
            Trigger.FORM_TEAM,
            FormTeamInput(actor=COORDINATOR, members=[*TEAM, local]),
            NOW,
        )


def test_the_same_named_person_twice_is_refused() -> None:
    decided = reach("decided", PLANNED)
    again = _named("LÊ THÀNH NHÂN", organisation_name="Phòng Tư pháp huyện")
    with pytest.raises(InvalidCommand, match="twice"):
        procedure.check(
            decided,
            Trigger.FORM_TEAM,
            FormTeamInput(actor=COORDINATOR, members=[*TEAM, SECONDED, again]),
            NOW,
        )


def test_the_team_changes_before_the_visit_by_a_decision_of_its_own() -> None:
    notified = reach("notified", PLANNED)
    cmd = ChangeTeamInput(
        actor=COORDINATOR, members=[TEAM[0], SECONDED], number="97/QĐ-UBND", reason="ốm"
    )
    procedure.check(notified, Trigger.CHANGE_TEAM, cmd, NOW)
    changed, event = procedure.apply(notified, Trigger.CHANGE_TEAM, cmd, NOW)
    assert changed.state is notified.state
    assert changed.team_user_ids() == {"lead"}  # "mem" left the team: no longer acts
    assert changed.history[-1].trigger == "change_team"
    [issue] = issues_of(changed, event)
    assert (issue.paper, issue.type, issue.typed) == (Paper.TEAM_CHANGE, "QĐ", "97/QĐ-UBND")
    same = ChangeTeamInput(actor=COORDINATOR, members=changed.team, reason="không đổi")
    with pytest.raises(InvalidCommand, match="same"):
        procedure.check(changed, Trigger.CHANGE_TEAM, same, NOW)


def test_the_team_no_longer_changes_once_on_site() -> None:
    on_site = reach("on_site", PLANNED)
    cmd = ChangeTeamInput(actor=COORDINATOR, members=[TEAM[0], SECONDED], reason="muộn")
    with pytest.raises(InvalidTransition):
        procedure.check(on_site, Trigger.CHANGE_TEAM, cmd, NOW)


def test_a_member_removed_by_the_change_no_longer_acts() -> None:
    on_site = reach("on_site", PLANNED)
    cmd = minutes().model_copy(update={"actor": MEMBER})
    procedure.check(on_site, Trigger.RECORD_VISIT, cmd, NOW)  # on the team: may record
    without = on_site.model_copy(update={"team": [TEAM[0], SECONDED]})
    with pytest.raises(NotAllowed):
        procedure.check(without, Trigger.RECORD_VISIT, cmd, NOW)


@pytest.mark.parametrize(
    ("typed", "name"),
    [("nguyen", "Nguyễn Văn An"), ("DANG", "Đặng Thị Hoa"), ("tu phap", "Phòng Tư pháp")],
)
def test_search_ignores_case_and_diacritics(typed: str, name: str) -> None:
    assert fold(typed) in fold(name)
