"""Typed document numbers, checked against the register before a command carries them."""

from datetime import UTC, date, datetime

from sqlmodel import Session

from api.errors import ApiError, ErrorCode
from states.calendar import local_date
from states.models import Command, InspectionSnapshot
from states.paper import DECIDE, PAPERS, STEP_PAPERS, Paper, issuer_of
from store import register


def today() -> date:
    return local_date(datetime.now(UTC))


def check_number(
    session: Session,
    issuer_id: str,
    type_code: str,
    year: int,
    typed: str,
    field: str,
    inspection_id: str | None = None,
) -> None:
    """A number typed for a document already issued on paper: its form, issuer, type and
    year, and not taken (409) — refused before anything is sent or written. Taken by
    ``inspection_id`` itself is no refusal: a retried request meets its own document."""
    try:
        register.check_typed(session, issuer_id, type_code, year, typed, inspection_id)
    except register.NumberTaken as e:
        raise ApiError(ErrorCode.CONFLICT, str(e), {field: typed}, vi=e.vi) from None
    except register.RegisterError as e:
        raise ApiError(ErrorCode.INVALID_PAYLOAD, str(e), {field: typed}, vi=e.vi) from None


def check_decision(
    session: Session,
    issuer_id: str,
    number: str,
    signed_on: date | None,
    retried: str | None = None,
) -> None:
    """The decision's date is a fact (never in the future) and its typed number fits."""
    now = today()
    if signed_on is not None and signed_on > now:
        raise ApiError(
            ErrorCode.INVALID_PAYLOAD,
            f"decision.signed_on {signed_on} is in the future",
            {"decision.signed_on": signed_on.isoformat()},
            vi=f"Ngày ký quyết định {signed_on:%d/%m/%Y} chưa đến.",
        )
    if number:
        spec = PAPERS[STEP_PAPERS[DECIDE]]
        year = (signed_on or now).year
        check_number(session, issuer_id, spec.type, year, number, "decision.number", retried)


def check_command(
    session: Session, snapshot: InspectionSnapshot, trigger: str, command: Command
) -> None:
    """The number a command types for the document its step issues, if any."""
    paper: Paper | None = STEP_PAPERS.get(trigger)
    spec = PAPERS[paper] if paper else None
    if spec is None or spec.typed is None:
        return
    typed = str(getattr(command, spec.typed, "") or "")
    issuer = issuer_of(spec, snapshot)
    if typed and issuer:
        year = (command.dated() or today()).year
        check_number(session, issuer, spec.type, year, typed, spec.typed, snapshot.inspection_id)
