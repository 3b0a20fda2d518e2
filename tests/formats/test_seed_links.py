"""What seeds put in replies is safe to show: no secrets in links, no over-long links, no bidi tricks in names."""

from __future__ import annotations

import shutil
from pathlib import Path

from adapters.discord.buttons import ActionRefs
from adapters.discord.render import render
from bot.cli import check
from bot.core import EpisodeBot

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
NOTES = """---
title: "Private feed special | Members Pod #77"
links:
  audio: "https://cdn.example/ep77.mp3?token=SECRET123&format=mp3"
  page: "https://bob:hunter2@members.example/77?X-Amz-Signature=abcd&X-Amz-Date=20270101"
  video: "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
---

# Private feed special

## Transcript

**Host (00:01:10)** Welcome to the members-only special about rooftop gardens and bees.
"""


def _seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    root.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, root / path.name)
    return root


def test_query_secrets_are_stripped_from_links(tmp_path):
    """L8: `/episode` and answer links never show a private feed's token."""
    root = _seeds(tmp_path)
    (root / "special.md").write_text(NOTES)
    bot = EpisodeBot(root)
    shown = str(bot.run("episode", {"episode": "77"}).model_dump())
    shown += str(bot.run("ask", {"question": "rooftop gardens and bees", "episode": "77"}).model_dump())
    for secret in ("SECRET123", "hunter2", "X-Amz-Signature", "abcd"):
        assert secret not in shown
    assert "https://cdn.example/ep77.mp3?format=mp3" in shown and "v=dQw4w9WgXcQ" in shown


def test_an_over_long_link_is_left_out_for_every_platform(tmp_path, capsys):
    """L13: a 2,149-character link would be embeds[].url, over Discord's 2,048: Discord refuses the answer."""
    root = _seeds(tmp_path)
    long = "https://example.org/" + "a" * 2129
    assert len(long) == 2149
    (root / "long.md").write_text(NOTES.replace("https://www.youtube.com/watch?v=dQw4w9WgXcQ", long))
    bot = EpisodeBot(root)
    episode = next(e for e in bot.library.episodes if e.number == 77)
    assert all(len(link.url) <= 2000 for link in episode.links)
    for name, args in (("ask", {"question": "rooftop gardens and bees", "episode": "77"}),
                       ("episode", {"episode": "77"}), ("chapter", {"episode": "77"})):
        rendered = render(bot.run(name, args), share=True, refs=ActionRefs(None))
        for embed in rendered.embeds:
            assert embed.url is None or len(embed.url) <= 2048, name
    check(root)
    assert "2,149 characters, over the 2,000 a chat platform takes; left out" in capsys.readouterr().out


def test_control_and_bidi_characters_in_file_names_are_neutralised(tmp_path):
    """L9: a name with U+202E (right-to-left override) or a line break can't reorder or split a reply."""
    root = _seeds(tmp_path)
    (root / "notes\u202egnp.exe.md").write_text(NOTES)
    (root / "two\nlines.md").write_text(NOTES.replace("#77", "#78").replace("rooftop", "balcony"))
    bot = EpisodeBot(root)
    shown = str(bot.run("ask", {"question": "rooftop gardens and bees", "episode": "77"}).model_dump())
    shown += str(bot.run("ask", {"question": "balcony gardens and bees", "episode": "78"}).model_dump())
    shown += "".join(s for e in bot.library.episodes for s in e.sources)
    assert "\u202e" not in shown and "two\nlines" not in shown
    assert "notes\ufffdgnp.exe.md" in shown
