"""Benchmarks for Episode Bot: answer quality and speed beside naive baselines, and scale.

Run them with `episode-bot bench` (or `python -m bench`); see docs/benchmarks.md.
This package imports nothing heavy at import time: each part loads what it needs.
"""

from __future__ import annotations

__all__ = ["ROOT", "SEEDS", "QUESTIONS"]

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
QUESTIONS = ROOT / "tests" / "eval" / "dev.jsonl"
