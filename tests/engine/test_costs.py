"""Table tests of ``ftcost.engine.costs.evaluate`` against hand-computed figures."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from ftcost.engine import NeverReason, Prices, StagePrices, costs
from ftcost.errors import InvalidInputError

# Azure gpt-4.1-mini Global (S1): training $5/1M, hosting $1.70/h, tokens $0.40/$0.10/$1.60.
MINI = Prices(
    training=(StagePrices(method="sft", training_usd_per_mtok=5.0),),
    hosting_usd_per_hour=1.7,
    base_input_usd_per_mtok=0.40,
    base_cached_input_usd_per_mtok=0.10,
    base_output_usd_per_mtok=1.60,
    fine_tuned_input_usd_per_mtok=0.40,
    fine_tuned_cached_input_usd_per_mtok=0.10,
    fine_tuned_output_usd_per_mtok=1.60,
)


def base_values(**over: float) -> dict[str, Any]:
    """The DESIGN example as numeric inputs, with some replaced."""
    v: dict[str, Any] = {
        "traffic.requests_per_month": 3_000_000.0,
        "base.prompt_tokens": 2500.0,
        "base.cached_prompt_tokens": 0.0,
        "base.output_tokens": 200.0,
        "fine_tuned.prompt_tokens": 500.0,
        "fine_tuned.cached_prompt_tokens": 0.0,
        "fine_tuned.output_tokens": 200.0,
        "deployment.count": 1.0,
        "deployment.hours_per_month": 730.0,
        "training.tokens_per_epoch": 1_000_000.0,
        "training.epochs": 3.0,
        "training.runs": 1.0,
        "training.rft_hours": 0.0,
        "training.grader.input_tokens": 0.0,
        "training.grader.cached_input_tokens": 0.0,
        "training.grader.output_tokens": 0.0,
        "retrain_every_months": 6.0,
        "horizon_months": 12.0,
    }
    v.update({k.replace("__", "."): x for k, x in over.items()})
    return v


def test_design_example() -> None:
    """The DESIGN example's figures, each worked out by hand."""
    o = costs.evaluate(base_values(), MINI)
    # training: 1,000,000 × 3 epochs × $5 / 1e6 = $15
    assert float(o.training_usd) == pytest.approx(15.0)
    assert float(o.training_tokens) == pytest.approx(3_000_000)
    # hosting: 1 × 730 h × $1.70 = $1,241
    assert float(o.hosting_monthly_usd) == pytest.approx(1241.0)
    # base: (2500 × 0.40 + 200 × 1.60) / 1e6 = 1320 / 1e6
    assert float(o.base_request_usd) == pytest.approx(0.00132)
    # fine-tuned: (500 × 0.40 + 200 × 1.60) / 1e6 = 520 / 1e6
    assert float(o.fine_tuned_request_usd) == pytest.approx(0.00052)
    assert float(o.savings_per_request_usd) == pytest.approx(0.0008)
    # monthly: base 3e6 × 0.00132 = 3960; fine-tuned 3e6 × 0.00052 + 1241 = 2801
    assert float(o.monthly_base_usd) == pytest.approx(3960.0)
    assert float(o.monthly_fine_tuned_usd) == pytest.approx(2801.0)
    assert float(o.monthly_net_savings_usd) == pytest.approx(1159.0)
    # amortised: 15 / 6 = 2.5; V* = (1241 + 2.5) / 0.0008 = 1,554,375
    assert float(o.training_amortised_monthly_usd) == pytest.approx(2.5)
    assert float(o.breakeven_requests_per_month) == pytest.approx(1_554_375.0)
    # payback: 15 / 1159 months
    assert float(o.payback_months) == pytest.approx(15 / 1159)
    assert int(o.never_reason) == NeverReason.PAYS
    # horizon: 2 trainings (months 0 and 6); base 3960 × 12 = 47,520;
    # fine-tuned 2801 × 12 + 2 × 15 = 33,642; net 13,878
    assert float(o.trainings_in_horizon) == 2
    assert float(o.horizon_base_usd) == pytest.approx(47_520.0)
    assert float(o.horizon_fine_tuned_usd) == pytest.approx(33_642.0)
    assert float(o.horizon_net_savings_usd) == pytest.approx(13_878.0)
    assert float(o.crossover_month) == 1


def test_cached_prompt_tokens() -> None:
    """Cached tokens are billed at the cached rate, and clipped to the prompt."""
    # (2000 − 1500) × 0.40 + 1500 × 0.10 + 100 × 1.60 = 200 + 150 + 160 = 510 per 1e6
    assert float(costs.request_cost(2000, 1500, 100, 0.4, 0.1, 1.6)) == pytest.approx(510e-6)
    # cached 5000 > prompt 2000: all 2000 cached → 2000 × 0.10 + 160 = 360 per 1e6
    assert float(costs.request_cost(2000, 5000, 100, 0.4, 0.1, 1.6)) == pytest.approx(360e-6)


