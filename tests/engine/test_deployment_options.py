"""Deployment options and honest modelling: each reproduction of the review is a test here.

Fixture: tests/engine/data/deploy (gpt-4o with PTU, Data Zone, Batch and caching rules from the
Azure sources). Scenario: 1M requests a month, base 3,000 prompt + 200 output tokens, fine-tuned
500 prompt tokens; training 1M tokens × 3 epochs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest

from ftcost.catalog import Catalog, Provisioned, load_catalog
from ftcost.engine import Scenario, estimate
from ftcost.engine.provisioned import MINUTES_PER_MONTH, size_ptu
from ftcost.errors import InvalidInputError, PriceUnavailableError

CATALOG = Path(__file__).resolve().parent / "data" / "deploy"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    """The deployment-options fixture catalog."""
    return load_catalog(CATALOG)


def scenario(**over: Any) -> Scenario:
    data: dict[str, Any] = {
        "model": "gpt-4o",
        "training": {"tokens_per_epoch": 1_000_000, "epochs": 3},
        "traffic": {"requests_per_month": 1_000_000},
        "base": {"prompt_tokens": 3000, "output_tokens": 200},
        "fine_tuned": {"prompt_tokens": 500},
        "retrain_every_months": 0,
    }
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return msgspec.convert(data, Scenario)


# ---------------------------------------------------------------------------------------------
# PTU sizing: the provider's worked examples (Azure PTU sizing and onboarding docs)

GPT52 = Provisioned(
    input_tpm_per_ptu=3400, output_weight=8, regional_min_ptu=50, regional_increment=50,
    global_min_ptu=15, global_increment=5, source="T", as_of=msgspec.convert("2026-05-21", Any)
)  # fmt: skip


@pytest.mark.parametrize(
    ("deployment", "prompt", "output", "cache", "normalized", "raw", "ptus"),
    [
        # Data Zone, increment 5: 1,000 RPM × (200 + 8 × 20) = 360,000 → 105.88 → 110
        ("data_zone_provisioned", 200, 20, 0.0, 360_000, 105.88, 110),
        # the same at a 50 % cache rate: 100,000 + 160,000 = 260,000 → 76.47 → 80
        ("data_zone_provisioned", 200, 20, 0.5, 260_000, 76.47, 80),
        # Regional, increment 50 (onboarding doc table)
        ("provisioned", 100, 50, 0.0, 500_000, 147.06, 150),
        ("provisioned", 100, 50, 0.25, 475_000, 139.71, 150),
        ("provisioned", 500, 200, 0.0, 2_100_000, 617.65, 650),
        ("provisioned", 500, 200, 0.25, 1_975_000, 580.88, 600),
    ],
)
def test_ptu_sizing_matches_the_worked_examples(
    deployment: str, prompt: int, output: int, cache: float, normalized: float, raw: float,
    ptus: int,
) -> None:  # fmt: skip
    """Normalized TPM, raw PTUs and the rounded count equal the docs' worked examples."""
    plan = size_ptu(
        GPT52, deployment=deployment, model="gpt-5.2", role="base", field="base.ptu",
        explicit=None, rpm=(1000.0, "given"), prompt_tokens=prompt,
        cached_tokens=prompt * cache, output_tokens=output, usd_per_ptu_hour=1.0,
        hours_per_month=730.0,
    )  # fmt: skip
    assert plan.normalized_tpm == pytest.approx(normalized)
    assert plan.raw_ptus == pytest.approx(raw, abs=0.005)
    assert plan.ptus == ptus


def test_fine_tuned_on_ptu_replaces_hosting_and_tokens(cat: Catalog) -> None:
    """A fine-tuned PTU deployment bills PTU-hours only: no hosting fee, no token charges."""
    s = scenario(deployment={"type": "provisioned"}, traffic={"peak_requests_per_minute": 100})
    p = estimate(s, cat)
    plan = p.provisioned.fine_tuned if p.provisioned else None
    assert plan is not None
    # 100 RPM × (500 + 4 × 200) = 130,000 TPM / 2,500 = 52 → 100 (min 50, steps of 50)
    assert plan.normalized_tpm == pytest.approx(130_000)
    assert plan.ptus == 100
    assert plan.utilisation == pytest.approx(130_000 / 250_000)
    assert plan.usd_per_ptu_hour == 2.00  # regional US reference
    assert p.hosting.usd_per_hour == pytest.approx(200.0)
    assert p.hosting.monthly_usd == pytest.approx(200.0 * 730)
    assert p.per_request.fine_tuned_usd == 0.0
    sweden = estimate(
        scenario(region="swedencentral", deployment={"type": "provisioned", "ptu": 50},
                 training={"tier": "standard"}),
        cat,
    )  # fmt: skip
    assert sweden.hosting.usd_per_hour == pytest.approx(50 * 2.20)
    assert sweden.provisioned is not None
    assert sweden.provisioned.fine_tuned is not None
    assert sweden.provisioned.fine_tuned.sized_by.startswith("deployment.ptu")


