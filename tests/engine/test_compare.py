"""``ftcost.engine.compare``: ranking by hand-computed totals, unavailable variants, errors.

DESIGN example on the fixture catalog (3M requests, 2,500 → 500 prompt tokens, 200 out,
1M tokens × 3 epochs, retrained every 6 months → 2 trainings in 12 months).
gpt-4.1-mini: tokens $0.40/$1.60, hosting $1,241/month → fine-tuned $2,801/month; training
$5 (global), $5.50 (standard), $6.05 (standard, Sweden Central), $2.50 (developer) per 1M.
gpt-4.1 (base follows it): base (2500 × 2 + 200 × 8)/1e6 = $0.0066, fine-tuned $0.0026 →
3M × 0.0026 + 1241 = $9,041/month; training $25 (global) or $27.50 (standard) per 1M; no
developer tier.
"""

from __future__ import annotations

import importlib
from typing import Any

import msgspec
import pytest
from whatif_support import scenario_dict

from ftcost.catalog import Catalog
from ftcost.engine import CompareRequest, compare
from ftcost.errors import InvalidInputError, UnknownModelError


def request(variants: dict[str, Any], **over: Any) -> CompareRequest:
    """A CompareRequest decoded like the API does."""
    body = {"scenario": scenario_dict(**over.pop("scenario", {})), "variants": variants, **over}
    return msgspec.convert(body, CompareRequest)


def test_tiers_by_models_cheapest_first(test_catalog: Catalog) -> None:
    """Rows are ranked by the 12-month fine-tuned total; gpt-4.1 developer is unavailable."""
    r = compare(
        request({"tiers": ["standard", "global", "developer"], "models": ["gpt-4.1-mini",
                 "gpt-4.1"]}, rank_by="horizon_total"),
        test_catalog,
    )  # fmt: skip
    got = [(row.variant.model, row.variant.tier, row.rank_value_usd) for row in r.rows]
    assert got == [
        ("gpt-4.1-mini", "developer", pytest.approx(2801 * 12 + 2 * 7.5)),
        ("gpt-4.1-mini", "global", pytest.approx(2801 * 12 + 2 * 15)),
        ("gpt-4.1-mini", "standard", pytest.approx(2801 * 12 + 2 * 16.5)),
        ("gpt-4.1", "global", pytest.approx(9041 * 12 + 2 * 75)),
        ("gpt-4.1", "standard", pytest.approx(9041 * 12 + 2 * 82.5)),
    ]
    assert [row.rank for row in r.rows] == [1, 2, 3, 4, 5]
    assert r.ranked_by == "horizon_total"
    assert [(u.variant.model, u.variant.tier) for u in r.unavailable] == [("gpt-4.1", "developer")]
    assert "developer" in r.unavailable[0].reason
    dev = r.rows[0]
    assert dev.training_usd == pytest.approx(7.5)
    assert "derived_figure" in dev.warnings
    big = r.rows[3]
    assert big.model_id == big.base_model_id == "gpt-4.1-2025-04-14"
    assert big.base_request_usd == pytest.approx(0.0066)
    assert big.fine_tuned_request_usd == pytest.approx(0.0026)
    assert big.horizon_fine_tuned_usd == big.rank_value_usd


def test_rank_by_monthly_total(test_catalog: Catalog) -> None:
    """Ranking by monthly cost adds the amortised training to the monthly run cost."""
    r = compare(request({"tiers": ["global", "developer"]}, rank_by="monthly_total"), test_catalog)
    assert [row.variant.tier for row in r.rows] == ["developer", "global"]
    assert r.rows[0].rank_value_usd == pytest.approx(2801 + 7.5 / 6)
    assert r.rows[1].rank_value_usd == pytest.approx(2801 + 15 / 6)
    assert "amortised" in r.ranked_by_description


def test_regions_and_deployments(test_catalog: Catalog) -> None:
    """A region changes the standard-tier price; a developer deployment drops hosting."""
    r = compare(
        request({"regions": [None, "swedencentral"], "deployments": ["global", "developer"]},
                scenario={"training": {"tier": "standard", "tokens_per_epoch": 1_000_000,
                                       "epochs": 3}}),
        test_catalog,
    )  # fmt: skip
    by = {(row.variant.region, row.variant.deployment): row for row in r.rows + r.evaluation}
    assert by[(None, "global")].training_usd == pytest.approx(16.5)
    assert by[("swedencentral", "global")].training_usd == pytest.approx(18.15)
    dev = by[(None, "developer")]
    # developer: no hosting fee → 3M × 0.00052 = $1,560 a month
    assert dev.hosting_monthly_usd == 0.0
    assert dev.monthly_fine_tuned_usd == pytest.approx(1560.0)
    assert "developer_deployment" in dev.warnings
    # the cheapest-looking option is an evaluation deployment: listed apart, never first
    assert {row.variant.deployment for row in r.rows} == {"global"}
    assert {row.variant.deployment for row in r.evaluation} == {"developer"}


