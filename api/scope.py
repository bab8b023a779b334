"""The caller's scope on every inspection endpoint: what exists for them and what does not."""

from typing import Annotated

from fastapi import Depends

from api.deps import CurrentUser, SessionDep
from api.errors import ApiError, ErrorCode, not_found
from states.models import InspectionSnapshot
from states.scope import Viewer
from states.vocabulary import Role
from store.queries import viewer_of, visible_snapshot


def get_viewer(user: CurrentUser, session: SessionDep) -> Viewer:
    return inspection_reader(viewer_of(session, user))


def inspection_reader(viewer: Viewer) -> Viewer:
    """The viewer, unless an administrator: they manage accounts, organisations and the
    calendar, not inspections (the API and the pages alike)."""
    if viewer.role is Role.ADMIN:
        raise ApiError(
            ErrorCode.FORBIDDEN,
            "administrators manage accounts, organisations and the calendar, not inspections",
            {"role": viewer.role.value},
        )
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def load_visible(session: SessionDep, viewer: Viewer, inspection_id: str) -> InspectionSnapshot:
    """The inspection's snapshot if it exists for ``viewer``; 404 otherwise.

    One query decides (the list's own scope): an unknown id and one the caller may not see
    take the same path, answer the same body and leave the same security-log row."""
    snapshot = visible_snapshot(session, viewer, inspection_id)
    if snapshot is None:
        raise not_found("inspection", inspection_id)
    return snapshot
