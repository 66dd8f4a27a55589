"""``engine.sweep``: hand-computed grids, axis rules, errors, and the vectorised = scalar property.

DESIGN example on the fixture catalog: each request saves $0.0008, hosting is $1,241 a month,
training $15 every 6 months (amortised $2.50).
"""

from __future__ import annotations

import math
from typing import Any

import msgspec
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_support import scenario_dict, with_value

from ftcost.catalog import Catalog
from ftcost.engine import Scenario, SweepRequest, estimate, resolve, sweep, sweep_grid
from ftcost.errors import InvalidInputError


def request(axes: list[dict[str, Any]], **over: Any) -> SweepRequest:
    """A SweepRequest decoded like the API does (so the type's bounds apply)."""
    return msgspec.convert({"scenario": scenario_dict(**over), "axes": axes}, SweepRequest)


def test_volume_table(test_catalog: Catalog) -> None:
    """Net savings 0.0008 V − 1241; payback 15 / net where it pays before retraining."""
    axes = [{"field": "traffic.requests_per_month", "values": [0, 1e6, 1_554_375, 3e6]}]
    r = sweep(request(axes), test_catalog)
    assert r.shape == [4]
    assert r.points == 4
    assert r.monthly_net_savings_usd == pytest.approx([-1241.0, -441.0, 2.5, 1159.0])
    # 12 months: 12 × net − 2 trainings × 15
    assert r.horizon_net_savings_usd == pytest.approx([-14922.0, -5322.0, 0.0, 13878.0], abs=1e-6)
    assert r.payback_months[:2] == [None, None]
    assert r.payback_months[2] == pytest.approx(6.0)
    assert r.payback_months[3] == pytest.approx(15 / 1159)
    assert r.pays == [False, False, True, True]
    assert r.reason_codes == ["savings_below_hosting", "savings_below_hosting", "pays", "pays"]
    # V* does not depend on the volume: (1241 + 2.5) / 0.0008 everywhere
    assert r.break_even_requests_per_month == pytest.approx([1_554_375.0] * 4)
    assert r.axes[0].current_value == 3e6


def test_two_axes_are_row_major(test_catalog: Catalog) -> None:
    """Point (i, j) sits at i × len(axis 1) + j and uses axis 0's i-th and axis 1's j-th value."""
    axes = [
        {"field": "traffic.requests_per_month", "values": [1e6, 3e6]},
        {"field": "fine_tuned.prompt_tokens", "values": [500, 1500, 2500]},
    ]
    r = sweep(request(axes), test_catalog)
    assert r.shape == [2, 3]
    for i, volume in enumerate([1e6, 3e6]):
        for j, prompt in enumerate([500, 1500, 2500]):
            saving = (2500 - prompt) * 0.40 / 1e6
            expected = volume * saving - 1241
            assert r.monthly_net_savings_usd[i * 3 + j] == pytest.approx(expected)
    # equal prompts: the fine-tuned request is not cheaper
    assert r.reason_codes[2] == r.reason_codes[5] == "fine_tuned_not_cheaper"
    assert r.break_even_requests_per_month[2] is None


def test_ranges_linear_log_and_whole_numbers(test_catalog: Catalog) -> None:
    """Log ranges hit their ends exactly; whole-number fields are rounded and deduplicated."""
    axes = [{"field": "traffic.requests_per_month", "start": 1e3, "stop": 1e6, "num": 4,
             "scale": "log"}]  # fmt: skip
    r = sweep(request(axes), test_catalog)
    assert r.axes[0].values == pytest.approx([1e3, 1e4, 1e5, 1e6], rel=1e-12)
    assert r.axes[0].values[-1] == 1e6
    r = sweep(
        request([{"field": "training.epochs", "start": 1, "stop": 3, "num": 5}]), test_catalog
    )
    assert r.axes[0].values == [1.0, 2.0, 3.0]
    assert r.axes[0].integer
    assert any("rounded" in n for n in r.notes)
    one = sweep(
        request([{"field": "training.epochs", "start": 2, "stop": 9, "num": 1}]), test_catalog
    )
    assert one.axes[0].values == [2.0]


def test_cached_clipping_is_noted(test_catalog: Catalog) -> None:
    """Cached tokens above the prompt are clipped, and the result says so."""
    axes = [{"field": "fine_tuned.cached_prompt_tokens", "values": [0, 400, 900]}]
    r = sweep(request(axes), test_catalog)
    # 900 cached of a 500-token prompt count as 500 cached: (500 × 0.10 + 320)/1e6
    c_ft = (500 * 0.10 + 200 * 1.60) / 1e6
    assert r.monthly_net_savings_usd[2] == pytest.approx(3e6 * (0.00132 - c_ft) - 1241)
    assert any("clipped" in n for n in r.notes)
    plain = sweep(request([{"field": "fine_tuned.prompt_tokens", "values": [600]}]), test_catalog)
    assert not any("clipped" in n for n in plain.notes)


