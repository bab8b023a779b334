"""The FastAPI application factory; process resources live in the lifespan."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from api import errors
from api.gates import CommandGates
from api.routes import (
    auth,
    calendar,
    health,
    inspections,
    notifications,
    organisations,
    plans,
    procedure,
    reports,
    users,
)
from api.schemas import ErrorPublic
from store.db import make_engine
from worker.client import connect
from worker.settings import ApiSettings

API_PREFIX = "/api/v1"
ERROR_RESPONSES = {
    400: "malformed request",
    401: "not signed in, or the token is no longer valid",
    403: "the caller's role may not do this",
    404: "unknown, or not visible to the caller",
    409: "not allowed in the inspection's current state",
    422: "the payload does not fit the schema or the inspection",
    429: "account locked after failed sign-ins",
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


def create_app(
    settings: ApiSettings, *, engine: Engine | None = None, client: Client | None = None
) -> FastAPI:
    """The API; tests and ``kiemtra up`` may hand in an engine and client they already hold."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.settings = settings
        app.state.signing_key = settings.signing_key()
        app.state.policies = settings.policies()
        app.state.gates = CommandGates()
        app.state.engine = engine or make_engine(settings.resolved_database_url)
        # Lazy: the API starts (and answers 503) even while Temporal is still coming up.
        app.state.client = client or await connect(settings, lazy=True)
        yield
        if own_engine:
            app.state.engine.dispose()

    app = FastAPI(
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
        notifications.router,
        procedure.router,
        calendar.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router, prefix=API_PREFIX, include_in_schema=False)
    return app
