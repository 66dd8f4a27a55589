"""``engine.solve``: hand-computed answers, the never cases, errors, and hypothesis invariants.

Figures are the fixture catalog's (tests/engine/data/catalog): Azure gpt-4.1-mini Global
$0.40 in / $1.60 out per 1M tokens, training $5/1M, hosting $1.70/h. In the DESIGN example
(3M requests, 2,500 → 500 prompt tokens, 200 out, 1M × 3 epochs, retrained every 6 months):
c_base = $0.00132, c_ft = $0.00052, training $15 (amortised $2.50/month), hosting $1,241.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_support import scenario_dict, with_value

from ftcost.catalog import Catalog
from ftcost.engine import Scenario, SolveRequest, estimate, solve
from ftcost.errors import InvalidInputError, UnknownModelError


def request(data: dict[str, Any], field: str, **over: Any) -> SolveRequest:
    """A SolveRequest decoded like the API does (so the type's bounds apply)."""
    return msgspec.convert({"scenario": data, "field": field, **over}, SolveRequest)


@pytest.mark.parametrize(
    ("field", "over", "value", "exact", "rounded"),
    [
        # V* = (1241 + 15/6) / 0.0008
        ("traffic.requests_per_month", {}, 1_554_375.0, 1_554_375.0, None),
        # payback 3 months: (0.0008 V − 1241) × 3 = 15 → V = 1246 / 0.0008
        ("traffic.requests_per_month", {"target": "payback", "payback_months": 3},
         1_557_500.0, 1_557_500.0, None),
        # 3e6 × (0.00132 − (0.4 p + 320)/1e6) = 1243.5 → p = 1463.75 → largest whole 1463
        ("fine_tuned.prompt_tokens", {}, 1463.0, 1463.75, "down"),
        # 3e6 × ((0.4 p + 320)/1e6 − 0.00052) = 1243.5 → p = 1536.25 → smallest whole 1537
        ("base.prompt_tokens", {}, 1537.0, 1536.25, "up"),
        # 2400 − 1241 n − 2.5 ≥ 0 → n ≤ 1.9319 → 1 deployment
        ("deployment.count", {}, 1.0, 2397.5 / 1241, "down"),
        # payback in 3 months: 1159 × 3 ≥ 5 × epochs → epochs ≤ 695.4
        ("training.epochs", {"target": "payback", "payback_months": 3}, 695.0, 695.4, "down"),
        # 1159 × 6 = 5 × 3 × T / 1e6 → T = 463.6M tokens per epoch
        ("training.tokens_per_epoch", {}, 463_600_000.0, 463_600_000.0, None),
    ],
    ids=["volume", "volume-payback", "ft-prompt", "base-prompt", "count", "epochs", "tokens"],
)  # fmt: skip
def test_closed_form_answers(
    test_catalog: Catalog,
    field: str,
    over: dict[str, Any],
    value: float,
    exact: float,
    rounded: str | None,
) -> None:
    """Linear fields are solved in closed form; whole-number fields round to the target's side."""
    r = solve(request(scenario_dict(), field, **over), test_catalog)
    assert r.status == "solved"
    assert r.method == "closed_form"
    assert r.value == pytest.approx(value, rel=1e-12)
    assert r.exact_value == pytest.approx(exact, rel=1e-9)
    assert r.rounded == rounded
    assert r.projection is not None
    assert r.reason is None


def test_break_even_volume_matches_projection(test_catalog: Catalog) -> None:
    """Solving volume for break-even gives the Projection's V*, where net savings cover training."""
    data = scenario_dict()
    r = solve(request(data, "traffic.requests_per_month"), test_catalog)
    p = estimate(with_value(data, "traffic.requests_per_month", 3e6), test_catalog)
    assert r.value == pytest.approx(p.break_even.requests_per_month, rel=1e-12)
    assert r.projection is not None
    assert r.projection.monthly.net_savings_after_training_usd == pytest.approx(0.0, abs=1e-9)
    assert r.projection.scenario.traffic.requests_per_month == r.value
    assert r.current_value == 3e6


def test_hosting_hours_real_valued(test_catalog: Catalog) -> None:
    """Hours are real: 1e6 requests save $800; 800 − 1.7 h − 2.5 = 0 at h = 797.5 / 1.7."""
    data = scenario_dict(traffic={"requests_per_month": 1_000_000})
    r = solve(request(data, "deployment.hours_per_month"), test_catalog)
    assert r.value == pytest.approx(797.5 / 1.7, rel=1e-12)
    assert r.integer is False
    assert r.rounded is None
    # with traffic a deployment must exist some hours: the search starts just above 0
    assert (r.search_low, r.search_high) == (1e-6, 744.0)


def test_rft_hours_are_linear_past_the_cap(test_catalog: Catalog) -> None:
    """o4-mini RFT: the $5,000 cap pauses a job and a resumed job bills on, so cost stays
    linear in hours and the closed form answers (no ceiling that "breaks even" at any hours).

    c_base = (3000 × 1.10 + 100 × 4.40)/1e6 = 0.00374, c_ft = (500 × 1.10 + 440)/1e6 = 0.00099;
    5e5 requests save 1375 − 1241 hosting = 134 a month; trained once over 12 months:
    134 = 100 h / 12 → h = 16.08.
    """
    data = scenario_dict(
        model="o4-mini",
        training={"method": "rft", "rft_hours": 5},
        traffic={"requests_per_month": 500_000},
        base={"prompt_tokens": 3000, "output_tokens": 100},
        fine_tuned={"prompt_tokens": 500},
        retrain_every_months=0,
    )
    r = solve(request(data, "training.rft_hours"), test_catalog)
    assert r.method == "closed_form"
    assert r.value == pytest.approx(134 * 12 / 100, rel=1e-9)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # 19 − 104.5 / R ≥ 0 → R ≥ 5.5 → 6 (bracketed: R is not linear)
        ("retrain_every_months", 6.0),
        # never retrained, amortised over H: 19 − 104.5 / H ≥ 0 → H ≥ 5.5 → 6
        ("horizon_months", 6.0),
    ],
)
def test_bracketed_month_fields(test_catalog: Catalog, field: str, value: float) -> None:
    """Retraining interval and horizon are solved by bracketing, smallest whole month that works.

    Fixture gpt-4.1: 10,000 requests save (2000 − 200) × $2/1M = $36 a month, hosting 10 h ×
    $1.70 = $17, net $19; training 1,045,000 × 4 × $25/1M = $104.5.
    """
    data = scenario_dict(
        model="gpt-4.1",
        start_date=None,
        training={"tokens_per_epoch": 1_045_000, "epochs": 4},
        deployment={"hours_per_month": 10},
        traffic={"requests_per_month": 10_000},
        base={"prompt_tokens": 2000, "output_tokens": 100},
        fine_tuned={"prompt_tokens": 200},
        retrain_every_months=0 if field == "horizon_months" else 3,
    )
    r = solve(request(data, field), test_catalog)
    assert r.method == "bracketed"
    assert r.status == "solved"
    assert r.value == value
    assert r.exact_value == pytest.approx(5.5, rel=1e-6)
    assert r.rounded == "up"


