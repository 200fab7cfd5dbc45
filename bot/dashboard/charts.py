"""Server-rendered SVG charts: readable at a glance, no script, no CDN, a few KB each:
daily bars for the trends, and bars inside table cells for counts by category.

Colours come from the stylesheet (classes ``bar``, ``axis``, ``grid``...), never from ``style``
attributes, which the Content-Security-Policy forbids. The SVGs scale with their ``viewBox``.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.dashboard.html import Html, el

DAILY_WIDTH = 640
DAILY_HEIGHT = 170
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 8, 12, 24


def daily_bars(
    title: str, values: Sequence[int], labels: Sequence[str], *, tick_every: int | None = None,
    value_text: Sequence[str] | None = None, css: str = "bar",
) -> Html:
    """Vertical bars, one per day; ``labels`` under every ``tick_every``-th bar."""
    n = max(len(values), 1)
    peak = max(max(values, default=0), 1)
    plot_w = DAILY_WIDTH - _LEFT - _RIGHT
    plot_h = DAILY_HEIGHT - _TOP - _BOTTOM
    step = plot_w / n
    gap = min(2.0, step * 0.2)
    every = tick_every or max(1, round(n / 8))
    shown = value_text or [str(v) for v in values]
    parts: list[Html] = [
        el("title", title),
        el("line", x1=_LEFT, y1=_TOP, x2=DAILY_WIDTH - _RIGHT, y2=_TOP, class_="grid"),
        el("text", _shown_peak(peak, value_text, values), x=_LEFT - 4, y=_TOP + 4,
           text_anchor="end", class_="tick"),
        el("text", "0", x=_LEFT - 4, y=_TOP + plot_h, text_anchor="end", class_="tick"),
        el("line", x1=_LEFT, y1=_TOP + plot_h, x2=DAILY_WIDTH - _RIGHT, y2=_TOP + plot_h,
           class_="axis"),
    ]
    for index, value in enumerate(values):
        height = plot_h * value / peak
        x = _LEFT + index * step + gap / 2
        parts.append(
            el("rect", el("title", f"{labels[index]}: {shown[index]}"),
               x=_fmt(x), y=_fmt(_TOP + plot_h - height), width=_fmt(max(step - gap, 0.5)),
               height=_fmt(height), class_=css)
        )
        if index % every == 0:
            # Every other label is "minor": a phone, which draws labels larger, hides those.
            minor = (index // every) % 2 == 1
            parts.append(
                el("text", labels[index], x=_fmt(x + (step - gap) / 2),
                   y=DAILY_HEIGHT - 6, text_anchor="middle",
                   class_="tick minor" if minor else "tick")
            )
    return el("svg", parts, viewBox=f"0 0 {DAILY_WIDTH} {DAILY_HEIGHT}", role="img",
              aria_label=title, class_="chart", preserveAspectRatio="xMidYMid meet")


def _shown_peak(peak: int, value_text: Sequence[str] | None, values: Sequence[int]) -> str:
    if value_text is not None and peak in values:
        return value_text[list(values).index(peak)]
    return str(peak)


def bar(value: float, peak: float, label: str, *, css: str = "bar") -> Html:
    """A bar for a table cell: stretches to the cell, so the table's text stays readable on a
    phone and on a wide screen alike (an SVG of labelled rows would scale its text)."""
    width = 100 * value / peak if peak else 0
    return el("svg", el("rect", x=0, y=0, width=_fmt(max(width, 0.5 if value else 0)),
                        height=10, class_=css),
              viewBox="0 0 100 10", preserveAspectRatio="none", role="img", aria_label=label,
              class_="cellbar")


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
