"""Progress of a long build: log lines and ETA on a fake clock, a bar only on a terminal, the step for health checks."""

from __future__ import annotations

import io
import logging
import os
import threading

import pytest

from bot import progress
from bot.progress import Progress, duration


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _defaults():
    yield
    progress.configure(every=progress.EVERY, status_file=None)


def _lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.progress"]


def test_a_service_logs_count_percent_and_time_left_every_few_seconds(caplog):
    clock = Clock()
    caplog.set_level(logging.INFO, logger="bot.progress")
    p = Progress("indexing", 500, every=5, clock=clock, stream=io.StringIO())
    for _ in range(120):
        clock.now += 0.125  # 15 s for 120 episodes: 380 left at that pace is 47.5 s
        p.advance()
    lines = _lines(caplog)
    # One line per 5 s of work (at 40, 80 and 120 episodes), not one per episode.
    assert lines == ["indexing 40/500 episodes, 8%, about 58 s left",
                     "indexing 80/500 episodes, 16%, about 52 s left",
                     "indexing 120/500 episodes, 24%, about 48 s left"]
    status = p.status()
    assert (status.done, status.total, status.percent, status.elapsed) == (120, 500, 24, 15.0)
    assert status.eta == pytest.approx(47.5)
    for _ in range(380):
        clock.now += 0.125
        p.advance()
    p.finish()
    assert _lines(caplog)[-1] == "indexing 500/500 episodes, done in 62 s"
    assert len(_lines(caplog)) == 13  # 62.5 s / 5 s, the last one being the end


def test_a_step_shorter_than_the_interval_says_nothing(caplog):
    clock = Clock()
    caplog.set_level(logging.INFO, logger="bot.progress")
    p = Progress("reading", 30, unit="files", every=5, clock=clock, stream=io.StringIO())
    for _ in range(30):
        clock.now += 0.1
        p.advance()
    p.finish()
    assert _lines(caplog) == []  # a restart from the index cache stays quiet


def test_no_estimate_before_the_first_item_and_durations_read_well():
    clock = Clock()
    p = Progress("embedding", 10, every=5, clock=clock, stream=io.StringIO())
    clock.now += 3
    assert p.status().eta is None and p.status().line() == "embedding 0/10 episodes, 0%"
    assert [duration(s) for s in (0.2, 45, 89, 90, 3000, 3900)] == ["1 s", "45 s", "89 s", "2 min", "50 min",
                                                                  "1 h 5 min"]


def test_a_terminal_gets_a_bar_and_no_log_lines(caplog):
    caplog.set_level(logging.INFO, logger="bot.progress")
    terminal = Terminal()
    p = Progress("indexing", 500, every=0, stream=terminal)  # every=0: log lines would come at every item
    for _ in range(500):
        p.advance()
    p.finish()
    drawn = terminal.getvalue()
    assert "indexing" in drawn and "/500" in drawn and "episodes" in drawn
    assert _lines(caplog) == []  # never both


def test_a_log_file_gets_lines_and_no_bar(caplog):
    caplog.set_level(logging.INFO, logger="bot.progress")
    clock = Clock()
    piped = io.StringIO()  # not a terminal: what a service's stderr is under Docker or systemd
    p = Progress("indexing", 3, every=0, clock=clock, stream=piped)
    for _ in range(3):
        clock.now += 20
        p.advance()
    p.finish()
    assert piped.getvalue() == ""
    assert _lines(caplog) == ["indexing 1/3 episodes, 33%, about 40 s left",
                              "indexing 2/3 episodes, 66%, about 20 s left",
                              "indexing 3/3 episodes, done in 60 s"]


def test_the_running_step_is_readable_from_another_thread_while_it_runs():
    """What /healthz does: read the step from the event loop's thread while a build thread works."""
    progress.configure(every=0)
    at_three, release = threading.Event(), threading.Event()
    seen: list = []

    def hold(p: Progress) -> None:  # the build's own thread stops here until the test has looked
        if p.step == "indexing" and p.done == 3:
            at_three.set()
            assert release.wait(10)

    undo = progress.listen(hold)
    build = threading.Thread(target=lambda: seen.extend(progress.track(list(range(7)), "indexing")))
    try:
        assert progress.current() is None
        build.start()
        assert at_three.wait(10)
        status = progress.current()
        assert status is not None and status.short() == "indexing 3/7 episodes"
        assert status.to_json()["message"] == "indexing 3/7 episodes"
    finally:
        release.set()
        build.join(10)
        undo()
    assert seen == list(range(7)) and progress.current() is None  # gone when the step ends


def test_a_step_that_fails_midway_is_not_left_running():
    with pytest.raises(RuntimeError):
        for i in progress.track(range(5), "building"):
            if i == 2:
                raise RuntimeError("a broken seed")
    assert progress.current() is None


def test_the_status_file_says_where_the_build_is_and_rejects_what_is_not_ours(tmp_path):
    path = tmp_path / "episode-bot.heartbeat.progress"
    progress.configure(every=0, status_file=path)
    for i in progress.track(range(4), "indexing"):
        if i == 2:
            record = progress.read_status(path)
            assert record is not None
            assert (record["step"], record["done"], record["total"], record["pid"]) == ("indexing", 2, 4, os.getpid())
    path.write_text('{"time": 1, "pid": 1, "step": "<b>x</b>", "unit": "files", "done": 1, "total": 2, '
                    '"percent": 50}')
    assert progress.read_status(path) is None  # shown by `episode-bot health`: plain words only
    path.write_text("not json")
    assert progress.read_status(path) is None
    progress.clear_status(path)
    assert not path.exists()


def test_the_status_file_never_follows_a_planted_link(tmp_path):
    target = tmp_path / "victim"
    target.write_text("keep")
    path = tmp_path / "hb.progress"
    (tmp_path / f"hb.progress.{os.getpid()}.tmp").symlink_to(target)
    progress.write_status(path, Progress("indexing", 2, stream=io.StringIO()).status())
    assert target.read_text() == "keep" and progress.read_status(path)["total"] == 2