def test_ptu_needs_a_peak_or_a_count(cat: Catalog) -> None:
    """Without a peak or a PTU count a PTU deployment cannot be sized: an error naming both."""
    with pytest.raises(InvalidInputError, match="peak") as exc:
        estimate(scenario(deployment={"type": "provisioned"}), cat)
    assert exc.value.field == "deployment.ptu"
    with pytest.raises(InvalidInputError, match="in steps of 50"):
        estimate(scenario(deployment={"type": "provisioned", "ptu": 60}), cat)
    avg = estimate(
        scenario(deployment={"type": "provisioned"}, traffic={"peak_to_average": 3.0}), cat
    )
    assert avg.provisioned is not None
    assert avg.provisioned.fine_tuned is not None
    peak = 1_000_000 / MINUTES_PER_MONTH * 3.0
    assert avg.provisioned.fine_tuned.peak_requests_per_minute == pytest.approx(peak)


def test_base_on_ptu_is_a_fixed_monthly_cost(cat: Catalog) -> None:
    """A provisioned base setup costs its PTU-hours every month whatever the volume."""
    s = scenario(base={"deployment": "global_provisioned", "ptu": 15})
    p = estimate(s, cat)
    assert p.per_request.base_usd == 0.0
    assert p.monthly.base_usd == pytest.approx(15 * 1.00 * 730)


def test_one_deployment_one_type(cat: Catalog) -> None:
    """A fine-tuned request on another type than its deployment is refused, naming both."""
    with pytest.raises(InvalidInputError, match=r"deployment\.type") as exc:
        estimate(
            scenario(deployment={"type": "developer"}, fine_tuned={"deployment": "global"}), cat
        )
    assert exc.value.field == "fine_tuned.deployment"
    same = estimate(
        scenario(deployment={"type": "global"}, fine_tuned={"deployment": "global"}), cat
    )
    assert same.per_request.fine_tuned.deployment == "global"


def test_developer_is_evaluation_first(cat: Catalog) -> None:
    """A Developer deployment's estimate says first that it is for evaluation, 24 hours."""
    p = estimate(scenario(deployment={"type": "developer"}), cat)
    assert p.headline is not None
    assert "evaluation" in p.headline
    assert "24 hours" in p.headline
    assert estimate(scenario(), cat).headline is None


def test_data_zone_and_batch_are_priced(cat: Catalog) -> None:
    """Data Zone training, hosting and tokens; Batch base at half price with a warning."""
    dz = estimate(scenario(training={"tier": "data_zone"}, deployment={"type": "data_zone"}), cat)
    assert dz.training.cost_usd == pytest.approx(3 * 27.50)
    assert dz.per_request.fine_tuned.input_usd_per_mtok == 2.75
    batch = estimate(scenario(base={"deployment": "batch"}), cat)
    assert batch.per_request.base_usd == pytest.approx((3000 * 1.25 + 200 * 5.00) / 1e6)
    assert "batch_turnaround" in {w.code for w in batch.warnings}


@pytest.mark.parametrize(
    ("cached", "ok"),
    [(0, True), (1024, True), (1152, True), (2944, True), (300, False), (1100, False)],
)
def test_cached_counts_follow_the_caching_rules(cat: Catalog, cached: int, ok: bool) -> None:
    """Cached tokens are 0 or 1,024 + k × 128 (up to the prompt); others cannot occur."""
    s = scenario(base={"cached_prompt_tokens": cached})
    if ok:
        assert estimate(s, cat).per_request.base.cached_prompt_tokens == cached
    else:
        with pytest.raises(InvalidInputError, match="cannot occur") as exc:
            estimate(s, cat)
        assert exc.value.field == "base.cached_prompt_tokens"


@pytest.mark.parametrize(("prefix", "cached"), [(500, 0), (1024, 1024), (1300, 1280), (9999, 2944)])
def test_shared_prefix_gives_the_cached_count(cat: Catalog, prefix: int, cached: int) -> None:
    """A shared prefix of N tokens caches 1,024 + whole 128-token steps, within the prompt."""
    p = estimate(scenario(base={"shared_prefix_tokens": prefix}), cat)
    assert p.per_request.base.cached_prompt_tokens == cached
    assert p.scenario.base.cached_prompt_tokens == cached


def test_review_reproductions_on_the_fixture_catalog() -> None:
    """The engine fixture: 300 cached of a 500-token prompt is fine without caching rules,
    zero deployments with traffic is refused, and a PTU type the model lacks is unavailable."""
    cat = load_catalog(Path(__file__).resolve().parent / "data" / "catalog")
    base = {
        "model": "gpt-4.1-mini",
        "training": {"tokens_per_epoch": 1_000_000},
        "traffic": {"requests_per_month": 3_000_000},
        "base": {"prompt_tokens": 2500, "output_tokens": 200},
        "fine_tuned": {"prompt_tokens": 500, "cached_prompt_tokens": 300},
    }
    assert estimate(msgspec.convert(base, Scenario), cat).per_request.fine_tuned_usd > 0
    with pytest.raises(InvalidInputError) as exc:
        estimate(msgspec.convert({**base, "deployment": {"count": 0}}, Scenario), cat)
    assert exc.value.field == "deployment.count"
    with pytest.raises(PriceUnavailableError):
        estimate(msgspec.convert({**base, "deployment": {"type": "provisioned"}}, Scenario), cat)
