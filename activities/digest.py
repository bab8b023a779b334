"""The daily digest's side effects: which day it is, what to tell, and reconciliation."""

import asyncio
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session
from temporalio import activity
from temporalio.client import Client

from activities.calendar import broadcast_calendar
from activities.names import COLLECT_DIGESTS, DIGEST_DAY, RECONCILE, inspection_workflow_id
from states.calendar import local_date
from states.discipline import FORM_LABELS, DisciplineForm
from states.models import DigestDay, InspectionSnapshot, NotifyInput
from states.vocabulary import Audience, NoticeKind
from store.calendar import calendar_for
from store.db import refresh_statistics
from store.digest import digests, open_inspections
from store.discipline import due_by
from store.projection import project
from store.tables import Inspection

DUE_SOON_WORKING_DAYS = 3
# A discipline record's time limit is in calendar days (states.discipline): the managing
# authority hears of it this many days before it ends, then every working day until decided.
DISCIPLINE_DUE_SOON_DAYS = 10


def _line(row: Inspection) -> dict[str, str]:
    due = local_date(row.next_deadline).isoformat() if row.next_deadline else ""
    return {"title": row.title, "unit_name": row.unit_name, "due_on": due, "inspection_id": row.id}


def discipline_reminders(session: Session, on: date) -> list[NotifyInput]:
    """One reminder per discipline record the managing authority has not decided and whose
    time limit ends within ``DISCIPLINE_DUE_SOON_DAYS`` (or has passed): to the authority's
    decision-makers and the coordinator of the inspection that recommended it. Keyed by
    record and day, so a digest run twice the same day sends each once."""
    notices = []
    for case in due_by(session, on + timedelta(days=DISCIPLINE_DUE_SOON_DAYS)):
        inspection = session.get(Inspection, case.inspection_id)
        form = DisciplineForm(case.proposed_form)
        notices.append(
            NotifyInput(
                inspection_id=case.inspection_id,
                kind=NoticeKind.DISCIPLINE_DUE,
                deadline=f"discipline:{case.id}:{on.isoformat()}",
                audiences=[Audience.DECISION_MAKER, Audience.COORDINATOR],
                unit_id=inspection.unit_id if inspection else "",
                coordinator_id=inspection.coordinator_id if inspection else "",
                decision_issuer_id=case.authority_id,
                payload={
                    "title": inspection.title if inspection else "",
                    "unit_name": inspection.unit_name if inspection else "",
                    "conclusion_number": case.conclusion_number,
                    "finding_no": case.finding_no,
                    "person_name": case.person_name,
                    "form_vi": FORM_LABELS[form][0],
                    "form_en": FORM_LABELS[form][1],
                    "due_on": case.due_on.isoformat(),
                    "overdue": case.due_on < on,
                    "discipline_id": case.id,
                },
            )
        )
    return notices


class DigestActivities:
    """Digest and reconciliation; the worker hands in the engine and a Temporal client."""

    def __init__(self, engine: Engine, client: Client) -> None:
        self._engine = engine
        self._client = client

    @activity.defn(name=DIGEST_DAY)
    def digest_day(self, on: date) -> DigestDay:
        """Whether ``on`` is a working day, and the last day counted as "due soon"."""
        with Session(self._engine) as session:
            calendar = calendar_for(session, range(on.year, on.year + 2))
        return DigestDay(
            on=on,
            working=calendar.is_working_day(on),
            horizon=calendar.add_working_days(on, DUE_SOON_WORKING_DAYS),
        )

    @activity.defn(name=COLLECT_DIGESTS)
    def collect_digests(self, day: DigestDay) -> list[NotifyInput]:
        """One message per coordinator with something due soon or overdue."""
        with Session(self._engine) as session:
            return [
                NotifyInput(
                    inspection_id="",
                    kind=NoticeKind.DIGEST,
                    deadline=f"digest:{day.on.isoformat()}",
                    audiences=[Audience.COORDINATOR],
                    unit_id="",
                    coordinator_id=d.coordinator_id,
                    payload={
                        "on": day.on.isoformat(),
                        "due": [_line(r) for r in d.due],
                        "overdue": [_line(r) for r in d.overdue],
                    },
                )
                for d in digests(session, day.horizon)
                if d.coordinator_id
            ] + discipline_reminders(session, day.on)

    @activity.defn(name=RECONCILE)
    async def reconcile(self, on: date) -> tuple[int, int]:
        """Bring stale read-model rows up to their workflow, refresh the planner's
        statistics and re-send the calendar.

        Returns (rows repaired, inspections the calendar reached). A broadcast an API process
        could not finish is thereby completed within a day.
        """
        with Session(self._engine) as session:
            rows = [(r.id, r.seq, r.updated_at) for r in open_inspections(session)]
            calendar = calendar_for(session, range(on.year - 1, on.year + 4))
        gate = asyncio.Semaphore(20)

        async def repair(inspection_id: str, seq: int, updated_at: datetime) -> int:
            async with gate:
                handle = self._client.get_workflow_handle(inspection_workflow_id(inspection_id))
                try:
                    snapshot = await handle.query("get_snapshot", result_type=InspectionSnapshot)
                except Exception as exc:  # ended or unknown: the projection already has its end
                    activity.logger.info("not reconciled %s: %s", inspection_id, exc)
                    return 0
            stored = updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=UTC)
            if (snapshot.seq, snapshot.updated_at) <= (seq, stored):
                return 0
            await asyncio.to_thread(project, self._engine, snapshot)
            return 1

        repaired = sum(await asyncio.gather(*(repair(*row) for row in rows)))
        # Once a day, as the read model grows: SQLite plans its queries from these.
        await asyncio.to_thread(refresh_statistics, self._engine)
        reached = await broadcast_calendar(self._client, calendar)
        return repaired, reached
