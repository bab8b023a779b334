"""Per-client-address rate limit on sign-ins: one token bucket per address, in process."""

import math
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from fastapi import Request

from api.errors import ApiError, ErrorCode

# Beyond this many addresses the longest idle ones are forgotten: an idle bucket has mostly
# refilled anyway, and memory stays bounded whoever sends from however many addresses.
MAX_CLIENTS = 10_000


class _Bucket(NamedTuple):
    tokens: float
    at: float
    refusing: bool


class Verdict(NamedTuple):
    wait: float  # 0: go ahead; else seconds until a token is there
    first_refusal: bool  # the first refusal since the last allowed request


class TokenBuckets:
    """``burst`` requests at once per key, then ``rate`` per second."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> Verdict:
        """Spend a token of ``key`` if it has one."""
        now = time.monotonic() if now is None else now
        with self._lock:
            old = self._buckets.pop(key, None) or _Bucket(self.burst, now, False)
            tokens = min(self.burst, old.tokens + (now - old.at) * self.rate)
            if tokens >= 1:
                self._buckets[key] = _Bucket(tokens - 1, now, False)
                verdict = Verdict(0.0, False)
            else:
                # A refusal costs nothing: hammering does not push the next token further off.
                self._buckets[key] = _Bucket(tokens, now, True)
                verdict = Verdict((1 - tokens) / self.rate, not old.refusing)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return verdict


async def limit_signins(request: Request) -> None:
    """Refuse a sign-in from an address that has spent its allowance (429, Retry-After)."""
    buckets: TokenBuckets = request.app.state.signin_buckets
    verdict = buckets.take(request.client.host if request.client else "")
    if verdict.wait <= 0:
        return
    seconds = math.ceil(verdict.wait)
    error = ApiError(
        ErrorCode.TOO_MANY_REQUESTS,
        f"too many sign-ins from this address; try again in {seconds} second(s)",
        {"retry_after": seconds},
        {"Retry-After": str(seconds)},
    )
    if verdict.first_refusal:
        # One row per flood, not one per request: the log must not become the flood's target.
        error.reason = "signin_rate"
    raise error
