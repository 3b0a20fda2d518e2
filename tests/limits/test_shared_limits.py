"""Rate limits shared through a real redis-server: one burst for all copies, expiring keys, a fallback."""

from __future__ import annotations

import logging
import threading

import redis

from bot.errors import RateLimited
from bot.limits import RateLimiter, Rule
from bot.redis_limits import PREFIX, SharedRateLimiter, bucket_key, redacted, ttl_seconds
from bot.settings import load_settings

USER = Rule(0.5, 3)
CHANNEL = Rule(2.0, 20)


def taken(limiter, user: str, channel: str | None, times: int) -> int:
    """How many of `times` commands got through."""
    ok = 0
    for _ in range(times):
        try:
            limiter.check(user, channel)
            ok += 1
        except RateLimited:
            pass
    return ok


def test_two_copies_give_one_member_the_burst_once(redis_server):
    a = SharedRateLimiter.from_url(redis_server, USER, CHANNEL)
    b = SharedRateLimiter.from_url(redis_server, USER, CHANNEL)
    got = sum(taken(limiter, "U1", "C1", 1) for _ in range(4) for limiter in (a, b))
    assert got == USER.burst
    # Baseline in the same run: two in-process limiters give it twice.
    local = [RateLimiter(USER, CHANNEL), RateLimiter(USER, CHANNEL)]
    assert sum(taken(limiter, "U1", "C1", 1) for _ in range(4) for limiter in local) == 2 * USER.burst


def test_a_refusal_says_when_to_retry_and_takes_nothing_from_the_channel(redis_server):
    limiter = SharedRateLimiter.from_url(redis_server, Rule(0.5, 1), Rule(1.0, 2))
    limiter.check("U1", "C1")
    try:
        limiter.check("U1", "C1")
        raise AssertionError("the second command should be refused")
    except RateLimited as exc:
        assert 1.0 < exc.retry_after <= 2.0
    limiter.check("U2", "C1")  # the refused command took no channel token


def test_many_threads_at_once_never_exceed_the_burst(redis_server):
    limiters = [SharedRateLimiter.from_url(redis_server, Rule(0.01, 10), CHANNEL) for _ in range(4)]
    results = []

    def hammer(limiter):
        results.append(taken(limiter, "U9", None, 10))

    threads = [threading.Thread(target=hammer, args=(lim,)) for lim in limiters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(results) == 10


def test_keys_expire_and_hold_no_platform_id(redis_server):
    limiter = SharedRateLimiter.from_url(redis_server, USER, CHANNEL)
    limiter.check("U0SECRET", "C0SECRET")
    client = redis.Redis.from_url(redis_server)
    keys = [k.decode() for k in client.scan_iter(PREFIX + "*")]
    assert sorted(keys) == sorted([bucket_key("u", "U0SECRET"), bucket_key("c", "C0SECRET")])
    assert not any("SECRET" in k for k in keys)
    for key, rule in ((bucket_key("u", "U0SECRET"), USER), (bucket_key("c", "C0SECRET"), CHANNEL)):
        assert 0 < client.pttl(key) <= ttl_seconds(rule) * 1000


def test_redis_down_falls_back_to_local_buckets_and_logs_once(tmp_path, caplog):
    limiter = SharedRateLimiter.from_url(f"unix://{tmp_path}/nothing.sock", USER, CHANNEL, retry_after=0)
    with caplog.at_level(logging.WARNING, logger="bot.redis_limits"):
        assert taken(limiter, "U1", "C1", 5) == USER.burst  # still limited, by this copy alone
    warnings = [r for r in caplog.records if "cannot reach" in r.getMessage()]
    assert len(warnings) == 1 and "nothing.sock" in warnings[0].getMessage()
    assert not limiter.shared


def test_redis_going_away_mid_run_falls_back_with_one_warning(redis_server, caplog):
    limiter = SharedRateLimiter.from_url(redis_server, USER, CHANNEL, retry_after=0)
    limiter.check("U1", None)
    client = redis.Redis.from_url(redis_server)
    with caplog.at_level(logging.WARNING, logger="bot.redis_limits"):
        client.shutdown(nosave=True)
        for _ in range(3):  # answered from the local buckets, one warning
            limiter.check("U2", None)
    assert sum("cannot reach" in r.getMessage() for r in caplog.records) == 1


def test_settings_choose_the_shared_limiter(redis_server):
    settings = load_settings(env_file=None, secrets_dir=None, redis_url=redis_server, user_burst=2)
    limiter = RateLimiter.from_settings(settings)
    assert isinstance(limiter, SharedRateLimiter) and limiter.user.burst == 2
    assert isinstance(RateLimiter.from_settings(load_settings(env_file=None, secrets_dir=None)), RateLimiter)


def test_the_log_never_shows_the_password():
    assert redacted("redis://:hunter2@cache.internal:6380/0") == "redis://cache.internal:6380"
    assert redacted("unix:///run/redis/redis.sock") == "unix:///run/redis/redis.sock"


def test_the_redis_password_is_masked_in_every_log_line():
    from bot.logs import settings_secrets

    settings = load_settings(env_file=None, secrets_dir=None, redis_url="redis://:hunter2pass@cache:6379/0")
    secrets = settings_secrets(settings)
    assert "hunter2pass" in secrets and "redis://:hunter2pass@cache:6379/0" in secrets
