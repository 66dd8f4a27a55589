"""Table tests of ``engine.estimate`` on the shipped catalog, and its rules on a fixture catalog."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import msgspec
import pytest
from engine_support import scenario

from ftcost.catalog import Catalog, IntFigure
from ftcost.engine import NUMERIC_FIELDS, Projection, auto_epochs, costs, estimate, resolve
from ftcost.errors import InvalidInputError, PriceUnavailableError, UnknownModelError


def codes(p: Projection) -> set[str]:
    """The warning codes of a projection."""
    return {w.code for w in p.warnings}


# ---------------------------------------------------------------------------------------------
# The required table cases, on the shipped catalog (pricing/*.toml)


def test_azure_mini_global_shorter_prompt(real_catalog: Catalog) -> None:
    """Azure gpt-4.1-mini Global, prompt cut from 2,500 to 500 tokens (the DESIGN example)."""
    p = estimate(scenario(start_date="2026-01-01"), real_catalog)
    # training: 1M tokens × 3 epochs × $5.00/1M (S1 global) = $15
    assert p.training.cost_usd == pytest.approx(15.0)
    assert p.training.tokens == pytest.approx(3_000_000)
    # hosting: 1 × 730 h × $1.70 = $1,241 a month
    assert p.hosting.monthly_usd == pytest.approx(1241.0)
    # base (2500 × $0.40 + 200 × $1.60)/1e6 = $0.00132; fine-tuned (500 × 0.40 + 320)/1e6
    assert p.per_request.base_usd == pytest.approx(0.00132)
    assert p.per_request.fine_tuned_usd == pytest.approx(0.00052)
    assert p.per_request.savings_usd == pytest.approx(0.0008)
    # monthly: 3M × 0.00132 = 3960 vs 3M × 0.00052 + 1241 = 2801 → 1159 saved
    assert p.monthly.net_savings_usd == pytest.approx(1159.0)
    # V* = (1241 + 15/6) / 0.0008 = 1,554,375; payback = 15 / 1159 months
    assert p.break_even.requests_per_month == pytest.approx(1_554_375.0)
    assert p.break_even.payback_months == pytest.approx(15 / 1159)
    assert p.break_even.crossover_month == 1
    assert p.break_even.reason is None
    # 12 months: base 47,520; fine-tuned 2801 × 12 + 2 × 15 = 33,642
    assert p.horizon.net_savings_usd == pytest.approx(13_878.0)
    assert len(p.series) == 13
    assert "no_data_residency" in codes(p)
    assert p.catalog.version.startswith("azure-")


def test_azure_distillation_gpt41_to_mini(real_catalog: Catalog) -> None:
    """Azure distillation: base gpt-4.1 with a long prompt vs fine-tuned gpt-4.1-mini."""
    s = scenario(
        training={"tokens_per_epoch": 2_000_000, "examples": 5000, "epochs": "auto", "runs": 2},
        traffic={"requests_per_month": 500_000},
        base={"model": "gpt-4.1", "prompt_tokens": 3000, "output_tokens": 300},
        fine_tuned={"prompt_tokens": 500},
    )
    p = estimate(s, real_catalog)
    # epochs auto with 5000 examples → 3; 2 runs × 2M × 3 × $5/1M = $60
    assert p.training.stages[0].epochs == 3
    assert p.training.cost_usd == pytest.approx(60.0)
    # base gpt-4.1 global: 3000 × $2 + 300 × $8 = 8400 per 1e6
    assert p.per_request.base_usd == pytest.approx(0.0084)
    # fine-tuned mini (output defaults to base's 300): 500 × 0.40 + 300 × 1.60 = 680 per 1e6
    assert p.per_request.fine_tuned_usd == pytest.approx(0.00068)
    assert p.per_request.base.model == "gpt-4.1-2025-04-14"
    assert p.per_request.fine_tuned.model == "gpt-4.1-mini-2025-04-14"
    # monthly: 5e5 × 0.0084 = 4200 vs 5e5 × 0.00068 + 1241 = 1581 → 2619
    assert p.monthly.net_savings_usd == pytest.approx(2619.0)
    # V* = (1241 + 60/6) / (0.0084 − 0.00068) = 1251 / 0.00772
    assert p.break_even.requests_per_month == pytest.approx(1251 / 0.00772)
    assert p.break_even.payback_months == pytest.approx(60 / 2619)
    assert p.latency.base is not None
    assert p.latency.fine_tuned is not None
    assert any("Distillation" in a for a in p.assumptions)


def test_openai_fine_tuned_tokens_cost_more(real_catalog: Catalog) -> None:
    """OpenAI gpt-4.1-mini: fine-tuned tokens cost 2 × base, so a small prompt cut never pays."""
    s = scenario(
        provider="openai",
        deployment={},
        base={"prompt_tokens": 1000, "output_tokens": 200},
        fine_tuned={"prompt_tokens": 800, "output_tokens": 200},
    )
    p = estimate(s, real_catalog)
    # base: 1000 × $0.40 + 200 × $1.60 = 720 per 1e6; fine-tuned: 800 × $0.80 + 200 × $3.20 = 1280
    assert p.per_request.base_usd == pytest.approx(0.00072)
    assert p.per_request.fine_tuned_usd == pytest.approx(0.00128)
    assert p.hosting.monthly_usd == 0.0
    assert p.break_even.requests_per_month is None
    assert p.break_even.payback_months is None
    assert p.break_even.crossover_month is None
    assert p.break_even.reason_code == "fine_tuned_not_cheaper"
    assert p.break_even.reason is not None
    assert "not cheaper" in p.break_even.reason
    assert "no_data_residency" not in codes(p)


def test_openai_distillation_no_hosting(real_catalog: Catalog) -> None:
    """OpenAI distillation gpt-4.1 → fine-tuned gpt-4.1-mini: no hosting fee, pays at once."""
    s = scenario(
        provider="openai",
        start_date="2026-01-01",
        traffic={"requests_per_month": 100_000},
        base={"model": "gpt-4.1", "prompt_tokens": 4000, "output_tokens": 300},
        fine_tuned={"prompt_tokens": 400},
    )
    p = estimate(s, real_catalog)
    # base gpt-4.1: 4000 × $2 + 300 × $8 = 10,400 per 1e6
    # fine-tuned mini: 400 × $0.80 + 300 × $3.20 = 320 + 960 = 1,280 per 1e6
    assert p.per_request.base_usd == pytest.approx(0.0104)
    assert p.per_request.fine_tuned_usd == pytest.approx(0.00128)
    assert p.hosting.monthly_usd == 0.0
    # monthly: 1e5 × 0.0104 = 1040 vs 128 → 912; training 1M × 3 × $5 = $15
    assert p.monthly.net_savings_usd == pytest.approx(912.0)
    # V* = (0 + 15/6) / 0.00912
    assert p.break_even.requests_per_month == pytest.approx(2.5 / 0.00912)
    assert p.break_even.payback_months == pytest.approx(15 / 912)
    # deprecation 2026-10-14 lies in the horizon (S16m, uncertain); shutdown 2027-01-14 does not
    assert "model_base_deprecation" in codes(p)
    assert "model_deployment_retirement" not in codes(p)
    assert any("no hosting fee" in a for a in p.assumptions)


# ---------------------------------------------------------------------------------------------
# Rules, on the fixture catalog


def test_scenario_echo_is_resolved(test_catalog: Catalog) -> None:
    """The echoed scenario carries resolved ids, epochs and filled-in defaults."""
    s = scenario(training={"tokens_per_epoch": 1000, "examples": 20})
    p = estimate(s, test_catalog)
    assert p.scenario.model == "gpt-4.1-mini-2025-04-14"
    # 20 examples: 3 × 20 < 100 → min(25, 100 // 20) = 5 epochs
    assert p.scenario.training.epochs == 5
    assert p.scenario.base.deployment == "global"
    assert p.scenario.fine_tuned.deployment == "global"
    assert p.scenario.fine_tuned.output_tokens == 200


@pytest.mark.parametrize(
    ("examples", "epochs"),
    [(None, 3), (1, 25), (20, 5), (33, 3), (5000, 3), (8334, 2), (30000, 1)],
)
def test_auto_epochs(examples: int | None, epochs: int) -> None:
    """The cookbook heuristic: 3, min(25, 100 // n) for few, max(1, 25000 // n) for many."""
    assert auto_epochs(examples) == epochs


def test_sft_then_dpo_stages_add_up(test_catalog: Catalog) -> None:
    """An SFT stage then a DPO stage add up; the stage fields join the numeric fields."""
    s = scenario(
        training={
            "tokens_per_epoch": 1_000_000,
            "epochs": 3,
            "stages": [{"method": "dpo", "tokens_per_epoch": 500_000, "epochs": 2}],
        }
    )
    r = resolve(s, test_catalog)
    assert "training.stages[0].tokens_per_epoch" in r.fields
    p = estimate(s, test_catalog)
    # SFT 1M × 3 × $5 = 15; DPO 0.5M × 2 × $5 = 5
    assert [st.cost_usd for st in p.training.stages] == pytest.approx([15.0, 5.0])
    assert p.training.cost_usd == pytest.approx(20.0)
    assert p.training.tokens == pytest.approx(4_000_000)


def test_rft_hours_grader_and_cap(test_catalog: Catalog) -> None:
    """RFT: hours × rate plus grader tokens; over $5,000 the job pauses (a warning) and a
    resumed job bills on: the full hours are billed; over 720 hours a job fails (an error)."""
    training = {
        "method": "rft",
        "rft_hours": 10,
        "grader": {"model": "o3-mini", "input_tokens": 1_000_000, "output_tokens": 100_000},
    }
    s = scenario(model="o4-mini", training=training)
    p = estimate(s, test_catalog)
    # 10 h × $100 + 1M × $1.21/1M + 0.1M × $4.84/1M = 1000 + 1.21 + 0.484
    assert p.training.cost_usd == pytest.approx(1001.694)
    assert p.training.stages[0].grader_model == "o3-mini-2025-01-31"
    assert p.training.stages[0].grader_usd == pytest.approx(1.694)
    assert "rft_job_cap" not in codes(p)
    p = estimate(scenario(model="o4-mini", training={**training, "rft_hours": 60}), test_catalog)
    assert p.training.cost_usd == pytest.approx(6001.694)
    assert p.training.stages[0].capped
    assert "rft_job_cap" in codes(p)
    assert "latency_unavailable" in codes(p)
    assert p.latency.base is None
    assert p.latency.base_reason is not None


def _slow_payback(**over: Any) -> dict[str, Any]:
    # Azure gpt-4.1 (fixture): base 2000 × $2 + 100 × $8 = 4800/1e6; fine-tuned 200 × 2 + 800
    # = 1200/1e6; 10,000 requests save 36 a month; hosting 10 h × 1.70 = 17 → net 19.
    # Training 1,045,000 × 4 × $25/1M = 104.5 → payback 104.5 / 19 = 5.5 months.
    data: dict[str, Any] = {
        "model": "gpt-4.1",
        "start_date": "2027-01-01",
        "training": {"tokens_per_epoch": 1_045_000, "epochs": 4},
        "deployment": {"hours_per_month": 10},
        "traffic": {"requests_per_month": 10_000},
        "base": {"prompt_tokens": 2000, "output_tokens": 100},
        "fine_tuned": {"prompt_tokens": 200},
        "retrain_every_months": 0,
    }
    data.update(over)
    return data


def test_retired_before_payback(test_catalog: Catalog) -> None:
    """Fixture gpt-4.1 shuts down 2027-06-01 (4.96 months in), before its 5.5-month payback."""
    p = estimate(scenario(**_slow_payback()), test_catalog)
    assert p.monthly.net_savings_usd == pytest.approx(19.0)
    assert p.training.cost_usd == pytest.approx(104.5)
    assert p.break_even.payback_months is None
    assert p.break_even.reason_code == "retired_before_payback"
    assert p.break_even.reason is not None
    assert "5.5 months" in p.break_even.reason
    assert {"model_deployment_retirement", "model_base_deprecation"} <= codes(p)


def test_retrain_before_payback(test_catalog: Catalog) -> None:
    """Retraining every 3 months when payback takes 5.5: never pays."""
    p = estimate(scenario(**_slow_payback(retrain_every_months=3, start_date=None)), test_catalog)
    assert p.break_even.reason_code == "retrain_before_payback"
    # V* = (17 + 104.5 / 3) / 0.0036
    assert p.break_even.requests_per_month == pytest.approx((17 + 104.5 / 3) / 0.0036)
    assert p.break_even.crossover_month is None
    # no start date: lifecycle listed but not placed in the horizon
    assert any("No start date" in a for a in p.assumptions)


def test_hosting_not_covered_reason(test_catalog: Catalog) -> None:
    """Savings below hosting: the reason names both monthly figures."""
    p = estimate(scenario(traffic={"requests_per_month": 100_000}), test_catalog)
    # savings 1e5 × 0.0008 = 80 < 1241
    assert p.break_even.reason_code == "savings_below_hosting"
    assert p.break_even.reason is not None
    assert "$1,241.00" in p.break_even.reason


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"deployment": {"type": "developer"}}, "developer_deployment"),
        (
            {"training": {"tier": "developer", "tokens_per_epoch": 1000, "epochs": 1}},
            "derived_figure",
        ),
        ({"traffic": {"requests_per_month": 1}}, "idle_deployment"),
        (
            {"training": {"tokens_per_epoch": 1_000_000_000, "epochs": 3}},
            "job_token_limit",
        ),
        ({}, "latency_derived"),
    ],
)
def test_warnings(test_catalog: Catalog, over: dict[str, Any], code: str) -> None:
    """Each warning appears where it applies."""
    assert code in codes(estimate(scenario(**over), test_catalog))


