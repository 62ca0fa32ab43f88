"""Failed-login limiter: a sliding window per (client, user name), kept in process memory."""

from __future__ import annotations

import time
from collections import defaultdict, deque


class LoginLimiter:
    """Refuses a key after `limit` failures within `window` seconds, until the oldest ages out."""

    def __init__(self, limit: int, window: float = 60.0, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, key: str) -> int:
        """Seconds to wait before `key` may try again; 0 when it may try now."""
        now = self.clock()
        failures = self._failures.get(key)
        if not failures:
            return 0
        while failures and now - failures[0] >= self.window:
            failures.popleft()
        if len(failures) < self.limit:
            return 0
        return max(1, int(self.window - (now - failures[0])) + 1)

    def failed(self, key: str) -> None:
        """Count one failure for `key`."""
        self._failures[key].append(self.clock())

    def succeeded(self, key: str) -> None:
        """Forget the failures of `key`."""
        self._failures.pop(key, None)
