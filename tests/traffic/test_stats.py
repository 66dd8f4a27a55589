"""The constant-size figures: histogram percentiles, the caching rule, the bounded sample and
the quantile fit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftcost.traffic.latency import quantile_fit
from ftcost.traffic.stats import Sample, cached_by_rule, hist_stats


@given(st.lists(st.integers(0, 5000), min_size=1, max_size=300))
def test_histogram_percentiles_equal_numpys(values: list[int]) -> None:
    """p10/p50/p90 and the mean of a histogram are numpy's (linear) figures of the values."""
    hist: dict[int, int] = {}
    for v in values:
        hist[v] = hist.get(v, 0) + 1
    s = hist_stats(hist)
    p10, p50, p90 = np.percentile(np.array(values, dtype=float), [10, 50, 90])
    assert (s.p10, s.p50, s.p90) == pytest.approx((p10, p50, p90))
    assert s.mean == pytest.approx(float(np.mean(values)))
    assert (s.min, s.max, s.count) == (min(values), max(values), len(values))


def test_empty_histogram() -> None:
    """No values: count 0 and null figures."""
    s = hist_stats({})
    assert s.count == 0
    assert s.p50 is None


@pytest.mark.parametrize(
    ("shared", "cached"),
    [(0, 0), (1023, 0), (1024, 1024), (1151, 1024), (1152, 1152), (5000, 4992)],
    ids=["none", "below", "minimum", "inside-step", "next-step", "large"],
)
def test_caching_rule(shared: int, cached: int) -> None:
    """1,024 tokens at least, then 128-token increments."""
    assert cached_by_rule(shared) == cached


def test_sample_keeps_the_smallest_keys_in_any_order() -> None:
    """The sample is the k smallest keys, whatever the order rows arrive in."""
    rows = [(k, 0.0, 0.0, 0.0, 0.0) for k in np.random.default_rng(3).permutation(1000)]
    a, b = Sample(10), Sample(10)
    a.extend(rows)
    b.extend(reversed(rows))
    assert [r[0] for r in a.rows()] == [r[0] for r in b.rows()] == list(range(10))


def test_quantile_fit_recovers_a_line() -> None:
    """Quantile regression finds intercept and slope of a noisy line at each quantile, and the
    median fit ignores a few wild outliers."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 4, 5000)
    y = 0.3 + 0.1 * x + rng.normal(0, 0.01, 5000)
    y[:50] += 30.0  # outliers
    design = np.column_stack([np.ones_like(x), x])
    b50 = quantile_fit(design, y, 0.5)
    assert b50 == pytest.approx([0.3, 0.1], abs=0.003)
    b10, b90 = quantile_fit(design, y, 0.1), quantile_fit(design, y, 0.9)
    assert b10[0] < b50[0] < b90[0]
