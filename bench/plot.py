"""The scale plot: query latency and memory against catalogue size (PNG, matplotlib)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def plot_scale(rows: list[dict[str, Any]], out: Path) -> Path:
    """Draw p99 latency per command and scope, peak RSS and start-up against size; save as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # no display here, and none needed for a file
    import matplotlib.pyplot as plt

    rows = sorted(rows, key=lambda r: r["size"])
    sizes = [r["size"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=110)
    keys = sorted({k for r in rows for k in r["latency_ms"]})
    for key in keys:
        ys = [r["latency_ms"].get(key, {}).get("p99") for r in rows]
        style = "--" if key.endswith("catalogue") else "-"
        left.plot(sizes, ys, style, marker="o", label=key)
    left.axhline(10, color="grey", lw=0.8, ls=":")
    left.axhline(50, color="grey", lw=0.8, ls=":")
    left.set(xscale="log", yscale="log", xlabel="episodes in the catalogue", ylabel="p99 latency (ms)",
             title="Query latency (p99)")
    left.legend(fontsize=7)
    right.plot(sizes, [r["rss_mb"] for r in rows], marker="o", color="tab:red", label="peak RSS (MB)")
    right.axhline(1536, color="tab:red", lw=0.8, ls=":")
    right.set(xscale="log", xlabel="episodes in the catalogue", ylabel="peak RSS (MB)", title="Memory and start-up")
    twin = right.twinx()
    twin.plot(sizes, [r["start_warm_s"] for r in rows], marker="s", color="tab:blue", label="start-up (s)")
    twin.plot(sizes, [r["start_cold_s"] for r in rows], marker="^", ls="--", color="tab:blue",
              alpha=0.5, label="first start (s)")
    twin.set_ylabel("seconds")
    lines = right.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    right.legend(lines, [h.get_label() for h in lines], fontsize=7, loc="upper left")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    plt.close(fig)
    return out
