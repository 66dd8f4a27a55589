"""Seeded latency sampling: quantiles of the parameters, TTFT/E2E, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from ftcost.engine import LatencyParams, Spread, estimate_latency, sample_parameter
from ftcost.errors import InvalidInputError

PARAMS = LatencyParams(
    t0_s=Spread(p10=0.2, p50=0.4, p90=0.8),
    prefill_s_per_1k=Spread(p10=0.05, p50=0.1, p90=0.2),
    decode_tokens_per_s=Spread(p10=80.0, p50=100.0, p90=140.0),
)


@pytest.mark.parametrize(
    "spread",
    [
        Spread(p10=0.2, p50=0.4, p90=0.8),
        Spread(p10=0.0, p50=0.1, p90=0.3),
        Spread(p10=80, p50=100, p90=140),
    ],
    ids=["lognormal", "zero-p10", "decode"],
)
def test_parameter_matches_catalog_quantiles(spread: Spread) -> None:
    """The sampled parameter has the catalog's p10, p50 and p90 (within sampling error)."""
    z = np.random.default_rng(1).standard_normal(200_000)
    x = sample_parameter(spread, z)
    got = np.percentile(x, [10, 50, 90])
    assert got == pytest.approx([spread.p10, spread.p50, spread.p90], rel=0.02, abs=0.002)
    assert (x >= 0).all()


def test_degenerate_spread_is_constant() -> None:
    """p10 = p50 = p90 gives that value for every draw."""
    z = np.random.default_rng(2).standard_normal(1000)
    assert (sample_parameter(Spread(p10=0.5, p50=0.5, p90=0.5), z) == 0.5).all()


def test_unordered_percentiles_are_rejected() -> None:
    """Percentiles out of order are an input error."""
    with pytest.raises(InvalidInputError):
        sample_parameter(Spread(p10=2.0, p50=1.0, p90=3.0), np.zeros(3))


def test_fixed_parameters_give_the_formula() -> None:
    """With no spread, TTFT and E2E follow the closed-form model exactly."""
    fixed = LatencyParams(
        t0_s=Spread(p10=0.3, p50=0.3, p90=0.3),
        prefill_s_per_1k=Spread(p10=0.1, p50=0.1, p90=0.1),
        decode_tokens_per_s=Spread(p10=50.0, p50=50.0, p90=50.0),
    )
    est = estimate_latency(fixed, prompt_tokens=3000, cached_prompt_tokens=1000, output_tokens=101)
    # ttft = 0.3 + 0.1 × (3000 − 1000) / 1000 = 0.5; e2e = 0.5 + 100 / 50 = 2.5
    assert est.ttft_s.p50 == pytest.approx(0.5)
    assert est.ttft_s.p90 == pytest.approx(0.5)
    assert est.e2e_s.p10 == pytest.approx(2.5)


def test_seeded_and_ordered() -> None:
    """The same seed gives the same answer; percentiles are ordered; E2E exceeds TTFT."""
    a = estimate_latency(
        PARAMS, prompt_tokens=2500, cached_prompt_tokens=0, output_tokens=200, seed=7
    )
    b = estimate_latency(
        PARAMS, prompt_tokens=2500, cached_prompt_tokens=0, output_tokens=200, seed=7
    )
    assert a == b
    assert a.ttft_s.p10 <= a.ttft_s.p50 <= a.ttft_s.p90
    assert a.e2e_s.p50 > a.ttft_s.p50


def test_percentiles_are_not_added() -> None:
    """p90 of E2E is below p90(TTFT) + decode time at p10 speed (adding percentiles overstates)."""
    est = estimate_latency(PARAMS, prompt_tokens=2500, cached_prompt_tokens=0, output_tokens=200)
    added = est.ttft_s.p90 + 199 / PARAMS.decode_tokens_per_s.p10
    assert est.e2e_s.p90 < added


def test_one_output_token_has_no_decode_time() -> None:
    """With a single output token, E2E equals TTFT."""
    est = estimate_latency(PARAMS, prompt_tokens=100, cached_prompt_tokens=0, output_tokens=1)
    assert est.e2e_s == est.ttft_s


def test_samples_must_be_positive() -> None:
    """Zero samples is an input error."""
    with pytest.raises(InvalidInputError):
        estimate_latency(
            PARAMS, prompt_tokens=1, cached_prompt_tokens=0, output_tokens=1, samples=0
        )