def test_too_few_examples_is_an_error_as_in_analyze(test_catalog: Catalog) -> None:
    """Fewer examples than the model's minimum: an error naming the field (analyze: an error)."""
    with pytest.raises(InvalidInputError, match="at least 10") as exc:
        estimate(scenario(training={"tokens_per_epoch": 1000, "examples": 5}), test_catalog)
    assert exc.value.field == "training.examples"


def test_rft_job_hour_limit(test_catalog: Catalog) -> None:
    """An RFT job over the model's job-hour limit fails at the service: an error here."""
    training = {"method": "rft", "rft_hours": 721}
    limited = msgspec.structs.replace(
        test_catalog,
        providers={
            "azure": msgspec.structs.replace(
                test_catalog.providers["azure"],
                models=[
                    msgspec.structs.replace(
                        m,
                        limits=msgspec.structs.replace(
                            m.limits,
                            job_hours=IntFigure(value=720, source="S1", as_of=dt.date(2026, 2, 17)),
                        ),
                    )
                    if m.id == "o4-mini-2025-04-16"
                    else m
                    for m in test_catalog.providers["azure"].models
                ],
            ),
            **{k: v for k, v in test_catalog.providers.items() if k != "azure"},
        },
    )
    with pytest.raises(InvalidInputError, match="fails after 720 hours") as exc:
        estimate(scenario(model="o4-mini", training=training), limited)
    assert exc.value.field == "training.rft_hours"
    ok = estimate(scenario(model="o4-mini", training={**training, "rft_hours": 720}), limited)
    assert ok.training.cost_usd == pytest.approx(72_000.0)


