"""Invariants of the numeric core, checked with hypothesis."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from engine_strategies import prices, values
from hypothesis import given
from hypothesis import strategies as st

from ftcost.engine import costs

FIELDS = [f.name for f in dataclasses.fields(costs.Outcome)]


@given(
    st.integers(1, 3).flatmap(
        lambda n: st.tuples(prices(n), st.lists(values(n), min_size=1, max_size=6))
    )
)
def test_vectorised_equals_scalar(case: tuple[costs.Prices, list[dict[str, float]]]) -> None:
    """evaluate on arrays of inputs equals evaluate on each element alone."""
    p, rows = case
    stacked = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    vec = costs.evaluate(stacked, p)
    for i, row in enumerate(rows):
        one = costs.evaluate(row, p)
        for name in FIELDS:
            a = getattr(vec, name)[i]
            b = getattr(one, name)
            assert np.array_equal(a, b, equal_nan=True), (name, a, b)


@given(prices(), values(), st.floats(0.0, 1e8), st.floats(0.0, 1e8))
def test_cost_monotone_in_volume(p: costs.Prices, v: dict[str, float], a: float, b: float) -> None:
    """More requests never lower either monthly bill or either horizon total."""
    lo, hi = sorted((a, b))
    o_lo = costs.evaluate({**v, "traffic.requests_per_month": lo}, p)
    o_hi = costs.evaluate({**v, "traffic.requests_per_month": hi}, p)
    for name in ("monthly_base_usd", "monthly_fine_tuned_usd", "horizon_base_usd"):
        assert getattr(o_hi, name) >= getattr(o_lo, name) * (1 - 1e-12)
    assert o_hi.horizon_fine_tuned_usd >= o_lo.horizon_fine_tuned_usd * (1 - 1e-12)


@given(
    prices(),
    values(),
    st.integers(0, 100_000),
    st.integers(0, 100_000),
)
def test_savings_linear_in_prompt_tokens_saved(
    p: costs.Prices, v: dict[str, float], k1: int, k2: int
) -> None:
    """With the same prices on both sides and no cache, savings grow linearly in tokens cut."""
    same = costs.Prices(
        **{
            **{f: getattr(p, f) for f in p.__struct_fields__},
            "fine_tuned_input_usd_per_mtok": p.base_input_usd_per_mtok,
            "fine_tuned_output_usd_per_mtok": p.base_output_usd_per_mtok,
        }
    )
    v = {**v, "base.cached_prompt_tokens": 0.0, "fine_tuned.cached_prompt_tokens": 0.0}
    v["fine_tuned.output_tokens"] = v["base.output_tokens"]

    def saving(k: int) -> float:
        row = {**v, "base.prompt_tokens": v["fine_tuned.prompt_tokens"] + k}
        return float(costs.evaluate(row, same).savings_per_request_usd)

    # c_base − c_ft cancels the output cost: rounding is relative to the request cost itself.
    biggest = {**v, "base.prompt_tokens": v["fine_tuned.prompt_tokens"] + k1 + k2}
    tol = 1e-13 * float(costs.evaluate(biggest, same).base_request_usd) + 1e-15
    assert saving(0) == 0.0
    assert math.isclose(saving(k1 + k2), saving(k1) + saving(k2), rel_tol=1e-9, abs_tol=tol)
    assert math.isclose(saving(k1), k1 * p.base_input_usd_per_mtok / 1e6, rel_tol=1e-9, abs_tol=tol)


@given(prices(), values())
def test_curves_agree_at_breakeven_volume(p: costs.Prices, v: dict[str, float]) -> None:
    """At V*, monthly net savings equal the amortised training cost."""
    o = costs.evaluate(v, p)
    vstar = float(o.breakeven_requests_per_month)
    if math.isnan(vstar) or vstar > 1e15:
        return
    at = costs.evaluate({**v, "traffic.requests_per_month": vstar}, p)
    assert math.isclose(
        float(at.monthly_net_savings_usd),
        float(at.training_amortised_monthly_usd),
        rel_tol=1e-9,
        abs_tol=1e-6,
    )


@given(prices(), values())
def test_crossover_matches_series(p: costs.Prices, v: dict[str, float]) -> None:
    """Totals equal the last series point; no point lies after the end; the crossover is the
    first whole month from which fine-tuning stays cheaper to the end; a never has none."""
    o = costs.evaluate(v, p)
    months = int(v["horizon_months"])
    base, ft, _, at = costs.cumulative_series(o, v["retrain_every_months"], months)
    end = float(o.end_month)
    assert at[-1] == pytest.approx(end)
    assert float(np.max(at)) <= end + 1e-9
    assert math.isclose(base[-1], float(o.horizon_base_usd), rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(ft[-1], float(o.horizon_fine_tuned_usd), rel_tol=1e-9, abs_tol=1e-9)
    scale = max(1.0, float(np.max(np.abs(ft))), float(np.max(np.abs(base))))
    tol = 1e-7 * scale
    c = float(o.crossover_month)
    if int(o.never_reason) != costs.NeverReason.PAYS:
        assert math.isnan(c)
        return
    whole = [i for i, m in enumerate(at) if m >= 1 and float(m).is_integer()]
    if math.isnan(c):
        for i in whole:
            assert not all(ft[j] < base[j] - tol for j in range(i, len(at)))
        return
    i = next(i for i in whole if at[i] == c)
    assert all(ft[j] <= base[j] + tol for j in range(i, len(at)))
    if c > 1:
        assert ft[i - 1] >= base[i - 1] - tol


@given(prices(), values())
def test_payback_only_when_it_pays(p: costs.Prices, v: dict[str, float]) -> None:
    """payback_months is finite exactly when never_reason is 0, and then repays training."""
    o = costs.evaluate(v, p)
    pays = int(o.never_reason) == costs.NeverReason.PAYS
    assert math.isfinite(float(o.payback_months)) == pays
    if pays:
        repaid = float(o.payback_months) * float(o.monthly_net_savings_usd)
        assert math.isclose(repaid, float(o.training_usd), rel_tol=1e-9, abs_tol=1e-9)
