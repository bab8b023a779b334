"""Sign-in (OAuth2 password flow) and the caller's identity."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.errors import ApiError
from api.schemas import Token, UserPublic
from api.security import create_access_token, verify_password
from store.queries import user_by_username

router = APIRouter(tags=["auth"])


@router.post("/auth/token", response_model=Token)
def token(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """Exchange username and password for a bearer token."""
    user = user_by_username(session, form.username)
    if user is None or not user.active or not verify_password(form.password, user.password_hash):
        raise ApiError(
            401,
            "invalid_credentials",
            "wrong username or password",
            None,
            {"WWW-Authenticate": "Bearer"},
        )
    minutes = settings.access_token_minutes
    return Token(
        access_token=create_access_token(
            user.id, user.role, request.app.state.signing_key, minutes
        ),
        expires_in=minutes * 60,
    )


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """Who the token belongs to: identity, role, organisation."""
    return UserPublic.model_validate(user)
