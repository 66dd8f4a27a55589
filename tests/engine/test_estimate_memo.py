"""The estimate path's memoisation changes no number: cached answers equal a fresh computation."""

from __future__ import annotations

import msgspec
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftcost.catalog import load_catalog
from ftcost.engine import Scenario, estimate
from ftcost.engine.latency import LatencyParams, Spread, _draws, estimate_latency, sample_parameter

PARAMS = LatencyParams(
    t0_s=Spread(p10=0.2, p50=0.4, p90=0.8),
    prefill_s_per_1k=Spread(p10=0.0, p50=0.1, p90=0.2),
    decode_tokens_per_s=Spread(p10=80.0, p50=100.0, p90=140.0),
)


def fresh(prompt: float, cached: float, output: float, seed: int, samples: int) -> list[float]:
    """The latency model of latency.py's docstring, computed from scratch with numpy."""
    z = np.random.default_rng(seed).standard_normal((3, samples))
    t0 = sample_parameter(PARAMS.t0_s, z[0])
    prefill = sample_parameter(PARAMS.prefill_s_per_1k, z[1])
    decode = sample_parameter(PARAMS.decode_tokens_per_s, z[2])
    ttft = t0 + prefill * (max(prompt - min(cached, prompt), 0.0) / 1000.0)
    e2e = ttft + max(output - 1.0, 0.0) / decode
    return [*np.percentile(ttft, [10, 50, 90]), *np.percentile(e2e, [10, 50, 90])]


def flat(est: object) -> list[float]:
    d = msgspec.to_builtins(est)
    return [d["ttft_s"][k] for k in ("p10", "p50", "p90")] + [
        d["e2e_s"][k] for k in ("p10", "p50", "p90")
    ]


@given(
    prompt=st.integers(0, 200_000),
    cached=st.integers(0, 200_000),
    output=st.integers(0, 20_000),
    seed=st.sampled_from([1, 2, 20250825]),
    samples=st.sampled_from([1, 7, 4000]),
)
def test_latency_equals_a_fresh_computation(
    prompt: int, cached: int, output: int, seed: int, samples: int
) -> None:
    """First and repeated calls (served from the memo) both equal the from-scratch numbers."""
    want = fresh(prompt, cached, output, seed, samples)
    for _ in range(2):
        got = estimate_latency(
            PARAMS,
            prompt_tokens=prompt,
            cached_prompt_tokens=cached,
            output_tokens=output,
            seed=seed,
            samples=samples,
        )
        assert flat(got) == want


def test_shared_draws_cannot_be_modified() -> None:
    """The memoised parameter draws are read-only, so no caller can alter later answers."""
    t0, _, _ = _draws(PARAMS, 3, 10)
    with pytest.raises(ValueError, match="read-only"):
        t0[0] = 99.0


def test_each_catalog_object_reports_its_own_version() -> None:
    """Two catalogs with different versions each appear in their own Projection."""
    base = load_catalog()
    azure = base.providers["azure"]
    other = msgspec.structs.replace(
        base,
        providers={**base.providers, "azure": msgspec.structs.replace(azure, version="azure-x")},
    )
    scenario = msgspec.convert(
        {
            "model": "gpt-4.1-mini",
            "training": {"tokens_per_epoch": 1000},
            "base": {"prompt_tokens": 100, "output_tokens": 10},
            "fine_tuned": {"prompt_tokens": 10},
        },
        Scenario,
    )
    for _ in range(2):
        assert estimate(scenario, base).catalog.version == azure.version
        assert estimate(scenario, other).catalog.version == "azure-x"
