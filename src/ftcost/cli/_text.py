"""Text helpers for the catalog commands: aligned tables, price figures, wrapped notes.

Kept apart from ``_render`` (the Projection report) so that ``ftcost models`` and
``ftcost catalog`` import nothing beyond the catalog: no numpy, no tokenizer, no web framework.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Sequence

from ftcost.catalog import CatalogInfo, Status

__all__ = [
    "STATUS_MARK",
    "WIDTH",
    "catalog_footer",
    "figure",
    "fitted",
    "grid",
    "money_symbol",
    "wrapped",
]

WIDTH = 80

# Marks after a figure: derived by a stated rule, uncertain source. Not-found figures print "n/a".
STATUS_MARK: dict[str, str] = {"verified": "", "derived": "*", "uncertain": "?", "not_found": ""}


def money_symbol(currency: str) -> str:
    """``$`` for USD, else the ISO code and a space (``EUR ``)."""
    return "$" if currency == "USD" else f"{currency} "


def figure(value: float | None, status: Status | None = None) -> str:
    """A price for a table: two to four decimals (``27.50``, ``0.025``), whole above 100,
    followed by the status mark; ``n/a`` when the sources have no figure."""
    if value is None or status == "not_found":
        return "n/a"
    if value >= 100 and float(value).is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.4f}".rstrip("0")
        decimals = len(text.split(".")[1])
        if decimals < 2:
            text += "0" * (2 - decimals)
    return text + STATUS_MARK.get(status or "verified", "")


def grid(
    rows: Sequence[Sequence[str]],
    headers: Sequence[Sequence[str]] = (),
    *,
    right: Collection[int] = (),
    indent: str = "",
    groups: Sequence[tuple[int, int, str]] = (),
) -> list[str]:
    """Columns padded to their widest cell, a rule under the header rows; ``right`` holds the
    indexes of right-aligned columns; ``groups`` are (first, last, label) spans centred on a
    line above the headers."""
    all_rows = [list(h) for h in headers] + [list(r) for r in rows]
    if not all_rows:
        return []
    n = max(len(r) for r in all_rows)
    all_rows = [r + [""] * (n - len(r)) for r in all_rows]
    widths = [max(len(r[i]) for r in all_rows) for i in range(n)]
    for first, last, label in groups:  # widen the last column of a span its label overflows
        span = sum(widths[first : last + 1]) + 2 * (last - first)
        if len(label) > span:
            widths[last] += len(label) - span

    def fmt(r: list[str]) -> str:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        return (indent + "  ".join(cells)).rstrip()

    out = [fmt(r) for r in all_rows]
    if headers:
        out.insert(len(headers), (indent + "  ".join("-" * w for w in widths)).rstrip())
    if groups:
        line = ""
        for first, last, label in sorted(groups):
            start = sum(widths[:first]) + 2 * first
            span = sum(widths[first : last + 1]) + 2 * (last - first)
            line = line.ljust(start) + label.center(span)
        out.insert(0, (indent + line).rstrip())
    return out


def fitted(
    rows: Sequence[Sequence[str]],
    headers: Sequence[Sequence[str]],
    *,
    optional: Sequence[int],
    width: int | None = WIDTH,
    right: Collection[int] = (),
    indent: str = "",
    groups: Sequence[tuple[int, int, str]] = (),
) -> tuple[list[str], list[str]]:
    """``grid`` within ``width`` columns: the ``optional`` column indexes are dropped, in that
    order, until every line fits (``width=None``: nothing dropped). Returns the lines and the
    names (last header row) of the columns left out."""
    keep = list(range(max((len(r) for r in [*headers, *rows]), default=0)))
    dropped: list[str] = []
    for victim in [None, *optional]:
        if victim is not None:
            keep.remove(victim)
            dropped.append(headers[-1][victim] if headers else str(victim))
        pos = {old: new for new, old in enumerate(keep)}
        spans = []
        for first, last, label in groups:
            inside = [pos[i] for i in range(first, last + 1) if i in pos]
            if inside:
                spans.append((inside[0], inside[-1], label))
        lines = grid(
            [[r[i] for i in keep] for r in rows],
            [[h[i] for i in keep] for h in headers],
            right={pos[i] for i in right if i in pos},
            indent=indent,
            groups=spans,
        )
        if width is None or max((len(x) for x in lines), default=0) <= width:
            break
    return lines, dropped


def wrapped(text: str, *, indent: str = "  ", hanging: str = "    ") -> list[str]:
    """``text`` wrapped to the width with a hanging indent."""
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=indent,
        subsequent_indent=hanging,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [indent.rstrip()]


def catalog_footer(infos: Sequence[CatalogInfo]) -> list[str]:
    """``Catalog azure-2026-11-22 (USD, prices as of 2025-08-25 to 2026-09-27): pricing/…``
    per provider, then one ``overlay FILE`` line per price sheet laid over it."""
    out = []
    for info in infos:
        dates = (
            f"prices as of {info.as_of_min} to {info.as_of_max}" if info.as_of_min else "no prices"
        )
        shipped = [f for f in info.files if f.startswith("pricing/")]
        overlays = [f for f in info.files if not f.startswith("pricing/")]
        files = ", ".join(shipped) or "no shipped file"
        out += wrapped(
            f"Catalog {info.version} ({info.currency}, {dates}): {files}", indent="", hanging="  "
        )
        out += [f"  overlay {f}" for f in overlays]
    return out
