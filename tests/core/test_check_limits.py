"""`episode-bot check` applies the bot's own size limit, EPISODE_BOT_MAX_SEED_MB, in MB (L10)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot import cli
from bot.core import EpisodeBot

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(SEEDS, root)
    return root


def test_check_honours_the_max_seed_setting(tmp_path, monkeypatch, capsys):
    root = _seeds(tmp_path)
    (root / "long.txt").write_text("Words about bees and rooftops. " * 50_000)  # 1.55 MB
    monkeypatch.setenv("EPISODE_BOT_MAX_SEED_MB", "1")
    cli.main(["check", str(root)])
    assert "long.txt: file is 1.6 MB, over the 1 MB limit for one document; skipped" in capsys.readouterr().out


def test_check_and_the_bot_count_megabytes_alike(tmp_path, capsys):
    """16.5 MB is over 16 MB (the default), though under 16 MiB: both skip it, with one message."""
    root = _seeds(tmp_path)
    with open(root / "big.txt", "wb") as f:
        f.truncate(16_500_000)
    cli.main(["check", str(root)])
    out = capsys.readouterr().out
    assert "big.txt: file is 16.5 MB, over the 16 MB limit for one document; skipped" in out
    bot = EpisodeBot(root, max_bytes=16_000_000)
    problems = [str(p) for d in bot.library.documents for p in d.problems if d.file == "big.txt"]
    assert problems == ["big.txt: file is 16.5 MB, over the 16 MB limit for one document; skipped"]
