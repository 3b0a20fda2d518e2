"""Fixtures for the self-hosting tests: a scratch seeds folder, CLI runs in a clean folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("episode-bot")

# A second episode, written the way an admin would drop a markdown transcript into seeds/.
SECOND_EPISODE = """\
# Beekeeping on Rooftops: Urban Honey, Swarms and City Bees | Lex Fridman Podcast #491

**Source:** [Lex Fridman Podcast #491](https://example.org/491)
**Guests:** Marta Kowalczyk

A conversation about keeping bees on city rooftops.

## Transcript

### Introduction

**Lex Fridman (00:00:00)** Today I talk with Marta Kowalczyk, who keeps forty hives on the rooftops of Warsaw.

**Marta Kowalczyk (00:01:10)** A healthy rooftop hive makes about twenty kilograms of honey in a good summer, \
more than most country hives, because city parks bloom in sequence.

### Swarms

**Marta Kowalczyk (00:12:30)** A swarm is the colony splitting: the old queen leaves with half the workers \
to find a new home, usually in late spring.
"""
HONEY_QUESTION = "how much honey does a rooftop hive make"
HONEY_ANSWER = "twenty kilograms of honey"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds a virtual environment; runs in CI (-m 'not slow' skips it)")


@pytest.fixture
def scratch_seeds(tmp_path: Path, seeds_dir: Path) -> Path:
    """A writable copy of the real seeds (one episode) the test may add files to."""
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir, target)
    return target


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder, so no developer's .env is ever read."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the installed `episode-bot` with the (scrubbed) test environment plus env."""
    full = {**os.environ, **(env or {})}
    return subprocess.run([str(CLI), *args], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=timeout)
