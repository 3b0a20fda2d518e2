"""What the distribution installs: the bot's own packages and version, and no generic `bench`."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from setuptools import find_packages

from bot.cli import bench_checkout, main
from bot.version import __version__

ROOT = Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_only_bot_and_adapters_are_installed():
    """The packages setuptools finds with the project's own rule: no top-level `bench` in site-packages."""
    rule = _pyproject()["tool"]["setuptools"]["packages"]["find"]
    found = find_packages(where=str(ROOT), include=rule["include"], exclude=rule.get("exclude", ()))
    assert {name.split(".")[0] for name in found} == {"bot", "adapters"}
    assert "bench" not in found


def test_one_version_everywhere():
    project = _pyproject()
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "bot.version.__version__"}
    assert version("episode-bot") == __version__  # the installed metadata agrees (reinstall after a bump)
    assert f"## {__version__}" in (ROOT / "CHANGELOG.md").read_text()


def test_license_matches_pyproject():
    assert _pyproject()["project"]["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_every_release_has_an_upgrading_note():
    text = (ROOT / "CHANGELOG.md").read_text()
    releases = re.split(r"^## ", text, flags=re.M)[1:]
    assert releases
    for release in releases:
        assert "### Upgrading" in release, release.splitlines()[0]


def test_bench_without_a_checkout_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("bot.cli.bench_checkout", lambda: bench_checkout([tmp_path]))
    assert main(["bench"]) == 1
    err = capsys.readouterr().err
    assert "source checkout" in err and "No module named" not in err


def test_bench_finds_this_checkout():
    assert bench_checkout([Path("/nonexistent"), ROOT]) == ROOT
