"""Bar charts as SVG text: the report's few figures need no plotting library (matplotlib took
most of a rebuild's report time), and their words stay text: sharp at any zoom, searchable,
escaped like every other piece of article text."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

FONT = "font-family='DejaVu Sans, Arial, sans-serif'"
CHAR_WIDTH = 6.6  # px per character at 11 px: enough room for a label, never measured
BAR = {"horizontal": "#2ca02c", "vertical": "#1f77b4"}


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round axis ticks from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(n + 1)]


def tick_label(value: float, integer: bool) -> str:
    if integer or value == int(value):
        return f"{int(round(value)):,}"
    return f"{value:,.4g}"


def _text(x: float, y: float, s: str, anchor: str = "start", size: int = 11,
          extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' font-size='{size}' "
            f"{FONT}{extra}>{escape(s)}</text>")


def bar_chart_svg(title: str, labels: list[str], values: list[float], unit: str,
                  vertical: bool = False, integer: bool = False) -> str:
    """One bar per label. Horizontal bars list the labels top-down in the order given;
    vertical bars left to right (years, say). Values must be >= 0."""
    if len(labels) != len(values):
        raise ValueError("one value per label")
    ticks = nice_ticks(max(values, default=0.0))
    top = ticks[-1]
    parts: list[str] = []
    if vertical:
        width, height = 640, 320
        left, right, upper, lower = 64, 16, 36, 56
        plot_w, plot_h = width - left - right, height - upper - lower
        slot = plot_w / max(1, len(labels))
        for t in ticks:
            y = upper + plot_h - plot_h * t / top
            parts.append(f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' "
                         "stroke='#ddd'/>")
            parts.append(_text(left - 6, y + 4, tick_label(t, integer), "end"))
        for i, (label, v) in enumerate(zip(labels, values, strict=True)):
            h = plot_h * v / top
            x = left + i * slot + slot * 0.15
            parts.append(f"<rect x='{x:.1f}' y='{upper + plot_h - h:.1f}' width='{slot * 0.7:.1f}' "
                         f"height='{h:.1f}' fill='{BAR['vertical']}'><title>"
                         f"{escape(label)}: {tick_label(v, integer)}</title></rect>")
            parts.append(_text(left + (i + 0.5) * slot, upper + plot_h + 16, label, "middle"))
        parts.append(_text(16, upper + plot_h / 2, unit, "middle",
                           extra=f" transform='rotate(-90 16 {upper + plot_h / 2:.1f})'"))
    else:
        longest = max((len(x) for x in labels), default=0)
        last_tick = len(tick_label(top, integer)) * CHAR_WIDTH / 2
        left, right, upper, lower, row = 12 + CHAR_WIDTH * longest, 12 + last_tick, 36, 44, 24
        width = max(640, int(left + 360 + right))
        plot_w, plot_h = width - left - right, row * len(labels)
        height = upper + plot_h + lower
        for t in ticks:
            x = left + plot_w * t / top
            parts.append(f"<line x1='{x:.1f}' y1='{upper}' x2='{x:.1f}' y2='{upper + plot_h}' "
                         "stroke='#ddd'/>")
            parts.append(_text(x, upper + plot_h + 16, tick_label(t, integer), "middle"))
        for i, (label, v) in enumerate(zip(labels, values, strict=True)):
            y = upper + i * row
            parts.append(f"<rect x='{left:.1f}' y='{y + 4}' width='{plot_w * v / top:.1f}' "
                         f"height='{row - 8}' fill='{BAR['horizontal']}'><title>"
                         f"{escape(label)}: {tick_label(v, integer)}</title></rect>")
            parts.append(_text(left - 6, y + row / 2 + 4, label, "end"))
        parts.append(_text(left + plot_w / 2, height - 8, unit, "middle"))
    label = escape(title, {"'": "&apos;"})
    head = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
            f"viewBox='0 0 {width} {height}' role='img' aria-label='{label}'>"
            f"<rect width='100%' height='100%' fill='white'/>")
    axis = (f"<line x1='{left}' y1='{upper + plot_h}' x2='{left + plot_w}' y2='{upper + plot_h}' "
            f"stroke='#333'/><line x1='{left}' y1='{upper}' x2='{left}' y2='{upper + plot_h}' "
            "stroke='#333'/>")
    return "\n".join([head, _text(width / 2, 20, title, "middle", 14, " font-weight='bold'"),
                      *parts, axis, "</svg>"]) + "\n"
