"""A seed can't be used to read anything else, and can't hand a token to members."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import check
from bot.core import EpisodeBot
from bot.formats.safety import TOKEN_MASK

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SECRET = "Zanzibar-passphrase-7731 is the vault code"
SLACK = "xoxb-" + "1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx"
DISCORD = "MTIzNDU2Nzg5MDEyMzQ1Njc4." + "GAbCdE." + "abcdefghijklmnopqrstuvwxyz0123456789AB"


@pytest.fixture
def seeds(tmp_path) -> Path:
    root = tmp_path / "seeds"
    root.mkdir()
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, root / path.name)
    return root


def _all_text(bot: EpisodeBot) -> str:
    return "\n".join(p.text for e in bot.library.episodes for p in [*e.passages, *e.quotes])


def test_a_link_out_of_the_seeds_folder_is_not_followed(tmp_path, seeds, capsys):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.md").write_text(f"# Vault\n\n{SECRET}\n")
    (seeds / "notes").symlink_to(outside / "secret.md")
    (seeds / "more").symlink_to(outside)  # a folder link: not walked, and said so
    bot = EpisodeBot(seeds)
    assert bot.library.episodes  # the rest loads
    assert "Zanzibar" not in _all_text(bot)
    assert "Zanzibar" not in str(bot.run("ask", {"question": "What is the vault code?"}).model_dump())
    check(seeds)
    out = capsys.readouterr().out
    assert "notes: is a symbolic link to a file outside the seeds folder; not followed" in out
    assert "more: is a symbolic link to a file outside the seeds folder; not followed" in out


def test_a_link_inside_the_seeds_folder_still_works(seeds):
    (seeds / "sub").mkdir()
    (seeds / "sub" / "extra.md").write_text(f"# Extra\n\n{SECRET}\n")
    (seeds / "alias.md").symlink_to(seeds / "sub" / "extra.md")
    bot = EpisodeBot(seeds)
    assert any("alias.md" in e.sources for e in bot.library.episodes)


@pytest.mark.parametrize("target", ["/proc/self/status", "/proc/self/environ", "/dev/zero", "/sys/kernel/mm"])
def test_system_folders_are_never_read(seeds, target, capsys):
    if not Path(target).exists():
        pytest.skip(f"{target} does not exist here")
    (seeds / "status.txt").symlink_to(target)
    bot = EpisodeBot(seeds)
    assert not any("status.txt" in e.sources for e in bot.library.episodes)
    assert "VmRSS" not in _all_text(bot)
    check(seeds)
    assert "which the bot never reads" in capsys.readouterr().out


def test_tokens_in_a_seed_are_masked_before_indexing(seeds, capsys):
    (seeds / "leak.md").write_text(
        "# Deploy notes | Ops Podcast #77\n\n"
        f"The bot token pasted by mistake was {SLACK} and the app one xapp-1-A0123456789-abcdef012345.\n\n"
        f"The Discord bot used {DISCORD} during the demo.\n")
    bot = EpisodeBot(seeds)
    text = _all_text(bot)
    assert "pasted by mistake" in text
    for token in (SLACK, "xapp-1-A0123456789", DISCORD):
        assert token not in text
    assert TOKEN_MASK in text
    reply = bot.run("ask", {"question": "which bot token was pasted by mistake", "episode": "77"})
    assert SLACK not in str(reply.model_dump()) and DISCORD not in str(reply.model_dump())
    check(seeds)
    assert "shaped like a Slack or Discord token; masked" in capsys.readouterr().out


def test_ordinary_dotted_text_is_not_masked(read):
    doc = read("notes.md", "# Notes\n\nVersion 3.11.7 of example.com/a.b.c shipped on 2026.01.31.\n")
    assert TOKEN_MASK not in " ".join(p.text for p in doc.passages)
