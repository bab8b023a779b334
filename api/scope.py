"""The caller's scope on every inspection endpoint: what exists for them and what does not."""

from typing import Annotated

from fastapi import Depends

from api.deps import CurrentUser, SessionDep
from api.errors import ApiError
from states.models import InspectionSnapshot
from states.scope import Viewer, inside_unit, is_secret, may_see
from states.vocabulary import Role
from store.queries import snapshot_of, viewer_of


def get_viewer(user: CurrentUser, session: SessionDep) -> Viewer:
    viewer = viewer_of(session, user)
    if viewer.role is Role.ADMIN:
        raise ApiError(
            403,
            "forbidden",
            "administrators manage accounts, organisations and the calendar, not inspections",
            {"role": viewer.role.value},
        )
    return viewer


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def hidden(inspection_id: str, reason: str) -> ApiError:
    """The same 404 as an unknown id; only the security log knows why."""
    error = ApiError(
        404, "not_found", f"inspection {inspection_id} not found", {"id": inspection_id}
    )
    error.reason = reason
    return error


def load_visible(session: SessionDep, viewer: Viewer, inspection_id: str) -> InspectionSnapshot:
    """The inspection's snapshot if it exists for ``viewer``; 404 otherwise."""
    snapshot = snapshot_of(session, inspection_id)
    if snapshot is None:
        raise hidden(inspection_id, "")
    if not may_see(viewer, snapshot):
        secret = is_secret(snapshot)
        raise hidden(
            inspection_id,
            "secrecy" if secret and inside_unit(viewer, snapshot.unit_id) else "out_of_scope",
        )
    return snapshot
