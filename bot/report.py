"""`episode-bot report`: what the community asked, what went unanswered, and the feedback.

    episode-bot report [--days N] [--json] [--csv FILE] [--html FILE]

The HTML report is one static file: charts drawn by matplotlib and inlined as
SVG, no scripts, no external links, every piece of user text escaped.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from .records import Records
from .records import queries
from .settings import ConfigError, load_settings, report as report_config

log = logging.getLogger(__name__)

DEFAULT_DAYS = 30
CSV_COLUMNS = ["asked_at", "platform", "command", "query", "episode", "declined", "top_source", "top_time",
               "latency_ms", "up", "down"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="episode-bot report",
                                description="What people asked, what went unanswered, and their feedback.")
    p.add_argument("--days", type=int, default=DEFAULT_DAYS, help=f"how many days back (default {DEFAULT_DAYS})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--csv", metavar="FILE", help="write the logged questions of the period as CSV")
    p.add_argument("--html", metavar="FILE", help="write a static HTML report with charts")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.days <= 3650:
        print("error: --days must be from 1 to 3650", file=sys.stderr)
        return 2
    try:
        settings = load_settings()
        records = Records.open(settings, "cli")
    except ConfigError as exc:
        return report_config(exc)
    logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
    try:
        return run(records, args)
    finally:
        records.close()


def run(records: Records, args: argparse.Namespace) -> int:
    doc = queries.report(records.db, args.days, records.taught.all())
    if args.csv:
        count = write_csv(records, args.days, Path(args.csv))
        print(f"wrote {count} question(s) to {args.csv}", file=sys.stderr)
    if args.html:
        try:
            page = render_html(doc, queries.daily(records.db, args.days)["per_day"])
        except ImportError:
            print("error: the HTML report draws its charts with matplotlib: pip install 'episode-bot[report]'",
                  file=sys.stderr)
            return 1
        Path(args.html).write_text(page, encoding="utf-8")
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    elif not (args.csv or args.html):
        print(render_text(doc))
    return 0


def render_text(doc: dict[str, Any]) -> str:
    asked, declined = doc["questions"], doc["declined"]
    lines = [f"Last {doc['days']} day(s): {asked} question(s), {declined} declined"
             + (f" ({declined / asked:.0%})" if asked else ""),
             f"👍 {doc['feedback']['up']} · 👎 {doc['feedback']['down']}",
             "By command: " + (", ".join(f"{c} {n}" for c, n in doc["by_command"].items()) or "-")]
    if doc["unanswered"]:
        lines.append("Unanswered:")
        lines += [f"  {u['count']}× {u['query']} (last {u['last_asked']})" for u in doc["unanswered"]]
    if doc["feedback"]["answers"]:
        lines.append("Marked 👎:")
        for a in doc["feedback"]["answers"]:
            reasons = "; ".join(a["reasons"])
            lines.append(f"  {a['down']}× {a['query']} ({a['source'] or 'no source'})" + (f": {reasons}" if reasons
                                                                                        else ""))
    if doc["taught"]:
        lines.append("Taught:")
        lines += [f"  {t['question']} → {t['answer']}" for t in doc["taught"]]
    return "\n".join(lines)


def write_csv(records: Records, days: int, path: Path) -> int:
    """Write the period's questions (no user keys) with their votes; return how many."""
    rows = records.db.query(
        "SELECT q.asked_at, q.platform, q.command, q.query, q.episode, q.declined, q.top_source, q.top_time, "
        "q.latency_ms, COALESCE(SUM(CASE WHEN v.vote = 1 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN v.vote = -1 THEN 1 ELSE 0 END), 0) FROM questions q "
        "LEFT JOIN votes v ON v.question_id = q.id WHERE q.asked_at >= ? AND q.via = ? "
        "GROUP BY q.id, q.asked_at, q.platform, q.command, q.query, q.episode, q.declined, q.top_source, "
        "q.top_time, q.latency_ms ORDER BY q.asked_at", (queries.since(days), "command"))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            values = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(row[0])), *row[1:]]
            # A cell starting with = + - @ runs as a formula in a spreadsheet: make it text.
            writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
                             for v in values])
    return len(rows)