def test_standard_tier_in_region_has_no_residency_warning(test_catalog: Catalog) -> None:
    """Standard tier and deployments in Sweden Central: regional prices, no residency warning."""
    s = scenario(
        region="swedencentral",
        training={"tier": "standard", "tokens_per_epoch": 1_000_000, "epochs": 3},
        deployment={"type": "standard"},
        base={"deployment": "standard", "prompt_tokens": 2500, "output_tokens": 200},
    )
    p = estimate(s, test_catalog)
    # Sweden Central regional training $6.05 × 3 = 18.15
    assert p.training.cost_usd == pytest.approx(18.15)
    assert "no_data_residency" not in codes(p)


@pytest.mark.parametrize(
    ("over", "field", "error"),
    [
        (
            {"fine_tuned": {"prompt_tokens": 10, "cached_prompt_tokens": 20}},
            "fine_tuned.cached_prompt_tokens",
            InvalidInputError,
        ),
        ({"fine_tuned": {"output_tokens": 5}}, "fine_tuned.prompt_tokens", InvalidInputError),
        ({"base": {"prompt_tokens": 5}}, "base.output_tokens", InvalidInputError),
        ({"training": {"method": "rft", "rft_hours": 1}}, "training.method", InvalidInputError),
        ({"training": {"epochs": 3}}, "training.tokens_per_epoch", InvalidInputError),
        ({"training": {"dataset": "train.jsonl"}}, "training.dataset", InvalidInputError),
        ({"region": "marsnorth"}, "region", InvalidInputError),
        ({"provider": "openai", "region": "eastus"}, "region", InvalidInputError),
        ({"model": "gpt-9"}, "model", UnknownModelError),
        (
            {"base": {"model": "gpt-9", "prompt_tokens": 1, "output_tokens": 1}},
            "base.model",
            UnknownModelError,
        ),
        (
            {"fine_tuned": {"model": "gpt-4.1", "prompt_tokens": 1}},
            "fine_tuned.model",
            InvalidInputError,
        ),
        ({"model": "o3-mini"}, "model", InvalidInputError),
        (
            {"deployment": {"type": "developer"}, "model": "gpt-4.1"},
            "deployment.type",
            PriceUnavailableError,
        ),
    ],
)
def test_errors_name_the_field(
    test_catalog: Catalog, over: dict[str, Any], field: str, error: type[Exception]
) -> None:
    """Bad scenarios raise an error whose field names the culprit."""
    with pytest.raises(error) as exc:
        estimate(scenario(**over), test_catalog)
    assert getattr(exc.value, "field", None) == field