CASES = [
    pytest.param(
        {"fine_tuned__prompt_tokens": 2500.0},
        NeverReason.NOT_CHEAPER,
        id="same-prompt-not-cheaper",
    ),
    pytest.param(
        # savings 3e5 × 0.0008 = 240 < hosting 1241
        {"traffic__requests_per_month": 300_000.0},
        NeverReason.HOSTING_NOT_COVERED,
        id="savings-below-hosting",
    ),
    pytest.param(
        # net = 1,600,000 × 0.0008 − 1241 = 39; training 300M×3×5/1e6 = 4500 → 115 months > 6
        {"traffic__requests_per_month": 1_600_000.0, "training__tokens_per_epoch": 300e6},
        NeverReason.RETRAIN_BEFORE_PAYBACK,
        id="retrain-before-payback",
    ),
    pytest.param(
        {"traffic__requests_per_month": 0.0}, NeverReason.HOSTING_NOT_COVERED, id="no-traffic"
    ),
]


@pytest.mark.parametrize(("over", "reason"), CASES)
def test_never_reasons(over: dict[str, float], reason: NeverReason) -> None:
    """Each way of never paying gets its code, a NaN payback and no crossover."""
    o = costs.evaluate(base_values(**over), MINI)
    assert int(o.never_reason) == reason
    assert math.isnan(float(o.payback_months))
    assert math.isnan(float(o.crossover_month))


def test_not_cheaper_has_no_breakeven_volume() -> None:
    """With no per-request saving there is no break-even volume."""
    o = costs.evaluate(base_values(fine_tuned__prompt_tokens=3000.0), MINI)
    assert math.isnan(float(o.breakeven_requests_per_month))


def test_retired_before_payback() -> None:
    """A model that shuts down before training is repaid never pays."""
    prices = Prices(**{**_fields(MINI), "months_to_shutdown": 0.01})
    o = costs.evaluate(base_values(), prices)
    # payback 15 / 1159 = 0.0129 months > 0.01
    assert int(o.never_reason) == NeverReason.RETIRED_BEFORE_PAYBACK
    assert float(o.months_to_repay_training) == pytest.approx(15 / 1159)


def test_never_retrained_amortises_over_horizon() -> None:
    """retrain_every_months 0: one training, amortised over the horizon."""
    o = costs.evaluate(base_values(retrain_every_months=0.0, horizon_months=24.0), MINI)
    # 15 / 24 = 0.625; V* = (1241 + 0.625) / 0.0008 = 1,552,031.25
    assert float(o.training_amortised_monthly_usd) == pytest.approx(0.625)
    assert float(o.breakeven_requests_per_month) == pytest.approx(1_552_031.25)
    assert float(o.trainings_in_horizon) == 1


def test_crossover_waits_for_training_to_be_repaid() -> None:
    """A big training bill moves the crossover to the month it is repaid."""
    # training 10M × 3 × 5 / 1e6 = 150; net 1159 → repaid in month 1 still.
    # training 200M × 3 × 5 / 1e6 = 3000; 3000 / 1159 = 2.59 → month 3
    o = costs.evaluate(base_values(training__tokens_per_epoch=200e6), MINI)
    assert float(o.crossover_month) == 3
    assert float(o.payback_months) == pytest.approx(3000 / 1159)


def test_payback_after_the_horizon_does_not_pay() -> None:
    """Payback after the horizon is a never: fine-tuning pays only within the projection."""
    # training 1e9 × 3 × 5 / 1e6 = 15,000; 15000 / 1159 = 12.94 > 12; never retrained
    o = costs.evaluate(base_values(training__tokens_per_epoch=1e9, retrain_every_months=0.0), MINI)
    assert int(o.never_reason) == NeverReason.PAYBACK_AFTER_HORIZON
    assert math.isnan(float(o.payback_months))
    assert float(o.months_to_repay_training) == pytest.approx(15_000 / 1159)
    assert math.isnan(float(o.crossover_month))
    assert float(o.horizon_net_savings_usd) == pytest.approx(12 * 1159 - 15_000)


@pytest.mark.parametrize("retrain", [0.0, 12.0, 24.0, 100.0])
def test_never_and_long_retrain_periods_agree(retrain: float) -> None:
    """R = 0 and R ≥ the projection are one case: one training, the same amortisation,
    break-even, payback and reason (the review's 1,629,375 vs 1,590,312 no longer differ)."""
    v = base_values(training__tokens_per_epoch=1e8, retrain_every_months=retrain)
    o = costs.evaluate(v, MINI)
    ref = costs.evaluate(
        base_values(training__tokens_per_epoch=1e8, retrain_every_months=0.0), MINI
    )
    assert float(o.trainings_in_horizon) == 1
    assert float(o.training_amortised_monthly_usd) == pytest.approx(1500.0 / 12)
    assert float(o.breakeven_requests_per_month) == pytest.approx(
        float(ref.breakeven_requests_per_month)
    )
    assert int(o.never_reason) == int(ref.never_reason)
    assert float(o.horizon_net_savings_usd) == pytest.approx(float(ref.horizon_net_savings_usd))