# -- HTML ------------------------------------------------------------------------------

def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.find("<svg"):]  # drop the XML prolog and doctype: inline in HTML


def charts(doc: dict[str, Any], per_day: dict[str, dict[str, int]]) -> tuple[str, str]:
    """Draw questions and declines per day, and the top unanswered questions, as SVG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    days = list(per_day)
    fig = Figure(figsize=(9, 3.2))
    ax = fig.add_subplot()
    ax.bar(days, [per_day[d]["questions"] for d in days], color="#5865F2", label="questions")
    ax.bar(days, [per_day[d]["declined"] for d in days], color="#E8A33D", label="declined")
    ax.set_ylabel("per day")
    ax.legend(loc="upper left")
    step = max(1, len(days) // 10)
    ax.set_xticks(range(0, len(days), step), [d[5:] for d in days[::step]])
    ax.spines[["top", "right"]].set_visible(False)
    per_day_svg = _svg(fig)

    top = doc["unanswered"][:10][::-1]
    fig = Figure(figsize=(9, 0.45 * max(len(top), 2) + 0.8))
    ax = fig.add_subplot()
    labels = [(u["query"][:60] + "…") if len(u["query"]) > 60 else u["query"] for u in top]
    ax.barh(range(len(top)), [u["count"] for u in top], color="#E8A33D")
    ax.set_yticks(range(len(top)), labels)
    ax.set_xlabel("times asked")
    ax.spines[["top", "right"]].set_visible(False)
    if not top:
        ax.text(0.5, 0.5, "No question was declined", ha="center", va="center", transform=ax.transAxes)
    return per_day_svg, _svg(fig)


def render_html(doc: dict[str, Any], per_day: dict[str, dict[str, int]]) -> str:
    """One self-contained page: inline SVG charts and tables, no scripts."""
    e = html.escape
    per_day_svg, unanswered_svg = charts(doc, per_day)
    asked, declined = doc["questions"], doc["declined"]
    rate = f"{declined / asked:.0%}" if asked else "-"
    unanswered = "".join(f"<tr><td>{u['count']}</td><td>{e(u['query'])}</td><td>{e(u['last_asked'])}</td>"
                         f"<td>{e(u['episode'] or '')}</td></tr>" for u in doc["unanswered"])
    feedback = "".join(f"<tr><td>{a['down']}</td><td>{e(a['query'])}</td><td>{e(a['source'] or '')}</td>"
                       f"<td>{e('; '.join(a['reasons']))}</td></tr>" for a in doc["feedback"]["answers"])
    taught = "".join(f"<tr><td>{e(t['question'])}</td><td>{e(t['answer'])}</td><td>{e(t['episode'] or '')}</td>"
                     "</tr>" for t in doc["taught"])
    commands = ", ".join(f"{e(c)} {n}" for c, n in doc["by_command"].items()) or "-"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Episode Bot report: last {doc['days']} days</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 2em; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }}
.figures span {{ display: inline-block; margin-right: 2em; font-size: 1.2em; }}
figure {{ margin: 1em 0 2em; }} figure svg {{ max-width: 100%; height: auto; }}
</style></head><body>
<h1>Episode Bot: the last {doc['days']} days</h1>
<p class="figures"><span>{asked} questions</span><span>{declined} declined ({rate})</span>
<span>{doc['feedback']['up']} marked helpful</span><span>{doc['feedback']['down']} marked wrong</span></p>
<p>By command: {commands}</p>
<h2>Questions and declines per day</h2>
<figure id="per-day">{per_day_svg}</figure>
<h2>Top unanswered questions</h2>
<figure id="unanswered">{unanswered_svg}</figure>
<table><tr><th>Times</th><th>Question</th><th>Last asked</th><th>Episode</th></tr>{unanswered}</table>
<h2>Answers marked wrong (👎)</h2>
<table><tr><th>Times</th><th>Question</th><th>Source</th><th>Reasons</th></tr>{feedback}</table>
<h2>Taught answers</h2>
<table><tr><th>Question</th><th>Answer</th><th>Episode</th></tr>{taught}</table>
</body></html>
"""
