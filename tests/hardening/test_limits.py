"""Rate limits: per user and per channel, answered at once, never queued."""

from __future__ import annotations

import threading

import pytest

from bot.core import EpisodeBot
from bot.errors import RateLimited
from bot.limits import Buckets, RateLimiter, Rule
from bot.settings import load_settings


class FakeClock:
    """A clock the test moves by hand, so no test depends on real time."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: FakeClock, user=(0.5, 5), channel=(2.0, 20)) -> RateLimiter:
    return RateLimiter(Rule(*user), Rule(*channel), clock=clock)


def test_burst_then_refused_with_retry_after():
    clock = FakeClock()
    lim = limiter(clock)
    for _ in range(5):
        lim.check("u1", "c1")
    with pytest.raises(RateLimited) as info:
        lim.check("u1", "c1")
    assert info.value.retry_after == pytest.approx(2.0)  # one token at 0.5/s
    assert str(info.value) == "Slow down a little: try again in 2 seconds."


def test_tokens_refill_at_the_rate():
    clock = FakeClock()
    lim = limiter(clock)
    for _ in range(5):
        lim.check("u1", "c1")
    clock.now += 1.9
    with pytest.raises(RateLimited) as info:
        lim.check("u1", "c1")
    assert info.value.retry_after == pytest.approx(0.1)
    clock.now += 0.1
    lim.check("u1", "c1")  # exactly one token back


def test_burst_from_one_user_never_delays_others():
    clock = FakeClock()
    lim = limiter(clock)
    refused = 0
    for _ in range(100):  # one user hammers the channel
        try:
            lim.check("noisy", "c1")
        except RateLimited:
            refused += 1
    assert refused == 95
    for n in range(10):  # everyone else in that channel still gets through at once
        lim.check(f"quiet{n}", "c1")


def test_refused_commands_take_no_tokens():
    clock = FakeClock()
    lim = limiter(clock, user=(1.0, 1), channel=(1.0, 3))
    lim.check("a", "c")
    for _ in range(50):
        with pytest.raises(RateLimited):
            lim.check("a", "c")
    lim.check("b", "c")
    lim.check("d", "c")  # the channel still had its two tokens left


def test_channel_limit_applies_across_users():
    clock = FakeClock()
    lim = limiter(clock, user=(1.0, 5), channel=(1.0, 3))
    for n in range(3):
        lim.check(f"u{n}", "busy")
    with pytest.raises(RateLimited) as info:
        lim.check("u9", "busy")
    assert info.value.retry_after == pytest.approx(1.0)
    lim.check("u9", "other")  # another channel is not affected


def test_missing_ids_are_not_limited():
    lim = limiter(FakeClock(), user=(0.1, 1), channel=(0.1, 1))
    for _ in range(20):
        lim.check(None, None)
    lim.check("u", None)
    with pytest.raises(RateLimited):
        lim.check("u", None)


def test_clock_stepping_back_adds_no_tokens():
    clock = FakeClock()
    lim = limiter(clock, user=(1.0, 1), channel=(10.0, 10))
    lim.check("u", "c")
    clock.now -= 3600
    with pytest.raises(RateLimited):
        lim.check("u", "c")


def test_memory_is_bounded():
    clock = FakeClock()
    buckets = Buckets(Rule(1.0, 2), clock, max_keys=100)
    for n in range(1000):
        buckets.take(f"u{n}", clock.now)
        clock.now += 0.01
    assert len(buckets) <= 100
    assert buckets.wait("u999", clock.now) == 0.0  # the newest keys are kept


def test_buckets_of_quiet_users_are_forgotten():
    clock = FakeClock()
    buckets = Buckets(Rule(0.5, 5), clock)  # a bucket refills in 10 s
    for n in range(10_000):  # a steady stream of new users, 20 a second, for 500 s
        buckets.take(f"u{n}", clock.now)
        clock.now += 0.05
    assert len(buckets) <= 210  # about the users of the last 10 s, not all 10,000


def test_rule_rejects_nonsense():
    with pytest.raises(ValueError):
        Rule(0, 5)
    with pytest.raises(ValueError):
        Rule(1.0, 0)


def test_from_settings(monkeypatch):
    monkeypatch.setenv("EPISODE_BOT_USER_RATE", "0.25")
    monkeypatch.setenv("EPISODE_BOT_USER_BURST", "2")
    monkeypatch.setenv("EPISODE_BOT_CHANNEL_RATE", "4")
    monkeypatch.setenv("EPISODE_BOT_CHANNEL_BURST", "8")
    lim = RateLimiter.from_settings(load_settings(env_file=None, secrets_dir=None), clock=FakeClock())
    assert lim.users.rule == Rule(0.25, 2)
    assert lim.channels.rule == Rule(4.0, 8)


def test_threads_never_get_more_than_the_burst():
    lim = RateLimiter(Rule(0.001, 7), Rule(0.001, 1000))
    passed = []

    def hammer() -> None:
        for _ in range(50):
            try:
                lim.check("u", "c")
                passed.append(1)
            except RateLimited:
                pass

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(passed) == 7


# -- through the core --------------------------------------------------------------

@pytest.fixture(scope="module")
def limited_bot(seeds_dir):
    clock = FakeClock()
    bot = EpisodeBot(seeds_dir, limiter=limiter(clock, user=(0.5, 3), channel=(2.0, 20)))
    bot.clock = clock  # type: ignore[attr-defined]
    return bot


def test_core_answers_slow_down_privately(limited_bot):
    replies = [limited_bot.run("ask", {"question": "What is RLVR?"}, user="U1", channel="C1") for _ in range(4)]
    assert [r.error for r in replies] == [False, False, False, True]
    assert replies[-1].body == "Slow down a little: try again in 2 seconds."
    assert replies[-1].command == "ask"
    other = limited_bot.run("ask", {"question": "What is RLVR?"}, user="U2", channel="C1")
    assert not other.error


def test_core_limits_buttons_too(limited_bot):
    first = limited_bot.run("summary", {}, user="U3", channel="C3")
    token = next(b.action.encode() for b in first.buttons) if first.buttons else "v1|more|summary||2||"
    replies = [limited_bot.run_action(token, user="U3", channel="C3") for _ in range(3)]
    assert replies[-1].error and "Slow down" in replies[-1].body


def test_core_without_limiter_or_ids_is_unlimited(episode_bot):
    assert episode_bot.limiter is None
    for _ in range(30):
        assert not episode_bot.run("help", {}, user="U1", channel="C1").error
