"""Work that can take more than a few milliseconds runs off the event loop: acks never wait for it."""

from __future__ import annotations

import threading

from adapters.slack import render


async def test_rendering_runs_off_the_event_loop(http_slack, monkeypatch):
    threads: list[threading.Thread] = []
    real = render.render_reply

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_reply", spy)
    status, _, key = await http_slack.command("/summary", "")
    assert status == 200
    await http_slack.standin.answer(key)
    assert threads and all(t is not threading.main_thread() for t in threads)
