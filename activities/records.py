"""Records: what one committed change leaves in SQL — its event, the read model, the outbox."""

from sqlalchemy import Engine
from temporalio import activity

from activities.mailer import SmtpMailer
from activities.names import RECORD, RECORD_TRANSITION
from activities.notify import DEFAULT_PUBLIC_URL, write_outbox
from states.calendar import local_date
from states.models import RecordInput, RecordTransitionInput
from states.paper import letters_of
from store import complaints, register
from store.db import session_scope
from store.projection import project, project_in


class RecordsActivities:
    """Projection activities; the worker hands them a ready engine (and the mailer, whose
    presence decides whether e-mail rows are queued)."""

    def __init__(
        self,
        engine: Engine,
        mailer: SmtpMailer | None = None,
        public_url: str = DEFAULT_PUBLIC_URL,
    ) -> None:
        self._engine = engine
        self._mailer = mailer
        self._public_url = public_url

    @activity.defn(name=RECORD)
    def record(self, inp: RecordInput) -> list[int]:
        """Event, read model and outbox in one transaction, each written once however often
        this runs. Returns the e-mail rows still to deliver."""
        with session_scope(self._engine) as session:
            project_in(session, inp.snapshot, inp.events, inp.changed)
            emails: list[int] = []
            on = local_date(inp.snapshot.updated_at)
            for notice in inp.notices:
                emails += write_outbox(
                    session, notice, email=self._mailer is not None, public_url=self._public_url
                )
                for letter in letters_of(inp.snapshot, notice, on):
                    register.record(session, letter, inp.snapshot.inspection_id)
            if self._mailer is not None and complaints.answered_by(inp.snapshot):
                # Answers to the complainants of a complaint inspection that closed.
                emails += complaints.undelivered_answers(session, inp.snapshot.inspection_id)
            return emails

    @activity.defn(name=RECORD_TRANSITION)
    def record_transition(self, inp: RecordTransitionInput) -> None:
        """Write the event once and bring the read model up to the snapshot (histories
        recorded before ``record`` replay with it)."""
        project(self._engine, inp.snapshot, [inp.event] if inp.event else [])
