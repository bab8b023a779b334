"""Records: the idempotent projection of every accepted command into SQL."""

from sqlalchemy import Engine
from temporalio import activity

from activities.names import RECORD_TRANSITION
from states.models import RecordTransitionInput
from store.projection import project


class RecordsActivities:
    """Projection activities; the worker hands them a ready engine."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @activity.defn(name=RECORD_TRANSITION)
    def record_transition(self, inp: RecordTransitionInput) -> None:
        """Write the event once and bring the read model up to the snapshot."""
        project(self._engine, inp.event, inp.snapshot)
