"""Throttling of the public intake without keeping the sender's address.

Counts are kept per *keyed HMAC* of the client address and of the receipt code, under a random key made
when the process starts and never written anywhere: the counters cannot be reversed into addresses, and
they vanish with the process (and expire after ``window`` seconds). In memory on purpose: a restart
forgetting is acceptable for slowing guessing down, and nothing about a sender ever reaches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from laborlens.errors import LaborlensError


class TooManyReports(LaborlensError):
    exit_code = 2
    http_status = 429


class IntakeThrottle:
    def __init__(
        self, per_address: int = 20, per_code: int = 10, failed_per_address: int = 10, window: float = 3600.0
    ) -> None:
        self._key = secrets.token_bytes(32)
        self.limits = {"addr": per_address, "code": per_code, "fail": failed_per_address}
        self.window = window
        self._hits: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _h(self, value: str) -> str:
        return hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()[:32]

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._hits[key]
        while q and now - q[0] > self.window:
            q.popleft()
        if not q:
            self._hits.pop(key, None)
            q = self._hits[key]
        return q

    def hit(self, address: str, code: str | None = None) -> None:
        """Count one request; TooManyReports when the address or the code is over its limit."""
        now = time.monotonic()
        keys = [("addr", self._h(address or "?")), ("fail", self._h(address or "?"))]
        if code:
            keys.append(("code", self._h(code)))
        with self._lock:
            for kind, k in keys:
                if len(self._recent((kind, k), now)) >= self.limits[kind]:
                    raise TooManyReports("too many attempts; wait and try again later")
            for kind, k in keys:
                if kind != "fail":
                    self._recent((kind, k), now).append(now)

    def failed(self, address: str) -> None:
        """An unknown receipt code from this address (guessing gets slowed down sooner)."""
        now = time.monotonic()
        with self._lock:
            self._recent(("fail", self._h(address or "?")), now).append(now)

    def stored_keys(self) -> list[str]:
        """What the throttle holds (for tests: digests, never an address)."""
        with self._lock:
            return [k for _kind, k in self._hits]
