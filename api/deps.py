"""Request dependencies: process resources from the lifespan, and the caller."""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine
from sqlmodel import Session
from temporalio.client import Client

from api.commands import Commander
from api.errors import ApiError, ErrorCode
from api.settings import ApiSettings
from api.signin import authenticate
from states.models import Actor
from states.scope import Viewer
from states.vocabulary import Role
from store.tables import User

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings(request: Request) -> ApiSettings:
    settings: ApiSettings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    engine: Engine = request.app.state.engine
    with Session(engine) as session:
        yield session


def get_client(request: Request) -> Client:
    client: Client = request.app.state.client
    return client


def get_commander(request: Request) -> Commander:
    """Commands to Temporal, bounded by the settings' timeout, one at a time per inspection."""
    settings: ApiSettings = request.app.state.settings
    return Commander(
        request.app.state.client,
        settings.task_queue,
        settings.update_timeout_seconds,
        engine=request.app.state.engine,
        gates=request.app.state.gates,
    )


SettingsDep = Annotated[ApiSettings, Depends(get_settings)]
CommanderDep = Annotated[Commander, Depends(get_commander)]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=200, description="replays the first answer"),
]
SessionDep = Annotated[Session, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_client)]


def get_current_user(
    request: Request, session: SessionDep, token: Annotated[str | None, Depends(oauth2)]
) -> User:
    """The signed-in caller; the token's session must still be live (logout ends it at once)."""
    user = authenticate(session, request.app.state.signing_key, token, datetime.now(UTC)).user
    # For the security log of a refusal later in this request: plain values, since the
    # session (and with it the ORM row) may be gone by the time the refusal is written.
    request.state.caller = (user.id, user.role)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def actor_of(user: User, request: Request | None = None, viewer: Viewer | None = None) -> Actor:
    """The actor of a command always comes from the token, never from the body; ``viewer``
    (the same account's scope) brings its organisation chain, which places it on a side."""
    return Actor(
        user_id=user.id,
        name=user.full_name or user.username,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        chain=list(viewer.chain) if viewer is not None else [],
        source_ip=request.client.host if request is not None and request.client else "",
        request_id=getattr(request.state, "request_id", "") if request is not None else "",
    )


def require_role(user: User, *roles: Role) -> None:
    if user.role not in {r.value for r in roles}:
        raise ApiError(
            ErrorCode.FORBIDDEN,
            f"role '{user.role}' may not do this; allowed: {', '.join(r.value for r in roles)}",
            {"role": user.role},
        )
