"""`episode-bot check` on a folder of generated episodes shows its progress: a bar on a terminal, lines otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "EPISODE_BOT_PROGRESS_EVERY": "0", **extra}


def test_check_piped_prints_progress_lines(generated_catalogue):
    done = subprocess.run([sys.executable, "-m", "bot.cli", "check", str(generated_catalogue)], env=_env(),
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "INFO bot.progress: reading 12/24 files, 50%" in "\n".join(lines)
    assert any(line.startswith("INFO bot.progress: building 4/8 episodes, 50%, about ") for line in lines)
    assert "INFO bot.progress: building 8/8 episodes, done in " in done.stderr
    assert "24 files, 8 episodes, 0 errors" in done.stdout  # the report itself is unchanged, on stdout


def test_check_on_a_terminal_draws_a_bar_instead(generated_catalogue):
    main, child = os.openpty()  # a real terminal for the child's stderr
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "check", str(generated_catalogue)], env=_env(),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=child)
    os.close(child)
    drawn = b""
    deadline = time.monotonic() + 120  # bounded: the child ends and the terminal closes long before
    try:
        while time.monotonic() < deadline:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            drawn += chunk
    finally:
        os.close(main)
        assert proc.wait(30) == 0
    text = drawn.decode("utf-8", "replace")
    assert "reading" in text and "/24" in text and "files" in text
    assert "building" in text and "/8" in text and "episodes" in text
    assert "bot.progress" not in text  # the bar, not the log lines
