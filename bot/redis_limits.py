"""Rate limits shared by every copy of the bot, in Redis or Valkey.

With several Slack HTTP replicas or Discord shards, per-process buckets give
a member the burst once per copy. Here the user's and the channel's buckets
live in Redis and one Lua script checks and takes both atomically, on the
server's clock, so the copies agree however their own clocks drift. A bucket
key expires once it would be full again (a missing key *is* a full bucket),
so Redis holds only the members active in the last `burst / rate` seconds.

If Redis cannot be reached the bot keeps answering with its own in-process
buckets (the behaviour without Redis), says so once in the log, and tries
Redis again after a short pause.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

from .errors import RateLimited
from .limits import RateLimiter, Rule

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)

PREFIX = "episode-bot:rl:"
TIMEOUT = 0.25  # seconds to connect or answer: a slow Redis must not hold up the answer
RETRY_AFTER = 5.0  # seconds of local limits after a failure before Redis is tried again

# KEYS: bucket keys (user, channel; either may be absent). ARGV: rate1, burst1, rate2, burst2.
# Returns "0" when a token was taken from every bucket, else the seconds to wait (as text:
# Redis would truncate a Lua number to an integer). Nothing is taken when any bucket is empty.
SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local wait = 0
local tokens = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local saved = redis.call('HMGET', key, 'tokens', 'ts')
  local have = burst
  if saved[1] then
    local elapsed = math.max(0, now - tonumber(saved[2]))
    have = math.min(burst, tonumber(saved[1]) + elapsed * rate)
  end
  tokens[i] = have
  if have < 1 then
    wait = math.max(wait, (1 - have) / rate)
  end
end
if wait > 0 then
  return tostring(wait)
end
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  redis.call('HSET', key, 'tokens', tostring(tokens[i] - 1), 'ts', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
end
return '0'
"""


def bucket_key(kind: str, ident: str) -> str:
    """The Redis key of one bucket; ids are hashed, so Redis never holds a member's platform id."""
    digest = hashlib.blake2b(ident.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    return f"{PREFIX}{kind}:{digest}"


def redacted(url: str) -> str:
    """The address without its password, for the log."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}"
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


class SharedRateLimiter:
    """Per-user and per-channel token buckets in Redis, with the in-process limiter as fallback."""

    def __init__(self, client: redis.Redis, user: Rule, channel: Rule, *, where: str = "redis",
                 fallback: RateLimiter | None = None, retry_after: float = RETRY_AFTER,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self.user = user
        self.channel = channel
        self.where = where
        self.fallback = fallback or RateLimiter(user, channel, clock=clock)
        self.retry_after = retry_after
        self.clock = clock
        self._script = client.register_script(SCRIPT)
        self._lock = threading.Lock()
        self._down_since: float | None = None  # when Redis last failed; None while it works
        self._warned = False

    @classmethod
    def from_url(cls, url: str, user: Rule, channel: Rule, **kwargs: Any) -> SharedRateLimiter:
        """Connect lazily to redis://, rediss:// or unix:// (nothing is sent until the first command)."""
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT,
                                      health_check_interval=30)
        return cls(client, user, channel, where=redacted(url), **kwargs)

    def check(self, user: str | None, channel: str | None) -> None:
        """Take a token for user and channel, or raise RateLimited; a missing id is not limited."""
        keys, args = [], []
        for kind, ident, rule in (("u", user, self.user), ("c", channel, self.channel)):
            if ident:
                keys.append(bucket_key(kind, ident))
                args += [repr(rule.rate), str(rule.burst)]
        if not keys:
            return
        if self._use_fallback():
            self.fallback.check(user, channel)
            return
        import redis

        try:
            wait = float(self._script(keys=keys, args=args))
        except (redis.RedisError, OSError, ValueError) as exc:
            self._failed(exc)
            self.fallback.check(user, channel)
            return
        self._worked()
        if wait > 0:
            log.debug("rate limited for %.1f s", wait)  # debug only: refusals can come in floods
            raise RateLimited(wait)

    def _use_fallback(self) -> bool:
        with self._lock:
            return self._down_since is not None and self.clock() - self._down_since < self.retry_after

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._down_since = self.clock()
            if not self._warned:
                self._warned = True
                log.warning("rate limits: cannot reach %s (%s); each copy of the bot limits on its own "
                            "until it is back", self.where, type(exc).__name__)

    def _worked(self) -> None:
        with self._lock:
            if self._down_since is not None or self._warned:
                if self._warned:
                    log.warning("rate limits: %s is back; limits are shared again", self.where)
                self._down_since = None
                self._warned = False

    @property
    def shared(self) -> bool:
        """True while the limits go through Redis (False while on the local fallback)."""
        return self._down_since is None


def ttl_seconds(rule: Rule) -> int:
    """How long an idle bucket key lives: until it would be full again, plus a second."""
    return math.ceil(rule.burst / rule.rate) + 1


__all__ = ["SharedRateLimiter", "bucket_key", "redacted", "SCRIPT", "PREFIX", "ttl_seconds"]