def test_never_cheaper_is_unreachable(test_catalog: Catalog) -> None:
    """OpenAI bills fine-tuned tokens at 2×: no volume breaks even, and the reason says why."""
    data = scenario_dict(
        provider="openai",
        deployment={},
        base={"prompt_tokens": 1000, "output_tokens": 200},
        fine_tuned={"prompt_tokens": 800, "output_tokens": 200},
    )
    r = solve(request(data, "traffic.requests_per_month"), test_catalog)
    assert r.value is None
    assert r.projection is None
    assert r.status == "unreachable"
    assert r.reason is not None
    assert "not cheaper" in r.reason


def test_always_met_and_no_effect(test_catalog: Catalog) -> None:
    """Hosting hours never stop the DESIGN example paying; RFT hours do not move an SFT job."""
    r = solve(request(scenario_dict(), "deployment.hours_per_month"), test_catalog)
    assert (r.value, r.status) == (None, "always_met")
    low = scenario_dict(traffic={"requests_per_month": 100_000})
    r = solve(request(low, "training.rft_hours"), test_catalog)
    assert (r.value, r.status) == (None, "no_effect")
    assert r.reason is not None
    assert "does not change the outcome" in r.reason


def test_shutdown_note_on_break_even(test_catalog: Catalog) -> None:
    """The projection ends at the retirement (4.96 months in): break-even amortises training
    over those months, so at the answer training is repaid exactly at the retirement."""
    data = scenario_dict(
        model="gpt-4.1",
        start_date="2027-01-01",
        training={"tokens_per_epoch": 1_045_000, "epochs": 4},
        deployment={"hours_per_month": 10},
        base={"prompt_tokens": 2000, "output_tokens": 100},
        fine_tuned={"prompt_tokens": 200},
        retrain_every_months=0,
    )
    r = solve(request(data, "traffic.requests_per_month"), test_catalog)
    end = (dt.date(2027, 6, 1) - dt.date(2027, 1, 1)).days / (365.25 / 12)
    assert r.value == pytest.approx((17 + 104.5 / end) / 0.0036)
    assert r.projection is not None
    assert r.projection.horizon.end_month == pytest.approx(end)
    assert r.projection.break_even.payback_months == pytest.approx(end)
    # the payback target counts the shutdown (4.96 months in): 36 V/1e4 − 17 ≥ 104.5 / 4.96
    pay = solve(request(data, "traffic.requests_per_month", target="payback"), test_catalog)
    assert pay.projection is not None
    assert pay.projection.break_even.pays


@pytest.mark.parametrize(
    ("field", "over", "where"),
    [
        ("traffic.foo", {}, "field"),
        ("traffic.requests_per_month", {"payback_months": 3}, "payback_months"),
    ],
)
def test_bad_requests_name_the_field(
    test_catalog: Catalog, field: str, over: dict[str, Any], where: str
) -> None:
    """Unknown fields list the valid ones; a payback target on break-even is refused."""
    with pytest.raises(InvalidInputError) as exc:
        solve(request(scenario_dict(), field, **over), test_catalog)
    assert exc.value.field == where
    if where == "field":
        assert "traffic.requests_per_month" in exc.value.detail


