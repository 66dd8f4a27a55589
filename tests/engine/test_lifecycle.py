"""Lifecycle rules, table-tested from the dates of a fixture catalog (tests/engine/data/lifecycle).

Scenario: 1e6 requests a month; base 2000 prompt + 100 output tokens at $1 / $2 per 1M = $0.0022;
fine-tuned 200 + 100 = $0.0004; hosting 730 h × $1 = $730 → monthly net 1e6 × 0.0018 − 730 = $1,070.
Training 1e6 tokens × 3 epochs × $10 / 1M = $30 per event. A date d sits at month
(d − start).days / (365.25 / 12).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftcost.catalog import Catalog, load_catalog
from ftcost.engine import Projection, Scenario, estimate
from ftcost.errors import ModelRetiredError

CATALOG = Path(__file__).resolve().parent / "data" / "lifecycle"
MONTH_DAYS = 365.25 / 12
START = dt.date(2027, 1, 1)
MONTHLY_NET = 1e6 * 0.0018 - 730.0
TRAINING = 30.0


@pytest.fixture(scope="module")
def cat() -> Catalog:
    """The lifecycle fixture catalog."""
    return load_catalog(CATALOG)


def scenario(**over: Any) -> Scenario:
    data: dict[str, Any] = {
        "model": "alpha",
        "start_date": START.isoformat(),
        "training": {"tokens_per_epoch": 1_000_000, "epochs": 3},
        "traffic": {"requests_per_month": 1_000_000},
        "base": {"prompt_tokens": 2000, "output_tokens": 100},
        "fine_tuned": {"prompt_tokens": 200},
        "retrain_every_months": 2,
        "horizon_months": 12,
    }
    data.update(over)
    return msgspec.convert(data, Scenario)


def month(d: dt.date, start: dt.date = START) -> float:
    return (d - start).days / MONTH_DAYS


def codes(p: Projection) -> set[str]:
    return {w.code for w in p.warnings}


END = month(dt.date(2027, 7, 2))


@pytest.mark.parametrize(
    ("customer", "events", "dropped_text"),
    [
        # new: fine-tuning closes to new customers on 2027-02-01 (month 1.02): only month 0
        ("new", 1, "retraining in month 3, 5 does not happen"),
        # existing: no new jobs from 2027-04-02 (month 2.99): months 0 and 2; month 4 dropped
        ("existing", 2, "retraining in month 5 does not happen"),
    ],
    ids=["new-customer", "existing-customer"],
)
def test_retires_inside_horizon(
    cat: Catalog, customer: str, events: int, dropped_text: str
) -> None:
    """The projection ends at the deployment retirement; retrainings after training ends drop."""
    p = estimate(scenario(customer=customer), cat)
    assert p.horizon.end_reason == "fine_tuned_retirement"
    assert p.horizon.end_month == pytest.approx(END)
    assert p.horizon.end_date == dt.date(2027, 7, 2)
    assert p.training.events_in_horizon == events
    assert p.horizon.training_events == events
    assert p.horizon.base_usd == pytest.approx(2200.0 * END)
    assert p.horizon.fine_tuned_usd == pytest.approx((400.0 + 730.0) * END + TRAINING * events)
    assert p.horizon.net_savings_usd == pytest.approx(MONTHLY_NET * END - TRAINING * events)
    # whole months 0..5, then a last point at the end; totals equal the last point
    assert [pt.month for pt in p.series[:-1]] == [0, 1, 2, 3, 4, 5]
    assert p.series[-1].month == pytest.approx(END)
    assert p.series[-1].base_cumulative_usd == pytest.approx(p.horizon.base_usd)
    assert p.series[-1].fine_tuned_cumulative_usd == pytest.approx(p.horizon.fine_tuned_usd)
    assert sum(pt.training_event for pt in p.series) == events
    assert "projection_ends_at_retirement" in codes(p)
    dropped = [w.message for w in p.warnings if w.code == "retraining_dropped"]
    assert dropped
    assert dropped_text in dropped[0]
    assert p.break_even.pays
    assert p.break_even.crossover_month == 1


def test_shut_down_before_start_is_refused(cat: Catalog) -> None:
    """A model whose deployments retired before the start is refused with date, source and
    models available instead."""
    with pytest.raises(ModelRetiredError) as exc:
        estimate(scenario(model="gone"), cat)
    err = exc.value
    assert err.date == "2026-10-23"
    assert err.source == "T"
    assert err.model_id == "gone"
    assert err.field == "model"
    assert err.available == ["alpha", "beta"]
    assert "retired on 2026-10-23" in err.detail
    assert "set start_date before 2026-10-23" in err.detail


def test_historical_what_if_is_allowed(cat: Catalog) -> None:
    """Setting start_date before the retirement makes the same model estimable."""
    p = estimate(scenario(model="gone", base={"model": "alpha", "prompt_tokens": 2000,
                                               "output_tokens": 100},
                          start_date="2026-06-01"), cat)  # fmt: skip
    assert p.horizon.end_month == pytest.approx(month(dt.date(2026, 10, 23), dt.date(2026, 6, 1)))


def test_existing_customers_only(cat: Catalog) -> None:
    """After 2027-02-01 a new customer is refused; an existing one trains until 2027-04-02."""
    with pytest.raises(ModelRetiredError) as exc:
        estimate(scenario(start_date="2027-03-01"), cat)
    assert exc.value.date == "2027-02-01"
    assert "existing customers only" in exc.value.detail
    p = estimate(scenario(start_date="2027-03-01", customer="existing"), cat)
    end = month(dt.date(2027, 7, 2), dt.date(2027, 3, 1))
    assert p.horizon.end_month == pytest.approx(end)
    # training ends 2027-04-02 (month 1.05): the month-2 retraining does not happen
    assert p.training.events_in_horizon == 1
    with pytest.raises(ModelRetiredError) as late:
        estimate(scenario(start_date="2027-04-02", customer="existing"), cat)
    assert late.value.date == "2027-04-02"


def test_retired_before_payback_has_no_crossover(cat: Catalog) -> None:
    """Payback after the end is a never with the date in the sentence and no crossover."""
    p = estimate(
        scenario(training={"tokens_per_epoch": 100_000_000, "epochs": 3}, retrain_every_months=0),
        cat,
    )
    # training $3,000 / $1,070 a month = 2.8 months: pays. At 5e5 requests: net $170 → 17.6
    slow = estimate(
        scenario(
            training={"tokens_per_epoch": 100_000_000, "epochs": 3},
            traffic={"requests_per_month": 500_000},
            retrain_every_months=0,
        ),
        cat,
    )
    assert p.break_even.pays
    assert slow.break_even.reason_code == "retired_before_payback"
    assert not slow.break_even.pays
    assert slow.break_even.crossover_month is None
    assert slow.break_even.payback_months is None
    assert slow.break_even.reason is not None
    assert "2027-07-02" in slow.break_even.reason
    assert "-" not in slow.break_even.reason.split("2027-07-02")[1].split("months")[0]


def test_base_model_retiring_first(cat: Catalog) -> None:
    """A base model retiring inside the horizon is a warning and a stated assumption."""
    p = estimate(
        scenario(model="beta", base={"model": "big-base", "prompt_tokens": 2000,
                                     "output_tokens": 100}),
        cat,
    )  # fmt: skip
    assert p.horizon.end_reason == "horizon"
    assert p.horizon.end_month == 12
    assert "model_base_retirement" in codes(p)
    assert any("big-base retires on 2027-03-01" in a for a in p.assumptions)
    assert any("successor" in a for a in p.assumptions)
    assert p.training.events_in_horizon == 6  # every 2 months over 12: 0, 2, …, 10


def test_no_start_date_refuses_nothing(cat: Catalog) -> None:
    """With no start date nothing is refused and the dates are listed as warnings."""
    p = estimate(scenario(model="gone", start_date=None, base={"model": "alpha",
                          "prompt_tokens": 2000, "output_tokens": 100}), cat)  # fmt: skip
    assert p.horizon.end_reason == "horizon"
    assert "model_deployment_retirement" in codes(p)


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(dt.date(2026, 6, 1), dt.date(2027, 1, 31)),
    retrain=st.integers(0, 13),
    horizon=st.integers(1, 36),
    requests=st.floats(0, 3e6),
    customer=st.sampled_from(["new", "existing"]),
)
def test_lifecycle_invariants(
    cat: Catalog, start: dt.date, retrain: int, horizon: int, requests: float, customer: str
) -> None:
    """Totals equal the last series point; no point after the end; a never has no crossover;
    no training event on or after the training end."""
    s = scenario(
        start_date=start.isoformat(),
        retrain_every_months=retrain,
        horizon_months=horizon,
        traffic={"requests_per_month": requests},
        customer=customer,
    )
    p = estimate(s, cat)
    end = p.horizon.end_month
    assert end <= horizon
    assert all(pt.month <= end + 1e-9 for pt in p.series)
    assert p.series[-1].month == pytest.approx(end)
    assert p.series[-1].base_cumulative_usd == pytest.approx(p.horizon.base_usd)
    assert p.series[-1].fine_tuned_cumulative_usd == pytest.approx(p.horizon.fine_tuned_usd)
    if not p.break_even.pays:
        assert p.break_even.crossover_month is None
    only = dt.date(2027, 2, 1) if customer == "new" else dt.date(2027, 4, 2)
    t_end = month(min(only, dt.date(2027, 4, 2)), start)
    event_months = [pt.month for pt in p.series if pt.training_event]
    assert all(m == 0 or (math.ceil(m) - 1) < t_end for m in event_months)


def test_compare_skips_retired_models_with_the_reason(cat: Catalog) -> None:
    """compare --models lists a retired model under unavailable, with the refusal sentence."""
    from ftcost.engine import CompareRequest, compare

    req = msgspec.convert(
        {"scenario": msgspec.to_builtins(scenario()), "variants": {"models": ["alpha", "gone"]}},
        CompareRequest,
    )
    result = compare(req, cat)
    assert [r.variant.model for r in result.rows] == ["alpha"]
    assert [u.variant.model for u in result.unavailable] == ["gone"]
    assert "retired on 2026-10-23" in result.unavailable[0].reason


def test_what_ifs_follow_the_same_end(cat: Catalog) -> None:
    """sweep and simulate at the scenario's own values give the estimate's lifecycle-clipped
    figures; solve's break-even amortises over the projection that ends at the retirement."""
    from ftcost.engine import SimulateRequest, SolveRequest, SweepRequest, simulate, solve, sweep

    s = scenario(customer="existing")
    p = estimate(s, cat)
    base = msgspec.to_builtins(s)
    sw = sweep(
        msgspec.convert(
            {"scenario": base,
             "axes": [{"field": "traffic.requests_per_month", "values": [1_000_000]}]},
            SweepRequest,
        ),
        cat,
    )  # fmt: skip
    assert sw.horizon_net_savings_usd[0] == pytest.approx(p.horizon.net_savings_usd)
    assert sw.monthly_net_savings_usd[0] == pytest.approx(p.monthly.net_savings_usd)
    sim = simulate(
        msgspec.convert(
            {"scenario": base, "samples": 50,
             "distributions": {"traffic.requests_per_month": {"kind": "fixed", "value": 1e6}}},
            SimulateRequest,
        ),
        cat,
    )  # fmt: skip
    assert sim.horizon_net_savings_usd.p50 == pytest.approx(p.horizon.net_savings_usd)
    r = solve(
        msgspec.convert({"scenario": base, "field": "traffic.requests_per_month"}, SolveRequest),
        cat,
    )
    assert r.value is not None
    assert r.projection is not None
    assert r.projection.horizon.end_month == pytest.approx(END)
