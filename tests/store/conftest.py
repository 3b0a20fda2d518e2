"""Fixtures shared by the index-cache tests."""

from __future__ import annotations

import shutil

import pytest

from bench import SEEDS
from bench.catalogue import build


@pytest.fixture()
def catalogue(tmp_path, monkeypatch):
    """Four short generated episodes (ep0001-ep0004) in a seeds folder of their own."""
    monkeypatch.setenv("EPISODE_BENCH_CACHE", str(tmp_path / "generated"))
    src, _ = build(4, SEEDS, words=1500)
    dest = tmp_path / "seeds"
    shutil.copytree(src, dest)
    return dest
