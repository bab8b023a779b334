"""Who may see which inspection: organisation scope and surprise secrecy, as pure rules.

DOMAIN.md §4: an office acts within its authority — the subtree of the nearest People's
Committee at or above it (a provincial department inspects across the province; a commune
only inside itself). A unit representative sees its own organisation and sub-units. A
surprise or complaint inspection does not exist for the inspected unit and its sub-units
until the team is on site.
"""

from pydantic import Field

from states.contract import Contract
from states.models import InspectionSnapshot
from states.vocabulary import SECRET_KINDS, Role

# Levels that hold authority over their subtree (People's Committees).
AUTHORITY_LEVELS = frozenset({"province", "commune", "ward", "special_zone"})


class Viewer(Contract):
    """The caller as scoping sees it."""

    user_id: str
    role: Role
    organisation_id: str | None = None
    chain: list[str] = Field(default_factory=list, description="root … own organisation")
    authority_root: str | None = None


def is_secret(s: InspectionSnapshot) -> bool:
    """A surprise or complaint inspection whose team has never been on site.

    Suspended or cancelled before the visit, it stays secret: the team never arrived.
    """
    return s.kind in SECRET_KINDS and s.visit.started_at is None


def inside_unit(viewer: Viewer, unit_id: str) -> bool:
    """The viewer belongs to the unit or one of its sub-units."""
    return unit_id in viewer.chain


def within_authority(viewer: Viewer, unit_chain: list[str]) -> bool:
    """The unit (``unit_chain``: root … unit) lies in the viewer's authority."""
    return viewer.authority_root is not None and viewer.authority_root in unit_chain


def may_see(viewer: Viewer, s: InspectionSnapshot) -> bool:
    """Whether the inspection exists for ``viewer`` (otherwise: 404)."""
    if is_secret(s) and inside_unit(viewer, s.unit_id):
        return False
    unit_chain = [*s.unit_path, s.unit_id]
    if viewer.role is Role.SYSTEM:
        return True
    if viewer.role is Role.UNIT_REP:
        return viewer.organisation_id in unit_chain
    if viewer.role is Role.INSPECTOR:
        return viewer.user_id in {m.user_id for m in s.team}
    if viewer.role in (Role.COORDINATOR, Role.DECISION_MAKER, Role.VIEWER):
        return within_authority(viewer, unit_chain)
    return False  # admins manage accounts, organisations and the calendar, not inspections


def may_start(viewer: Viewer, unit_chain: list[str]) -> bool:
    """A coordinator starts inspections only inside its authority."""
    return viewer.role is Role.COORDINATOR and within_authority(viewer, unit_chain)


def may_see_plan_item(viewer: Viewer, unit_chain: list[str]) -> bool:
    """A planned unit is visible to a unit representative of it (or of an ancestor), and to
    every other role within its authority. Plans hold no secret kinds."""
    if viewer.role is Role.SYSTEM:
        return True
    if viewer.role is Role.UNIT_REP:
        return viewer.organisation_id in unit_chain
    if viewer.role is Role.ADMIN:
        return False
    return within_authority(viewer, unit_chain)


def reports_show_secret(viewer: Viewer) -> bool:
    """Reports are pasted and circulated: only the people who run inspections see the
    not-yet-visited surprise and complaint inspections counted in them."""
    return viewer.role in (Role.COORDINATOR, Role.DECISION_MAKER, Role.SYSTEM)
