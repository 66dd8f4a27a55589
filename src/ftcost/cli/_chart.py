"""A plain-text chart of cumulative cost over the months: base vs fine-tuned, crossing marked.

Fits in ``width`` columns (80 by default). With ``unicode=False`` (stdout cannot encode UTF-8)
only ASCII characters are used.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ftcost.engine import SeriesPoint

__all__ = ["Glyphs", "cumulative_chart", "short_money"]


@dataclass(frozen=True, slots=True)
class Glyphs:
    """The characters of one chart style."""

    base: str
    fine_tuned: str
    both: str
    cross: str
    cross_line: str
    vertical: str
    corner: str
    horizontal: str
    tick: str


UNICODE = Glyphs("●", "■", "◆", "▲", "┊", "│", "└", "─", "┤")
ASCII = Glyphs("o", "#", "@", "^", ":", "|", "+", "-", "+")


def short_money(x: float) -> str:
    """``$47.5k``, ``$1.2M``, ``$950``: compact axis labels."""
    a = abs(x)
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if a >= size:
            v = x / size
            return f"${v:.1f}{unit}" if abs(v) < 100 else f"${v:.0f}{unit}"
    return f"${x:.0f}"


def _at(months: Sequence[float], values: Sequence[float], t: float) -> float:
    """Linear interpolation of a series given at ``months`` (ascending) at month ``t``."""
    i = bisect.bisect_right(months, t)
    if i <= 0:
        return values[0]
    if i >= len(months):
        return values[-1]
    m0, m1 = months[i - 1], months[i]
    frac = (t - m0) / (m1 - m0) if m1 > m0 else 0.0
    return values[i - 1] + (values[i] - values[i - 1]) * frac


def cumulative_chart(
    series: Sequence[SeriesPoint],
    crossover_month: int | None,
    *,
    unicode: bool = True,
    width: int = 80,
    height: int = 12,
) -> list[str]:
    """Lines of the chart: a legend, ``height`` plot rows, the month axis, the crossing mark."""
    g = UNICODE if unicode else ASCII
    at = [float(p.month) for p in series]
    months = at[-1] if at else 0.0  # the end of the projection (a fraction after a retirement)
    base = [p.base_cumulative_usd for p in series]
    ft = [p.fine_tuned_cumulative_usd for p in series]
    top = max(max(base), max(ft), 1e-9)
    labels = {0: short_money(top), (height - 1) // 2: short_money(top / 2), height - 1: "$0"}
    pad = max(len(s) for s in labels.values()) + 1
    cols = max(10, width - pad - 1)
    grid = [[" "] * cols for _ in range(height)]

    def row(v: float) -> int:
        return min(height - 1, max(0, round((1 - v / top) * (height - 1))))

    cross_col = None
    if crossover_month is not None and months > 0:
        cross_col = round(crossover_month * (cols - 1) / months)
    for c in range(cols):
        t = c * months / (cols - 1) if months else 0.0
        rb, rf = row(_at(at, base, t)), row(_at(at, ft, t))
        grid[rb][c] = g.base
        grid[rf][c] = g.both if rf == rb else g.fine_tuned
        if c == cross_col:
            for r in range(height):
                if grid[r][c] == " ":
                    grid[r][c] = g.cross_line

    legend = f"Cumulative cost by month ({g.base} base, {g.fine_tuned} fine-tuned, {g.both} both)"
    lines = [legend[:width]]
    for r in range(height):
        label = labels.get(r, "")
        axis = g.tick if r in labels else g.vertical
        lines.append(f"{label:>{pad - 1}} {axis}{''.join(grid[r])}".rstrip())
    lines.append(" " * (pad - 1) + " " + g.corner + g.horizontal * cols)

    # Month labels at 0, ¼, ½, ¾ and the end, where they do not overlap.
    axis_line = [" "] * (cols + 8)
    whole = math.floor(months)
    ends = f"{months:.1f}" if months != whole else str(whole)
    marks = {(0.0, "0"), (float(months), ends)}
    marks |= {(float(q), str(q)) for q in (whole // 4, whole // 2, 3 * whole // 4)}
    for m, text in sorted(marks):
        c = round(m * (cols - 1) / months) if months else 0
        start = min(max(0, c - len(text) // 2), cols - len(text))
        if all(ch == " " for ch in axis_line[max(0, start - 1) : start + len(text) + 1]):
            axis_line[start : start + len(text)] = list(text)
    lines.append((" " * (pad + 1) + "".join(axis_line)).rstrip())
    if cross_col is not None:
        mark = f"{g.cross} curves cross: fine-tuning is cheaper from month {crossover_month}"
        start = pad + 1 + cross_col
        if start + len(mark) > width:
            mark = f"month {crossover_month} {g.cross}"
            start = max(0, pad + 1 + cross_col - len(mark) + 1)
        lines.append(" " * start + mark)
    else:
        lines.append(" " * (pad + 1) + "the curves do not cross within the horizon")
    return [line[:width] for line in lines]
