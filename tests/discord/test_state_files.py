"""State files can't stop the bot, and a button never rewrites a big file on the event loop (L11, L12)."""

from __future__ import annotations

import asyncio
import json
import threading
from types import SimpleNamespace

import pytest

from adapters.discord import tree as tree_module
from adapters.discord.buttons import ActionRefs
from bot.commands import BY_NAME
from bot.limits import Buckets, Rule
from bot.replies import Action


def _long(i: int) -> Action:
    return Action(kind="more", command="ask", query=f"question number {i} " + "about open weights " * 8,
                  episode="490", page=2)


@pytest.mark.parametrize("content", ["[1, 2, 3]", '"a string"', "42", "null", "{not json", '{"ref:x": 5}'])
def test_a_button_state_file_of_the_wrong_type_is_ignored(tmp_path, content, caplog):
    path = tmp_path / "discord-buttons.json"
    path.write_text(content)
    refs = ActionRefs(path)  # must not raise: the bot starts
    key = refs.custom_id(_long(1))
    assert refs.token(key) == _long(1).encode()
    assert ActionRefs(path).token(key) == _long(1).encode()  # and the file is usable again


def test_a_sync_record_of_the_wrong_type_does_not_stop_a_start(tmp_path):
    from adapters.discord.cli import _remember_sync
    from adapters.discord.client import SYNC_STATE
    from bot.statedir import read_json_object

    path = tmp_path / SYNC_STATE
    path.write_text("[1, 2]")
    assert read_json_object(path, "command sync record") == {}
    _remember_sync(tmp_path, 123, "abc")  # raised AttributeError on a list before
    assert json.loads(path.read_text()) == {"123": "abc"}


def test_old_single_object_state_is_read_and_new_actions_are_appended(tmp_path):
    path = tmp_path / "discord-buttons.json"
    old = ActionRefs(None)
    key = old.custom_id(_long(0))
    path.write_text(json.dumps({key: _long(0).encode()}))  # the format before JSON lines
    refs = ActionRefs(path, limit=100)
    assert refs.token(key) == _long(0).encode()
    for i in range(1, 6):
        refs.custom_id(_long(i))
    lines = path.read_text().splitlines()
    assert len(lines) == 6 and all(len(json.loads(line)) == 2 for line in lines)
    size = path.stat().st_size
    refs.custom_id(_long(6))
    assert path.stat().st_size - size == len(lines[-1]) + 1 + (len(str(6)) - len(str(5)))  # one line appended


def test_the_file_is_compacted_to_the_limit(tmp_path):
    path = tmp_path / "discord-buttons.json"
    refs = ActionRefs(path, limit=10)
    keys = [refs.custom_id(_long(i)) for i in range(45)]
    assert len(path.read_text().splitlines()) <= 20
    again = ActionRefs(path, limit=10)
    assert again.token(keys[-1]) == _long(44).encode() and again.token(keys[0]) is None


def _interaction(user: int, core) -> SimpleNamespace:
    return SimpleNamespace(client=SimpleNamespace(core=core), namespace=SimpleNamespace(episode=None),
                           user=SimpleNamespace(id=user))


async def test_autocomplete_runs_off_the_loop_and_is_rate_limited(monkeypatch, episode_bot):
    monkeypatch.setattr(tree_module, "TYPING", Buckets(Rule(rate=5.0, burst=10), lambda: 0.0))  # time stands still
    threads: list[threading.Thread] = []

    class Core:
        def complete(self, *args, **kwargs):
            threads.append(threading.current_thread())
            return episode_bot.complete(*args, **kwargs)

    option = next(o for o in BY_NAME["chapter"].options if o.autocomplete)
    complete = tree_module.make_autocomplete(option)
    core = Core()
    answers = [await complete(_interaction(1, core), "scal") for _ in range(30)]
    assert answers[0]  # suggestions at first
    assert sum(1 for a in answers if a) == 10 and not answers[-1]  # then nothing, until the bucket refills
    assert len(threads) == 10 and all(t is not threading.main_thread() for t in threads)
    assert await complete(_interaction(2, core), "scal")  # another member is not held back
