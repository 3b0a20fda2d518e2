"""The HTML report opened in a real headless Chromium: the charts show."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import time

import pytest

from bot import report
from bot.records import Question, Records, normalise
from bot.records.db import SQLiteDatabase
from bot.records.questions import day_of

BLUE, ORANGE = (0x58, 0x65, 0xF2), (0xE8, 0xA3, 0x3D)  # the questions and declines bars


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "chromium is not installed (Debian package chromium; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def filled(tmp_path) -> Records:
    records = Records(SQLiteDatabase(tmp_path / "r.sqlite3"), b"k" * 32)
    now = time.time()
    for day in range(10):
        for i in range(3 + day % 4):
            at = now - day * 86400 - i * 60
            declined = i % 3 == 0
            query = ["Who won the world cup in <b>1966</b>?", "What is RLVR?", "is there a transcript"][i % 3]
            records.record(Question(id=records.new_id(), asked_at=at, day=day_of(at), platform="discord",
                                    workspace="g", channel="c", user_key="k", command="ask", via="command",
                                    query=query, norm=normalise(query), episode="490", declined=int(declined),
                                    failed=0, top_source=None, top_time=None, taught_id=None, latency_ms=4.0))
    assert records.log.flush(5)
    return records


def test_the_html_report_is_one_static_file_whose_charts_show_in_chromium(tmp_path):
    browser = chromium()
    from PIL import Image

    records = filled(tmp_path)
    page = tmp_path / "report.html"
    assert report.run(records, argparse.Namespace(days=14, json=False, csv=None, html=str(page))) == 0
    records.close()
    html = page.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    assert html.count("<svg") == 2 and "&lt;b&gt;1966&lt;/b&gt;" in html and "<b>1966</b>" not in html

    shot = tmp_path / "shot.png"
    result = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                             "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                             f"--screenshot={shot}", "--window-size=1200,1800", "--hide-scrollbars",
                             page.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.is_file(), result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    width, height = image.size

    def near(colour: tuple[int, int, int], pixel: tuple[int, int, int]) -> bool:
        return sum(abs(a - b) for a, b in zip(colour, pixel)) < 40

    pixels = list(image.get_flattened_data()) if hasattr(image, "get_flattened_data") else list(image.getdata())
    rows_with = {name: sorted({i // width for i, p in enumerate(pixels) if near(colour, p)})
                 for name, colour in (("blue", BLUE), ("orange", ORANGE))}
    # Bars of both series were drawn: whole blocks of their colours, not a stray pixel.
    assert len(rows_with["blue"]) > 50 and len(rows_with["orange"]) > 50
    # The per-day chart (blue and orange) sits above the unanswered chart (orange alone, further down).
    assert rows_with["blue"][0] < rows_with["orange"][-1]
    assert rows_with["orange"][-1] > rows_with["blue"][-1]
