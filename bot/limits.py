"""Rate limits per user and per channel: token buckets that answer at once, never queue.

Each user and each channel has a bucket holding up to `burst` tokens that
refills at `rate` tokens a second. A command takes one token from the user's
bucket and one from the channel's; when either is empty the command is
refused with `RateLimited(retry_after)` straight away. A refused command
takes no token, so a user who keeps hammering does not drain the channel
for everyone else, and nothing ever waits in a queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

from .errors import RateLimited

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)

MAX_KEYS = 50_000  # buckets kept per kind at most, however many users are active at once


@dataclass
class Bucket:
    """Tokens left and when they were last counted."""

    tokens: float
    updated: float


@dataclass(frozen=True)
class Rule:
    """How fast one key may go: `rate` per second sustained, `burst` at once."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError(f"a rate limit needs rate > 0 and burst >= 1, got {self.rate}/{self.burst}")


class Buckets:
    """The buckets of one kind of key (users or channels), least recently used first."""

    def __init__(self, rule: Rule, clock: Callable[[], float], max_keys: int = MAX_KEYS) -> None:
        self.rule = rule
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def wait(self, key: str, now: float) -> float:
        """Return seconds until key has a token (0.0 when it has one now)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = self._refill(bucket, now)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rule.rate

    def take(self, key: str, now: float) -> None:
        """Take one token from key's bucket (the caller checked there is one)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            self._drop_refilled(now)
            bucket = Bucket(tokens=float(self.rule.burst), updated=now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_keys:
                self._evict(now)
        else:
            self._buckets.move_to_end(key)
        bucket.tokens = self._refill(bucket, now) - 1.0
        bucket.updated = now

    def _refill(self, bucket: Bucket, now: float) -> float:
        elapsed = max(0.0, now - bucket.updated)  # a clock that steps back never adds tokens
        return min(float(self.rule.burst), bucket.tokens + elapsed * self.rule.rate)

    def _drop_refilled(self, now: float, most: int = 4) -> None:
        """Forget a few of the least recently used buckets that are full again.

        A full bucket says nothing a new one would not, so forgetting it keeps
        memory to the users active in the last `burst / rate` seconds; checking
        only the oldest few keeps every call O(1).
        """
        for _ in range(most):
            oldest = next(iter(self._buckets.values()), None)
            if oldest is None or self._refill(oldest, now) < self.rule.burst:
                return
            self._buckets.popitem(last=False)

    def _evict(self, now: float) -> None:
        # Full buckets carry no information: drop those first, then the oldest.
        for key in [k for k, b in self._buckets.items() if self._refill(b, now) >= self.rule.burst]:
            del self._buckets[key]
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)


class Limiter(Protocol):
    """What the core needs of a rate limiter: in-process (RateLimiter) or shared (SharedRateLimiter)."""

    def check(self, user: str | None, channel: str | None) -> None: ...


class RateLimiter:
    """Per-user and per-channel token buckets shared by every front end of one process."""

    def __init__(self, user: Rule, channel: Rule, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        self.clock = clock
        self.users = Buckets(user, clock, max_keys)
        self.channels = Buckets(channel, clock, max_keys)
        self._lock = threading.Lock()  # run() is called from worker threads too
        if user.burst > channel.burst:
            log.warning("user burst (%d) is above channel burst (%d): one user can use up a channel",
                        user.burst, channel.burst)

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], float] = time.monotonic) -> Limiter:
        """Build the limiter from EPISODE_BOT_USER_RATE/_BURST and CHANNEL_RATE/_BURST.

        With EPISODE_BOT_REDIS_URL the buckets live in Redis, shared by every copy of the bot.
        """
        user, channel = Rule(settings.user_rate, settings.user_burst), Rule(settings.channel_rate,
                                                                             settings.channel_burst)
        local = cls(user, channel, clock=clock)
        redis_url = getattr(settings, "redis_url", None)
        if redis_url is None:
            return local
        from .redis_limits import SharedRateLimiter

        shared = SharedRateLimiter.from_url(redis_url.get_secret_value(), user, channel, fallback=local)
        log.info("rate limits shared through %s", shared.where)
        return shared

    def check(self, user: str | None, channel: str | None) -> None:
        """Take a token for user and channel, or raise RateLimited saying when to retry.

        A missing id is not limited (the CLI and scripts have none).
        """
        with self._lock:
            now = self.clock()
            waits = []
            if user:
                waits.append(self.users.wait(user, now))
            if channel:
                waits.append(self.channels.wait(channel, now))
            retry_after = max(waits, default=0.0)
            if retry_after > 0:
                # debug only: a flood of refusals must not become a flood of log lines
                log.debug("rate limited for %.1f s", retry_after)
                raise RateLimited(retry_after)
            if user:
                self.users.take(user, now)
            if channel:
                self.channels.take(channel, now)


__all__ = ["Limiter", "RateLimiter", "Rule", "Buckets", "MAX_KEYS"]
