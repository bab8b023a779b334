"""Sign-in (OAuth2 password flow), token refresh, sign-out, and the caller's identity."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from api import signin
from api.deps import CurrentUser, SessionDep, SettingsDep, oauth2
from api.schemas import ErrorPublic, Token, TokenRefresh, UserPublic
from api.throttle import limit_signins

router = APIRouter(tags=["auth"])

_REFUSED: dict[int | str, dict[str, object]] = {401: {"model": ErrorPublic}}


@router.post(
    "/auth/token",
    response_model=Token,
    responses=_REFUSED
    | {
        429: {
            "model": ErrorPublic,
            "description": "account locked, or too many sign-ins from the caller's address",
        }
    },
    dependencies=[Depends(limit_signins)],
)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """Exchange username and password for an access token and a refresh token."""
    return signin.sign_in(
        session,
        settings,
        request.app.state.signing_key,
        form.username,
        form.password,
        datetime.now(UTC),
    )


@router.post("/auth/refresh", response_model=Token, responses=_REFUSED)
def refresh(
    request: Request, body: TokenRefresh, session: SessionDep, settings: SettingsDep
) -> Token:
    """Exchange a refresh token, once, for a new pair; a reused one revokes its session."""
    return signin.refresh(
        session, settings, request.app.state.signing_key, body.refresh_token, datetime.now(UTC)
    )


@router.post("/auth/logout", status_code=204, response_class=Response, responses=_REFUSED)
def logout(
    request: Request, session: SessionDep, bearer: Annotated[str | None, Depends(oauth2)]
) -> Response:
    """End the caller's session: its access and refresh tokens stop working at once."""
    # Not CurrentUser: sign-out needs the session the token names, not just its owner.
    now = datetime.now(UTC)
    caller = signin.authenticate(session, request.app.state.signing_key, bearer, now)
    signin.sign_out(session, caller, now)
    return Response(status_code=204)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """Who the token belongs to: identity, role, organisation."""
    return UserPublic.model_validate(user)