def test_not_fine_tunable_model_is_unavailable(test_catalog: Catalog) -> None:
    """A grader-only model is listed as unavailable with the reason, not dropped."""
    r = compare(request({"models": ["gpt-4.1-mini", "o3-mini"]}), test_catalog)
    assert [row.variant.model for row in r.rows] == ["gpt-4.1-mini"]
    assert len(r.unavailable) == 1
    assert r.unavailable[0].field == "model"
    assert "cannot be fine-tuned" in r.unavailable[0].reason


@pytest.mark.parametrize(
    ("variants", "over", "where", "error"),
    [
        ({"models": ["gpt-4.1-mini", "gpt-9"]}, {}, "variants.models[1]", UnknownModelError),
        ({"models": ["gpt-4.1-mini", "gpt-4.1-mini-2025-04-14"]}, {}, "variants.models[1]",
         InvalidInputError),
        ({"tiers": ["global", "global"]}, {}, "variants.tiers[1]", InvalidInputError),
        ({"regions": ["marsnorth"]}, {}, "variants.regions[0]", InvalidInputError),
        ({"regions": [None, "Sweden Central", "swedencentral"]}, {}, "variants.regions[2]",
         InvalidInputError),
        ({"regions": ["swedencentral"]}, {"scenario": {"provider": "openai", "deployment": {}}},
         "variants.regions[0]", InvalidInputError),
        ({}, {}, "variants", InvalidInputError),
        ({"tiers": ["global"]}, {"scenario": {"training": {"epochs": 3}}},
         "scenario.training.tokens_per_epoch", InvalidInputError),
    ],
    ids=["unknown-model", "same-model", "same-tier", "unknown-region", "same-region",
         "openai-region", "empty", "scenario-error"],
)  # fmt: skip
def test_bad_requests_name_the_item(
    test_catalog: Catalog,
    variants: dict[str, Any],
    over: dict[str, Any],
    where: str,
    error: type[Exception],
) -> None:
    """Bad variant lists and scenario errors are errors with their request path."""
    with pytest.raises(error) as exc:
        compare(request(variants, **over), test_catalog)
    assert getattr(exc.value, "field", None) == where


def test_combination_bound(test_catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    """More combinations than MAX_COMPARE_VARIANTS are refused before any is estimated."""
    compare_module = importlib.import_module(
        "ftcost.engine.compare"
    )  # the module, not the function
    monkeypatch.setattr(compare_module, "MAX_COMPARE_VARIANTS", 5)
    with pytest.raises(InvalidInputError) as exc:
        compare(
            request({"tiers": ["standard", "global", "developer"],
                     "deployments": ["standard", "global"]}),
            test_catalog,
        )  # fmt: skip
    assert exc.value.field == "variants"
    assert "6 combinations" in exc.value.detail


def test_default_ranks_by_net_against_each_rows_own_base(test_catalog: Catalog) -> None:
    """By default rows rank by net savings over the projection against their own base, the
    rows that never pay last; developer deployments are listed apart as evaluation."""
    r = compare(
        request({"models": ["gpt-4.1-mini", "gpt-4.1"], "deployments": ["global", "developer"]}),
        test_catalog,
    )
    assert r.ranked_by == "horizon_net"
    # gpt-4.1 saves 3M × (0.0066 − 0.0026) − 1241 = 10,759 a month; gpt-4.1-mini 1,159
    assert [(row.variant.model, row.variant.deployment) for row in r.rows] == [
        ("gpt-4.1", "global"),
        ("gpt-4.1-mini", "global"),
    ]
    assert r.rows[0].rank_value_usd == pytest.approx(10_759 * 12 - 2 * 75)
    assert [(row.variant.model, row.variant.deployment) for row in r.evaluation] == [
        ("gpt-4.1-mini", "developer")
    ]
    assert all(row.variant.deployment != "developer" for row in r.rows)
    never = compare(
        request({"models": ["gpt-4.1-mini", "gpt-4.1"]},
                scenario={"traffic": {"requests_per_month": 200_000}}),
        test_catalog,
    )  # fmt: skip
    pays = [row.pays for row in never.rows]
    assert pays == sorted(pays, reverse=True)  # every paying row before every never
