"""One command at a time per inspection from each API process."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class CommandGates:
    """Commands on one inspection leave this process one at a time, in arrival order.

    The server keeps at most ten updates in flight per workflow and refuses more with
    RESOURCE_EXHAUSTED. Queued here instead, a burst on one inspection reaches Temporal in
    order: a repeat with the same Idempotency-Key gets the first answer from the update-id
    deduplication, a rival command is refused by the validator (409). The procedure applies
    one command at a time anyway, so nothing is lost by waiting. (Several API processes
    can still exceed the limit together: that answer is a 503 to retry.)
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: Counter[str] = Counter()

    @asynccontextmanager
    async def hold(self, inspection_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(inspection_id, asyncio.Lock())
        self._users[inspection_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[inspection_id] -= 1
            if not self._users[inspection_id]:
                del self._users[inspection_id], self._locks[inspection_id]
