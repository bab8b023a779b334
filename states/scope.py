"""The caller as scoping sees it, and an office's authority, as pure rules.

DOMAIN.md §4: an office acts within its authority — the subtree of the nearest People's
Committee at or above it (a provincial department inspects across the province; a commune
only inside itself). Which side of one inspection a person stands on is ``states.sides``.
"""

from pydantic import Field

from states.contract import Contract
from states.vocabulary import Role

# Levels that hold authority over their subtree (People's Committees).
AUTHORITY_LEVELS = frozenset({"province", "commune", "ward", "special_zone"})


class Viewer(Contract):
    """The caller as scoping sees it."""

    user_id: str
    role: Role
    organisation_id: str | None = None
    chain: list[str] = Field(default_factory=list, description="root … own organisation")
    authority_root: str | None = None


def inside_unit(viewer: Viewer, unit_id: str) -> bool:
    """The viewer belongs to the unit or one of its sub-units."""
    return unit_id in viewer.chain


def within_authority(viewer: Viewer, unit_chain: list[str]) -> bool:
    """The unit (``unit_chain``: root … unit) lies in the viewer's authority."""
    return viewer.authority_root is not None and viewer.authority_root in unit_chain


def may_see_plan_slots(viewer: Viewer) -> bool:
    """A plan's surprise-check slots are the issuing side's planning: a unit representative
    (who reads a plan through its own items) sees none of them."""
    return viewer.role is not Role.UNIT_REP


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
