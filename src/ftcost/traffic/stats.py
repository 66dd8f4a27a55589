"""Figures kept in constant-size form while a log streams: histograms and a bounded sample.

* ``Stats``: count, mean, p10/p50/p90 (linear interpolation between order statistics, as
  ``numpy.percentile`` does by default), min and max, computed from a histogram
  ``{value: count}`` (its size grows with the distinct values, not with the requests).
* ``cached_by_rule``: the prompt-caching rule of Azure OpenAI and OpenAI: prompts of 1,024 tokens
  or more; the cached part is the longest shared prefix, counted from 1,024 in increments of 128.
* ``Sample``: a uniform sample of at most ``k`` rows, whatever the number of rows offered: each
  row carries a key from a checksum of its line (CRC-32, then the line number), and the ``k``
  smallest keys are kept. Samples of
  different batches merge into the sample of the whole file (the same rows whatever the split).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

import msgspec
import numpy as np

__all__ = [
    "CACHE_INCREMENT",
    "CACHE_MIN_TOKENS",
    "Sample",
    "Stats",
    "add_hist",
    "cached_by_rule",
    "hist_stats",
]

CACHE_MIN_TOKENS = 1024
CACHE_INCREMENT = 128


class Stats(msgspec.Struct, frozen=True, kw_only=True):
    """p10/p50/p90, mean, min and max over ``count`` values (null when there are none)."""

    count: int
    mean: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    min: float | None
    max: float | None


def add_hist(into: dict[int, int], other: Mapping[int, int]) -> None:
    """Add the counts of ``other`` to ``into``."""
    for k, v in other.items():
        into[k] = into.get(k, 0) + v


def hist_stats(hist: Mapping[int, int], scale: float = 1.0) -> Stats:
    """Stats of the values of a histogram, each multiplied by ``scale``."""
    items = sorted((k, v) for k, v in hist.items() if v > 0)
    n = sum(v for _, v in items)
    if n == 0:
        return Stats(count=0, mean=None, p10=None, p50=None, p90=None, min=None, max=None)
    values = np.array([k for k, _ in items], dtype=np.float64) * scale
    counts = np.array([v for _, v in items], dtype=np.int64)
    ends = np.cumsum(counts)  # ends[i] = number of values <= values[i]

    def pct(q: float) -> float:
        pos = q / 100.0 * (n - 1)
        lo = math.floor(pos)
        frac = pos - lo
        v_lo = values[int(np.searchsorted(ends, lo, side="right"))]
        if frac == 0.0:
            return float(v_lo)
        v_hi = values[int(np.searchsorted(ends, lo + 1, side="right"))]
        return float(v_lo + (v_hi - v_lo) * frac)

    mean = float(np.dot(values, counts) / n)
    return Stats(
        count=int(n),
        mean=mean,
        p10=pct(10),
        p50=pct(50),
        p90=pct(90),
        min=float(values[0]),
        max=float(values[-1]),
    )


def cached_by_rule(shared_tokens: int) -> int:
    """Tokens a provider caches for a prompt whose cacheable shared prefix is ``shared_tokens``."""
    if shared_tokens < CACHE_MIN_TOKENS:
        return 0
    steps = (shared_tokens - CACHE_MIN_TOKENS) // CACHE_INCREMENT
    return CACHE_MIN_TOKENS + steps * CACHE_INCREMENT


Row = tuple[int, float, float, float, float]  # key, uncached prompt, output, ttft_s, e2e_s


class Sample:
    """The rows with the ``k`` smallest keys among all offered (a seeded uniform sample)."""

    def __init__(self, k: int) -> None:
        self.k = k
        self._heap: list[tuple[int, Row]] = []  # max-heap by key (negated)

    def offer(self, row: Row) -> None:
        item = (-row[0], row)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, item)
        elif item[0] > self._heap[0][0]:
            heapq.heapreplace(self._heap, item)

    def extend(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.offer(row)

    def rows(self) -> list[Row]:
        """The sample, smallest key first."""
        return sorted((row for _, row in self._heap), key=lambda r: r[0])
