"""Who is looking at a page: the account, its scope, and what the header shows them."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.deps import SessionDep, actor_of
from api.scope import inspection_reader
from api.web.session import PageUser
from states.models import Actor
from states.scope import Viewer
from states.vocabulary import Role
from store.outbox import unread_count
from store.queries import viewer_of
from store.tables import Organisation, User


@dataclass(frozen=True)
class Header:
    name: str
    role: Role
    office: str
    unread: int


@dataclass(frozen=True)
class PageCaller:
    user: User
    viewer: Viewer
    actor: Actor

    @property
    def role(self) -> Role:
        return self.viewer.role


def page_caller(request: Request, user: PageUser, db: SessionDep) -> PageCaller:
    viewer = viewer_of(db, user)
    office = db.get(Organisation, user.organisation_id) if user.organisation_id else None
    request.state.header = Header(
        name=user.full_name or user.username,
        role=Role(user.role),
        office=office.name if office else "",
        unread=unread_count(db, user.id),
    )
    return PageCaller(user=user, viewer=viewer, actor=actor_of(user, request, viewer))


PageCallerDep = Annotated[PageCaller, Depends(page_caller)]


def inspection_caller(caller: PageCallerDep) -> PageCaller:
    """The API's own rule for who reads inspections (``api.scope.inspection_reader``)."""
    inspection_reader(caller.viewer)
    return caller


InspectionCallerDep = Annotated[PageCaller, Depends(inspection_caller)]