def test_stages_runs_and_cap_add_up() -> None:
    """SFT runs plus an RFT stage with grader tokens and a cap add up per training event."""
    prices = Prices(
        **{
            **_fields(MINI),
            "training": (
                StagePrices(method="sft", training_usd_per_mtok=5.0),
                StagePrices(
                    method="rft",
                    rft_usd_per_hour=100.0,
                    grader_input_usd_per_mtok=1.21,
                    grader_output_usd_per_mtok=4.84,
                    job_cap_usd=5000.0,
                ),
            ),
        }
    )
    v = base_values(training__runs=2.0)
    stage = {
        "tokens_per_epoch": 0.0,
        "epochs": 1.0,
        "runs": 1.0,
        "rft_hours": 10.0,
        "grader.input_tokens": 1_000_000.0,
        "grader.cached_input_tokens": 0.0,
        "grader.output_tokens": 100_000.0,
    }
    v.update({f"training.stages[0].{k}": x for k, x in stage.items()})
    o = costs.evaluate(v, prices)
    # SFT: 2 runs × 15 = 30; RFT: 10 h × 100 + 1M × 1.21/1e6 + 0.1M × 4.84/1e6 = 1001.694
    assert float(o.training_usd) == pytest.approx(30 + 1001.694)
    assert not bool(o.training_capped)
    v["training.stages[0].rft_hours"] = 60.0
    o = costs.evaluate(v, prices)
    # RFT: 6000 + 1.694 > 5000: the job pauses at the cap and a resumed job bills on with no
    # further cap (Azure RFT docs), so the full 6001.694 is billed and the pause is flagged
    assert float(o.training_usd) == pytest.approx(30 + 6001.694)
    assert bool(o.training_capped)
    # grader cached tokens are part of the grader input: 0.4M of the 1M at the cached rate
    cheap = Prices(
        **{
            **_fields(prices),
            "training": (
                prices.training[0],
                StagePrices(
                    method="rft",
                    rft_usd_per_hour=100.0,
                    grader_input_usd_per_mtok=1.21,
                    grader_cached_input_usd_per_mtok=0.303,
                    grader_output_usd_per_mtok=4.84,
                ),
            ),
        }
    )
    v["training.stages[0].rft_hours"] = 10.0
    v["training.stages[0].grader.cached_input_tokens"] = 400_000.0
    o = costs.evaluate(v, cheap)
    # 1000 + 0.6M × 1.21 + 0.4M × 0.303 + 0.1M × 4.84 = 1000 + 0.726 + 0.1212 + 0.484
    assert float(o.training_usd) == pytest.approx(30 + 1001.3312)


def test_broadcasting() -> None:
    """Arrays in two inputs broadcast to a grid of outcomes."""
    v = base_values()
    v["traffic.requests_per_month"] = np.array([1e5, 1e6, 1e7])[:, None]
    v["fine_tuned.prompt_tokens"] = np.array([500.0, 1000.0])
    o = costs.evaluate(v, MINI)
    assert o.monthly_net_savings_usd.shape == (3, 2)
    assert o.training_usd.shape == (3, 2)
    # 1e7 × (2000 × 0.4 / 1e6) − 1241 = 8000 − 1241
    assert o.monthly_net_savings_usd[2, 0] == pytest.approx(6759.0)


def test_missing_input_is_named() -> None:
    """A missing numeric input raises InvalidInputError naming it."""
    v = base_values()
    del v["base.output_tokens"]
    with pytest.raises(InvalidInputError) as exc:
        costs.evaluate(v, MINI)
    assert exc.value.field == "base.output_tokens"


def test_cumulative_series_matches_horizon_and_crossover() -> None:
    """The cumulative series ends at the horizon totals and crosses at crossover_month."""
    v = base_values(training__tokens_per_epoch=200e6)
    o = costs.evaluate(v, MINI)
    base, ft, events, _ = costs.cumulative_series(o, v["retrain_every_months"], 12)
    assert base[-1] == pytest.approx(float(o.horizon_base_usd))
    assert ft[-1] == pytest.approx(float(o.horizon_fine_tuned_usd))
    assert ft[0] == pytest.approx(3000.0)
    first = next(m for m in range(1, 13) if ft[m] <= base[m])
    assert first == float(o.crossover_month)
    assert [m for m in range(13) if events[m]] == [0, 7]


def _fields(p: Prices) -> dict[str, Any]:
    return {f: getattr(p, f) for f in p.__struct_fields__}
