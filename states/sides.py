"""The two sides of an inspection (DOMAIN.md §4), as pure rules.

- Issuing side: the issuing organisation (whose head signs the decision), the coordinating
  office (where the coordinator who drafted it sits) and the team.
- Inspected side: the unit, its subtree and its managing chain — the unit's ancestors
  strictly below the issuing organisation (where the issuer is not an ancestor of the unit,
  below the nearest organisation the two share).
- Everyone else is lateral (an ancestor of the issuer among them).

The inspected side answers an inspection and never drives it; a surprise or complaint
inspection exists only for the issuing side until the team has been on site. ``store.scope``
is the SQL twin of ``may_see``; a property test holds the two together.
"""

from collections.abc import Sequence

from states.models import Actor, InspectionSnapshot
from states.scope import Viewer, within_authority
from states.vocabulary import (
    INSPECTED_POSITIONS,
    SECRET_KINDS,
    InspectionKind,
    Party,
    Position,
    Role,
)

# Roles that act for an office on the issuing side (the team acts by account).
OFFICE_ROLES = frozenset({Role.COORDINATOR, Role.DECISION_MAKER})
# Roles that see what their office's authority covers (a secret inspection only from the
# issuing organisation or the coordinating office).
READER_ROLES = frozenset({Role.COORDINATOR, Role.DECISION_MAKER, Role.VIEWER})


def is_secret(s: InspectionSnapshot) -> bool:
    """A surprise or complaint inspection whose team has never been on site.

    Suspended or cancelled before the visit, it stays secret: the team never arrived.
    """
    return s.kind in SECRET_KINDS and s.visit.started_at is None


def issuer_of(s: InspectionSnapshot) -> str | None:
    return s.decision.issuer_id


def managing_chain(s: InspectionSnapshot) -> list[str]:
    return chain_below_issuer(issuer_of(s), s.issuer_path, s.unit_path)


def chain_below_issuer(
    issuer_id: str | None, issuer_path: Sequence[str], unit_path: Sequence[str]
) -> list[str]:
    """The unit's ancestors (``unit_path``, root first) strictly below the issuing
    organisation — or, when the issuer is not one of them (an agency deciding in its
    sector), strictly below the nearest organisation issuer and unit share."""
    if issuer_id is None:
        return []
    issuer_line = [*issuer_path, issuer_id]
    shared = -1
    for i, (a, b) in enumerate(zip(issuer_line, unit_path, strict=False)):
        if a != b:
            break
        shared = i
    return list(unit_path[shared + 1 :])


def position(
    s: InspectionSnapshot, user_id: str, organisation_id: str | None, chain: Sequence[str]
) -> Position:
    """Where a person (account ``user_id`` in ``organisation_id``, whose ancestry root …
    own organisation is ``chain``) stands relative to ``s``."""
    if user_id in s.team_user_ids():
        return Position.TEAM
    if organisation_id is None:
        return Position.LATERAL
    if organisation_id == issuer_of(s):
        return Position.ISSUER
    if organisation_id == s.office_id:
        return Position.OFFICE
    if organisation_id == s.unit_id:
        return Position.UNIT
    if s.unit_id in chain:
        return Position.SUBTREE
    if organisation_id in managing_chain(s):
        return Position.MANAGING_CHAIN
    if organisation_id in s.issuer_path:
        return Position.ABOVE_ISSUER
    return Position.LATERAL


def position_of_actor(s: InspectionSnapshot, actor: Actor) -> Position:
    return position(s, actor.user_id, actor.organisation_id, actor.chain)


def position_of_viewer(s: InspectionSnapshot, viewer: Viewer) -> Position:
    return position(s, viewer.user_id, viewer.organisation_id, viewer.chain)


def may_see(viewer: Viewer, s: InspectionSnapshot) -> bool:
    """Whether the inspection exists for ``viewer`` (otherwise: 404, like an unknown id).

    An inspector sees the inspections whose team it is on. Offices (coordinators,
    decision-makers, viewers) see what lies in their authority, and a secret one only when
    they are the issuing organisation or the coordinating office. A unit representative
    sees what concerns its own organisation (the unit or an ancestor), never a secret one.
    ``store.scope.scoped`` is the same rule in SQL.
    """
    if viewer.role is Role.SYSTEM:
        return True
    if viewer.role is Role.INSPECTOR:
        return viewer.user_id in s.team_user_ids()
    unit_chain = [*s.unit_path, s.unit_id]
    if viewer.role is Role.UNIT_REP:
        return not is_secret(s) and viewer.organisation_id in unit_chain
    if viewer.role in READER_ROLES:
        issuing = viewer.organisation_id in (issuer_of(s), s.office_id)
        return within_authority(viewer, unit_chain) and (issuing or not is_secret(s))
    return False  # admins manage accounts, organisations and the calendar


