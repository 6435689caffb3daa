"""Charts drawn on the server as PNG with matplotlib (Agg) and the system's CJK font."""

from __future__ import annotations

import io

from workplan.reports.document import Chart
from workplan.reports.render.fonts import font_path

MAX_BARS = 30
DPI = 150


def chart_png(chart: Chart) -> tuple[bytes, tuple[float, float]]:
    """The chart as PNG bytes and its size in points (72 per inch)."""
    # The object API, not pyplot: no global state, safe in a threaded server.
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=font_path(), size=8)
    labels = [label[:16] for label in chart.labels[:MAX_BARS]][::-1]
    values = list(chart.values[:MAX_BARS])[::-1]
    width, height = 6.0, 0.9 + 0.24 * max(1, len(labels))
    figure = Figure(figsize=(width, height), dpi=DPI)
    axes = figure.add_subplot()
    bars = axes.barh(range(len(values)), values, color="#3b6ea5", height=0.6)
    axes.set_yticks(range(len(labels)), labels, fontproperties=font)
    axes.set_xlim(0, 100)
    axes.set_title(chart.title[:60], fontproperties=FontProperties(fname=font_path(), size=10))
    axes.bar_label(bars, labels=[f"{round(v)}%" for v in values], fontsize=7, padding=2)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue(), (width * 72, height * 72)