def test_scenario_errors_carry_the_request_path(test_catalog: Catalog) -> None:
    """An error inside the scenario names its path in the request body."""
    with pytest.raises(InvalidInputError) as exc:
        solve(request(scenario_dict(training={}), "traffic.requests_per_month"), test_catalog)
    assert exc.value.field == "scenario.training.tokens_per_epoch"
    with pytest.raises(UnknownModelError) as unknown:
        solve(request(scenario_dict(model="gpt-9"), "training.epochs"), test_catalog)
    assert unknown.value.field == "scenario.model"


def test_request_bounds_are_in_the_type() -> None:
    """payback_months must be > 0 and the field a dotted name: msgspec rejects the rest."""
    for bad in ({"payback_months": 0}, {"field": "Traffic!"}, {"target": "cheapest"}):
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(
                {"scenario": scenario_dict(), "field": "training.epochs", **bad}, SolveRequest
            )


# ---------------------------------------------------------------------------------------------
# Invariants

scenarios = st.fixed_dictionaries(
    {
        "base_prompt": st.integers(0, 20_000),
        "ft_prompt": st.integers(0, 20_000),
        "output": st.integers(1, 2_000),
        "hours": st.floats(1.0, 744.0),  # 0 hours with traffic is an error
        "tokens": st.integers(0, 50_000_000),
        "retrain": st.integers(0, 24),
        "volume": st.floats(0.0, 1e8),
    }
)


def _data(d: dict[str, Any]) -> dict[str, Any]:
    return scenario_dict(
        training={"tokens_per_epoch": d["tokens"], "epochs": 3},
        deployment={"hours_per_month": d["hours"]},
        traffic={"requests_per_month": d["volume"]},
        base={"prompt_tokens": d["base_prompt"], "output_tokens": d["output"]},
        fine_tuned={"prompt_tokens": d["ft_prompt"]},
        retrain_every_months=d["retrain"],
    )


@settings(max_examples=60)
@given(scenarios)
def test_net_savings_zero_at_solved_break_even(test_catalog: Catalog, d: dict[str, Any]) -> None:
    """At the solved volume net savings equal the amortised training; no answer ⇔ not cheaper."""
    data = _data(d)
    r = solve(request(data, "traffic.requests_per_month"), test_catalog)
    p0 = estimate(msgspec.convert(data, Scenario), test_catalog)
    if p0.break_even.requests_per_month is None or p0.break_even.requests_per_month > 1e12:
        # No break-even volume; only the degenerate "0 requests, nothing spent" may be met,
        # and then the note says the projection never pays.
        assert r.value is None or (r.value == 0 and r.note is not None and "never pays" in r.note)
        return
    assert r.value is not None
    assert r.projection is not None
    m = r.projection.monthly
    assert math.isclose(m.net_savings_after_training_usd, 0.0, abs_tol=1e-9 * max(1.0, m.base_usd))
    assert r.value == pytest.approx(p0.break_even.requests_per_month, rel=1e-9)


@settings(max_examples=40)
@given(scenarios)
def test_whole_number_answer_is_the_boundary(test_catalog: Catalog, d: dict[str, Any]) -> None:
    """The solved prompt length meets the target and one token more does not."""
    data = _data(d)
    r = solve(request(data, "fine_tuned.prompt_tokens"), test_catalog)
    if r.value is None:
        return
    assert r.value == int(r.value)

    def net_after(tokens: float) -> float:
        p = estimate(with_value(data, "fine_tuned.prompt_tokens", tokens), test_catalog)
        return p.monthly.net_savings_after_training_usd

    scale = 1e-9 * max(1.0, estimate(with_value(data, "fine_tuned.prompt_tokens", r.value),
                                     test_catalog).monthly.base_usd)  # fmt: skip
    assert net_after(r.value) >= -scale
    if r.value < r.search_high:
        assert net_after(r.value + 1) < scale


def test_later_stage_fields_are_solvable(test_catalog: Catalog) -> None:
    """A DPO stage's tokens: 1159 − (15 + 2 × 5 × T / 1e6) / 6 = 0 → T = 693.9M tokens."""
    data = scenario_dict(
        training={
            "tokens_per_epoch": 1_000_000,
            "epochs": 3,
            "stages": [{"method": "dpo", "tokens_per_epoch": 500_000, "epochs": 2}],
        }
    )
    r = solve(request(data, "training.stages[0].tokens_per_epoch"), test_catalog)
    assert r.value == pytest.approx(693_900_000, abs=1)
    assert r.projection is not None
    assert r.projection.training.stages[1].tokens_per_epoch == r.value
    with pytest.raises(InvalidInputError) as exc:
        solve(request(data, "training.stages[1].epochs"), test_catalog)
    assert exc.value.field == "field"
