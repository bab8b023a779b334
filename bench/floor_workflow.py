"""The floor: a bare workflow that takes the same commands as one inspection lifecycle.

``opened`` (sent with update-with-start, as kiemtra sends its decision) and then ``step``
updates; each runs one no-op activity and returns, so what is left is Temporal's own cost
of one update with one activity. The run ends once the last step has been received and
every handler has finished, as InspectionWorkflow ends after ``verify``.
"""

from datetime import timedelta

from temporalio import activity, workflow

BENCH_NOOP = "bench_noop"
# As kiemtra's projection: 30 s to close; the default retry policy (a no-op never fails).
NOOP_TIMEOUT = timedelta(seconds=30)


@activity.defn(name=BENCH_NOOP)
def bench_noop(n: int) -> int:
    """Nothing at all; sync, so it runs on the worker's thread pool as kiemtra's projection."""
    return n


@workflow.defn
class FloorWorkflow:
    """One lifecycle's worth of updates, each with one no-op activity."""

    @workflow.init
    def __init__(self, steps: int) -> None:
        self._received = 0

    @workflow.run
    async def run(self, steps: int) -> int:
        await workflow.wait_condition(lambda: self._received >= steps)
        # Updates must finish before the workflow does.
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._received

    @workflow.update
    async def opened(self) -> int:
        """Answers once one activity has run, as kiemtra's ``opened`` waits for its projection."""
        return await self._noop(0)

    @workflow.update
    async def step(self, n: int) -> int:
        """One command: one no-op activity, then ``n`` back."""
        self._received += 1
        return await self._noop(n)

    async def _noop(self, n: int) -> int:
        result: int = await workflow.execute_activity(
            BENCH_NOOP, n, start_to_close_timeout=NOOP_TIMEOUT, result_type=int
        )
        return result
