"""Rendering a reply runs off the event loop, like the core call: a huge answer can't stall others."""

from __future__ import annotations

import threading

from adapters.discord import respond


async def test_rendering_runs_off_the_event_loop(standin, bot, monkeypatch):
    threads: list[threading.Thread] = []
    real = respond.render

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(respond, "render", spy)
    iid = await standin.slash("summary", {})
    callback = await standin.answered(iid)
    assert callback["data"]["embeds"]
    assert threads and all(t is not threading.main_thread() for t in threads)
