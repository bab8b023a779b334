"""Liveness and readiness."""

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest

from api.deps import SessionDep, TemporalDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


def _ping(session: SessionDep) -> None:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]


@router.get("/readyz")
async def readyz(session: SessionDep, client: TemporalDep) -> JSONResponse:
    """The database and Temporal both answer."""
    checks: dict[str, str] = {}
    try:
        # In a thread: an unreachable database must not stall the event loop.
        await run_in_threadpool(_ping, session)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    try:
        await asyncio.wait_for(
            client.workflow_service.get_system_info(GetSystemInfoRequest()), timeout=3
        )
        checks["temporal"] = "ok"
    except Exception as exc:
        checks["temporal"] = f"unavailable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503
    )
