"""The heartbeat (in /tmp by default) can't be turned against another file by a planted symlink."""

from __future__ import annotations

import os

from bot.runtime import Heartbeat


def test_a_symlink_planted_at_the_heartbeat_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    path = tmp_path / "episode-bot.heartbeat"
    for tmp in ("episode-bot.heartbeat.tmp", f"episode-bot.heartbeat.{os.getpid()}.tmp"):  # temporary names
        (tmp_path / tmp).symlink_to(victim)
    path.symlink_to(victim)  # and the final one
    Heartbeat(path).beat()
    assert victim.read_text() == "keep me\n"
    assert not path.is_symlink() and path.read_text().split()[1] == str(os.getpid())