@pytest.mark.parametrize(
    ("axes", "where"),
    [
        ([{"field": "traffic.nope", "values": [1]}], "axes[0].field"),
        ([{"field": "training.epochs", "values": [1]},
          {"field": "training.epochs", "values": [2]}], "axes[1].field"),
        ([{"field": "training.epochs", "values": [1], "start": 1}], "axes[0]"),
        ([{"field": "training.epochs", "start": 1, "stop": 3}], "axes[0].num"),
        ([{"field": "traffic.requests_per_month", "start": 0, "stop": 9, "num": 3,
           "scale": "log"}], "axes[0].start"),
        ([{"field": "deployment.hours_per_month", "values": [10, 800]}], "axes[0].values[1]"),
        ([{"field": "training.epochs", "values": [2.5]}], "axes[0].values[0]"),
        ([{"field": "training.epochs", "values": [0]}], "axes[0].values[0]"),
        ([{"field": "horizon_months", "start": 0, "stop": 9, "num": 3}], "axes[0].start"),
        ([{"field": "traffic.requests_per_month", "start": 1, "stop": 9, "num": 1001},
          {"field": "deployment.hours_per_month", "start": 1, "stop": 9, "num": 1000}], "axes"),
    ],
    ids=["unknown", "twice", "both-forms", "no-num", "log-zero", "bound", "fraction",
         "epochs-zero", "horizon-zero", "too-many"],
)  # fmt: skip
def test_bad_axes_name_the_path(
    test_catalog: Catalog, axes: list[dict[str, Any]], where: str
) -> None:
    """Each bad axis is an InvalidInputError whose field is its path in the request."""
    with pytest.raises(InvalidInputError) as exc:
        sweep(request(axes), test_catalog)
    assert exc.value.field == where


def test_axis_count_bound_is_in_the_type() -> None:
    """At most two axes: the request type rejects a third before any work is done."""
    axis = {"field": "training.epochs", "values": [1]}
    with pytest.raises(msgspec.ValidationError):
        request([axis, axis, axis])
    with pytest.raises(msgspec.ValidationError):
        request([])


# ---------------------------------------------------------------------------------------------
# Invariants

FIELDS = {
    "traffic.requests_per_month": st.floats(0.0, 1e8),
    "fine_tuned.prompt_tokens": st.integers(0, 5000),
    "base.prompt_tokens": st.integers(0, 5000),
    "deployment.hours_per_month": st.floats(1.0, 744.0),  # 0 serves no traffic: an error
    "training.epochs": st.integers(1, 30),
    "deployment.count": st.integers(1, 4),  # 0 with traffic is an error (tested below)
    "retrain_every_months": st.integers(0, 24),
    "horizon_months": st.integers(1, 36),
}


@st.composite
def sweeps(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One or two distinct fields with one to three values each."""
    names = draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=2, unique=True))
    return [
        {"field": n, "values": draw(st.lists(FIELDS[n], min_size=1, max_size=3))} for n in names
    ]


@settings(max_examples=40)
@given(sweeps())
def test_sweep_equals_a_loop_of_estimate(test_catalog: Catalog, axes: list[dict[str, Any]]) -> None:
    """Every grid point equals the Projection of the scenario with those values set."""
    data = scenario_dict()
    r = sweep(msgspec.convert({"scenario": data, "axes": axes}, SweepRequest), test_catalog)
    lists = [a["values"] for a in axes] + ([[None]] if len(axes) == 1 else [])
    k = 0
    for x in lists[0]:
        for y in lists[1]:
            s = with_value(data, axes[0]["field"], x)
            if y is not None:
                s = with_value(msgspec.to_builtins(s), axes[1]["field"], y)
            p = estimate(s, test_catalog)
            assert r.monthly_net_savings_usd[k] == pytest.approx(
                p.monthly.net_savings_usd, rel=1e-12, abs=1e-9
            )
            assert r.horizon_net_savings_usd[k] == pytest.approx(
                p.horizon.net_savings_usd, rel=1e-12, abs=1e-9
            )
            assert r.reason_codes[k] == p.break_even.reason_code
            assert (r.payback_months[k] is None) == (p.break_even.payback_months is None)
            if p.break_even.payback_months is not None:
                assert r.payback_months[k] == pytest.approx(p.break_even.payback_months)
            k += 1
    assert k == r.points


@settings(max_examples=20)
@given(st.integers(1, 50), st.integers(1, 40))
def test_chunking_does_not_change_the_grid(test_catalog: Catalog, n: int, chunk: int) -> None:
    """Evaluating in chunks of any size gives the same arrays as one pass."""
    r = resolve(msgspec.convert(scenario_dict(), Scenario), test_catalog)
    values = [np.linspace(0, 5e6, n), np.array([300.0, 900.0])]
    fields = ["traffic.requests_per_month", "fine_tuned.prompt_tokens"]
    whole = sweep_grid(r, fields, values)
    parts = sweep_grid(r, fields, values, chunk=chunk)
    for name in ("monthly_net_savings_usd", "payback_months", "never_reason"):
        assert np.array_equal(getattr(whole, name), getattr(parts, name), equal_nan=True)
    assert not math.isnan(float(whole.monthly_net_savings_usd[0]))


def test_no_deployment_with_traffic_is_refused(test_catalog: Catalog) -> None:
    """A grid point with 0 deployments (or hours) and traffic is refused, as estimate does."""
    data = scenario_dict()
    with pytest.raises(InvalidInputError) as exc:
        sweep(
            msgspec.convert(
                {"scenario": data, "axes": [{"field": "deployment.count", "values": [1, 0]}]},
                SweepRequest,
            ),
            test_catalog,
        )
    assert exc.value.field == "axes[0].values[1]"
    with pytest.raises(InvalidInputError) as est:
        estimate(with_value(data, "deployment.count", 0), test_catalog)
    assert est.value.field == "deployment.count"
