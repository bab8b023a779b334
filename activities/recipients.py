"""Who a notification reaches: audiences resolved to accounts, with surprise secrecy applied."""

from sqlmodel import Session

from states.models import NotifyInput
from states.vocabulary import Audience, Role
from store.directory import children_at_levels
from store.outbox import active_accounts, active_users
from store.queries import ancestry
from store.tables import User

# The inspected unit's own audiences: never resolved while the inspection is secret from it.
UNIT_AUDIENCES = frozenset({Audience.UNIT, Audience.HEAD_OF_UNIT})


def resolve(session: Session, inp: NotifyInput) -> list[User]:
    """The active accounts ``inp``'s audiences name, each once, in audience order.

    While ``inp.secret_from_unit`` holds, only the issuing side is told: the team, the
    coordinator, and accounts of the issuing organisation or the coordinating office — so a
    surprise inspection cannot leak through a notification or an e-mail to the unit, its
    sub-units, its managing chain or anyone lateral (DESIGN.md §7).
    """
    people: dict[str, User] = {}
    for audience in inp.audiences:
        if inp.secret_from_unit and audience in UNIT_AUDIENCES:
            continue
        for user in _audience(session, audience, inp):
            people.setdefault(user.id, user)
    if inp.secret_from_unit:
        # Never inside the unit's subtree, even on the team (a conflict of interest the team
        # rules refuse; this holds for teams formed before they did).
        inside = _Subtree(session, inp.unit_id)
        return [
            u
            for u in people.values()
            if _issuing_side(u, inp) and not inside.contains(u.organisation_id)
        ]
    return list(people.values())


def _issuing_side(user: User, inp: NotifyInput) -> bool:
    if user.id in inp.team_user_ids or user.id == inp.coordinator_id:
        return True
    offices = {o for o in (inp.decision_issuer_id, inp.office_id) if o}
    return user.organisation_id in offices


def _audience(session: Session, audience: Audience, inp: NotifyInput) -> list[User]:
    match audience:
        case Audience.UNIT:
            return active_accounts(session, Role.UNIT_REP.value, inp.unit_id)
        case Audience.HEAD_OF_UNIT:
            return active_accounts(session, Role.DECISION_MAKER.value, inp.unit_id)
        case Audience.TEAM:
            return active_users(session, inp.team_user_ids)
        case Audience.COORDINATOR:
            return active_users(session, [inp.coordinator_id])
        case Audience.DECISION_MAKER:
            return _decision_makers(session, inp)
        case Audience.MANAGING_BODY:
            return _managing_body(session, inp)
    return []


# Offices that advise a People's Committee on inspections sit right under it at these
# levels (Sở Nội vụ under the province); a unit's sibling schools or communes do not.
ADVISING_LEVELS = frozenset({"department", "office"})


def _managing_body(session: Session, inp: NotifyInput) -> list[User]:
    """The unit's managing body: decision-makers and coordinators of its parent organisation,
    and coordinators of the offices advising it."""
    path = ancestry(session, inp.unit_id)
    if not path:
        return []
    parent = path[-1]
    found = [
        *active_accounts(session, Role.DECISION_MAKER.value, parent),
        *active_accounts(session, Role.COORDINATOR.value, parent),
    ]
    for office in children_at_levels(session, parent, ADVISING_LEVELS):
        found.extend(active_accounts(session, Role.COORDINATOR.value, office))
    return found


def _decision_makers(session: Session, inp: NotifyInput) -> list[User]:
    """Of the issuing organisation; unnamed, of the nearest organisation up from the
    coordinator's that has a decision-maker (the coordinator's own first)."""
    if inp.decision_issuer_id:
        return active_accounts(session, Role.DECISION_MAKER.value, inp.decision_issuer_id)
    coordinator = session.get(User, inp.coordinator_id) if inp.coordinator_id else None
    if coordinator is None or not coordinator.organisation_id:
        return []
    home = coordinator.organisation_id
    for organisation_id in [home, *reversed(ancestry(session, home))]:
        found = active_accounts(session, Role.DECISION_MAKER.value, organisation_id)
        if found:
            return found
    return []


class _Subtree:
    """Membership in the subtree rooted at one organisation, with ancestry looked up once."""

    def __init__(self, session: Session, root_id: str) -> None:
        self._session = session
        self._root_id = root_id
        self._known: dict[str, bool] = {}

    def contains(self, organisation_id: str | None) -> bool:
        if not organisation_id:
            return False
        if organisation_id not in self._known:
            self._known[organisation_id] = organisation_id == self._root_id or (
                self._root_id in ancestry(self._session, organisation_id)
            )
        return self._known[organisation_id]
