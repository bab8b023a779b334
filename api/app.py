"""The FastAPI application factory; process resources live in the lifespan."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from api import errors
from api.edge import EdgeMiddleware
from api.gates import CommandGates
from api.routes import (
    auth,
    calendar,
    checklist,
    complaints,
    discipline,
    documents,
    evidence,
    health,
    inspections,
    notifications,
    organisations,
    papers,
    people,
    plans,
    procedure,
    remediations,
    reports,
    standing_teams,
    templates,
    users,
)
from api.schemas import ErrorPublic
from api.settings import ApiSettings
from api.temporal_client import connect
from api.throttle import TokenBuckets
from api.uploads import UPLOAD_OVERHEAD, UPLOAD_PATH
from api.web import install as install_pages
from store.db import make_engine
from store.files import file_store

API_PREFIX = "/api/v1"
ERROR_RESPONSES = {
    400: "malformed request",
    401: "not signed in, or the token is no longer valid",
    403: "the caller's role may not do this",
    404: "unknown, or not visible to the caller",
    409: "not allowed in the inspection's current state",
    413: "the request body is larger than the server accepts",
    422: "the payload does not fit the schema or the inspection",
    429: "account locked after failed sign-ins, or too many sign-ins from one address",
    503: "Temporal, the worker or the database did not answer in time",
}


class RequestIdMiddleware:
    """Every request carries an id: the caller's X-Request-ID or a fresh one, echoed back.

    Plain ASGI rather than ``@app.middleware``: that wrapper costs a task and a stream per
    request, a measurable share of a fast read."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")[:64]
        rid = given or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        await self.app(scope, receive, send_with_id)


class _App(FastAPI):
    """FastAPI with the edge around everything, Starlette's own error middleware included:
    ``add_middleware`` would put it inside, and a 500 would leave without its headers."""

    def __init__(self, settings: ApiSettings, **kwargs: Any) -> None:
        self.edge_settings = settings
        super().__init__(**kwargs)

    def build_middleware_stack(self) -> ASGIApp:
        return EdgeMiddleware(
            super().build_middleware_stack(),
            max_body_bytes=self.edge_settings.max_body_bytes,
            trusted_proxies=self.edge_settings.trusted_proxies,
            upload_bytes=self.edge_settings.max_upload_bytes + UPLOAD_OVERHEAD,
            upload_path=UPLOAD_PATH,
        )


def create_app(
    settings: ApiSettings, *, engine: Engine | None = None, client: Client | None = None
) -> FastAPI:
    """The API; tests and ``kiemtra up`` may hand in an engine and client they already hold.

    Serve it with uvicorn's ``proxy_headers=False``: the edge decides who the client is.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.settings = settings
        app.state.signing_key = settings.signing_key()
        app.state.policies = settings.policies()
        app.state.gates = CommandGates()
        app.state.signin_buckets = TokenBuckets(
            settings.signin_rate_per_minute / 60, settings.signin_burst
        )
        app.state.engine = engine or make_engine(settings.resolved_database_url)
        app.state.files = file_store(settings.data_dir, settings.files_url)
        # Lazy: the API starts (and answers 503) even while Temporal is still coming up.
        app.state.client = client or await connect(settings, lazy=True)
        yield
        if own_engine:
            app.state.engine.dispose()

    app = _App(
        settings,
        title="kiemtra",
        summary="Kiểm tra công vụ — public-service inspections as durable workflows",
        version="0.1.0",
        lifespan=lifespan,
        # Every operation may answer these, always in the one error shape.
        responses={
            status: {"model": ErrorPublic, "description": text}
            for status, text in ERROR_RESPONSES.items()
        },
    )
    errors.install(app)

    app.add_middleware(RequestIdMiddleware)

    app.include_router(health.router)
    for router in (
        auth.router,
        organisations.router,
        users.router,
        inspections.router,
        plans.router,
        reports.router,
        remediations.router,
        notifications.router,
        procedure.router,
        calendar.router,
        documents.router,
        papers.router,
        templates.router,
        evidence.router,
        complaints.router,
        people.router,
        standing_teams.router,
        discipline.router,
        checklist.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router, prefix=API_PREFIX, include_in_schema=False)
    install_pages(app)
    return app