def test_resolve_values_cover_numeric_fields(test_catalog: Catalog) -> None:
    """Resolved.values holds every NUMERIC_FIELD, and evaluate on them matches the projection."""
    r = resolve(scenario(), test_catalog)
    assert set(NUMERIC_FIELDS) <= set(r.values)
    o = costs.evaluate(r.values, r.prices)
    p = estimate(scenario(), test_catalog)
    assert float(o.training_usd) == p.training.cost_usd
    assert float(o.breakeven_requests_per_month) == p.break_even.requests_per_month


def test_projection_json_has_no_non_finite_numbers(test_catalog: Catalog) -> None:
    """A never-paying projection encodes to JSON with nulls, never NaN or Infinity."""
    p = estimate(scenario(fine_tuned={"prompt_tokens": 3000}), test_catalog)
    raw = msgspec.json.encode(p)
    assert b"NaN" not in raw
    assert b"Infinity" not in raw
    back = msgspec.json.decode(raw)
    assert back["break_even"]["payback_months"] is None
    for key in ("training", "hosting", "per_request", "latency", "monthly", "series"):
        assert key in back


def test_latency_shorter_prompt_is_faster(test_catalog: Catalog) -> None:
    """The fine-tuned setup's shorter prompt lowers TTFT (same draws for both setups)."""
    p = estimate(scenario(), test_catalog)
    assert p.latency.base is not None
    assert p.latency.fine_tuned is not None
    assert p.latency.fine_tuned.ttft_s.p50 < p.latency.base.ttft_s.p50
    # (200 − 1) / 100 t/s ≈ 2 s of decode at the median
    assert p.latency.base.e2e_s.p50 > 1.5


def test_start_date_places_lifecycle(test_catalog: Catalog) -> None:
    """A shutdown date far after the horizon gives no warning; inside it does."""
    far = estimate(scenario(**_slow_payback(start_date="2020-01-01")), test_catalog)
    assert "model_deployment_retirement" not in codes(far)
    near = estimate(scenario(**_slow_payback(start_date=dt.date(2027, 1, 1))), test_catalog)
    assert "model_deployment_retirement" in codes(near)
    assert math.isfinite(
        resolve(scenario(**_slow_payback()), test_catalog).prices.months_to_shutdown
    )
