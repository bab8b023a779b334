"""Domain errors: one closed vocabulary that crosses every boundary as ``ErrorType``.

Workflows raise them as ``ApplicationError(type=ErrorType.X)``; the API maps the type to an
HTTP status in one place. Nobody matches on message text.
"""

from enum import StrEnum
from typing import Any


class ErrorType(StrEnum):
    INVALID_TRANSITION = "invalid_transition"
    GUARD_FAILED = "guard_failed"
    NOT_ALLOWED = "not_allowed"
    INVALID_COMMAND = "invalid_command"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    NOT_FOUND = "not_found"


class DomainError(Exception):
    """A refusal with a stable type, a human message and structured detail."""

    type: ErrorType = ErrorType.INVALID_COMMAND

    def __init__(self, message: str, detail: dict[str, Any] | None = None, vi: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}
        # The same refusal in Vietnamese, for the people reading it (API and pages).
        self.vi = vi


class InvalidTransition(DomainError):
    """The trigger does not leave the current state."""

    type = ErrorType.INVALID_TRANSITION


class GuardFailed(DomainError):
    """The trigger leaves the current state, but no guard lets it through."""

    type = ErrorType.GUARD_FAILED


class NotAllowed(DomainError):
    """The actor's role or relation to the inspection does not permit the trigger."""

    type = ErrorType.NOT_ALLOWED


class InvalidCommand(DomainError):
    """The payload contradicts the inspection (unknown finding, missing signature …)."""

    type = ErrorType.INVALID_COMMAND


class ConflictOfInterest(DomainError):
    """A team member belongs to the inspected unit or its sub-units."""

    type = ErrorType.CONFLICT_OF_INTEREST


ERROR_CLASSES: dict[ErrorType, type[DomainError]] = {
    cls.type: cls
    for cls in (InvalidTransition, GuardFailed, NotAllowed, InvalidCommand, ConflictOfInterest)
}