def may_start(viewer: Viewer, unit_chain: list[str]) -> bool:
    """A coordinator starts inspections inside its authority, never of its own office or an
    organisation above it (it would stand on the inspected side)."""
    return (
        viewer.role is Role.COORDINATOR
        and within_authority(viewer, unit_chain)
        and unit_chain[-1] not in viewer.chain
    )


def may_start_self(viewer: Viewer, unit_chain: list[str]) -> bool:
    """A unit decides its own self-inspection (tự kiểm tra): a coordinator of the unit, or
    of one of its offices, within its authority. The unit is then its own issuer."""
    return (
        viewer.role is Role.COORDINATOR
        and within_authority(viewer, unit_chain)
        and unit_chain[-1] in viewer.chain
    )


def is_self(s: InspectionSnapshot) -> bool:
    """A self-inspection: the unit inspects itself, so it stands on both sides."""
    return s.kind is InspectionKind.SELF and s.decision.issuer_id == s.unit_id


def may_plan(viewer: Viewer, unit_chain: list[str]) -> bool:
    """A unit may go into a plan of the issuing side — drafted by its coordinator, adjusted
    by its coordinator or decision-maker — inside their authority and never their own."""
    return (
        viewer.role in (Role.COORDINATOR, Role.DECISION_MAKER)
        and within_authority(viewer, unit_chain)
        and unit_chain[-1] not in viewer.chain
    )


def office_inspected(
    viewer: Viewer, unit_chain: list[str], issuer_id: str, issuer_path: Sequence[str]
) -> bool:
    """The coordinator's office would stand on the inspected side: it is the unit, lies
    under it, or manages it below the issuer (an office does not coordinate the inspection
    of the school it runs)."""
    office = viewer.organisation_id
    below_issuer = chain_below_issuer(issuer_id, issuer_path, unit_chain[:-1])
    return unit_chain[-1] in viewer.chain or office in below_issuer


def issuers_for(viewer: Viewer) -> list[str]:
    """The organisations a coordinator may name as issuer: its own office up to its People's
    Committee (an agency decides in its sector, the Committee over its territory)."""
    if viewer.authority_root is None or viewer.authority_root not in viewer.chain:
        return []
    return list(viewer.chain[viewer.chain.index(viewer.authority_root) :])


def party_allows(s: InspectionSnapshot, party: Party, actor: Actor) -> bool:
    """Whether ``actor`` belongs to ``party`` on this inspection."""
    where = position_of_actor(s, actor)
    match party:
        case Party.SYSTEM:
            return actor.role is Role.SYSTEM
        case Party.LEADERSHIP:
            return actor.role in OFFICE_ROLES and where in (Position.ISSUER, Position.OFFICE)
        case Party.SIGNER:
            return actor.role is Role.DECISION_MAKER and where is Position.ISSUER
        case Party.TEAM:
            return actor.role is Role.INSPECTOR and where is Position.TEAM
        case Party.UNIT:
            if actor.role is not Role.UNIT_REP:
                return False
            # In a self-inspection the unit is its own issuer: its representatives still
            # answer for it.
            own = is_self(s) and actor.organisation_id == s.unit_id
            return own or where in (Position.UNIT, Position.MANAGING_CHAIN)
    return False


def inspected_side(
    s: InspectionSnapshot, organisation_id: str | None, chain: Sequence[str]
) -> bool:
    """The organisation is the unit, below it, or in its managing chain."""
    return position(s, "", organisation_id, chain) in INSPECTED_POSITIONS


def barred_from_team(
    s: InspectionSnapshot, organisation_id: str | None, chain: Sequence[str]
) -> bool:
    """Whether a person of that organisation cannot serve on the team: anyone on the
    inspected side (a conflict of interest); in a self-inspection, anyone from outside the
    unit (its own staff inspect it)."""
    if is_self(s):
        return s.unit_id not in [*chain, organisation_id]
    return inspected_side(s, organisation_id, chain)


def register_root(viewer: Viewer) -> str | None:
    """Whose register of documents a person reads: the issuing side's book, so every office
    role within its authority; a unit's representative reads its inspections, not the book."""
    if viewer.role is Role.UNIT_REP:
        return None
    return viewer.authority_root
