"""Latency of one request setup, by seeded sampling of the catalog's latency parameters.

Model (DESIGN §6, latency-notes §4)::

    ttft_s = t0_s + prefill_s_per_1k × (prompt_tokens − cached_prompt_tokens) / 1000
    e2e_s  = ttft_s + max(output_tokens − 1, 0) / decode_tokens_per_s

The catalog gives p10/p50/p90 for each of ``t0_s``, ``prefill_s_per_1k`` and
``decode_tokens_per_s``. Each parameter is drawn from a *split lognormal* through its three
quantiles: ``x = p50 × exp(σ × z)`` with ``z ~ N(0, 1)``, ``σ = ln(p50/p10)/1.2816`` for
``z < 0`` and ``ln(p90/p50)/1.2816`` for ``z ≥ 0`` (1.2816 = the standard normal's 90th
percentile), so the distribution has exactly the catalog's p10, p50 and p90 and stays positive.
When p10 is 0 (possible for ``t0_s`` or ``prefill_s_per_1k``) the lower half is a normal
through p10 and p50 instead, clipped at 0. The three parameters are drawn independently; each
sample combines one draw of each, and TTFT/E2E percentiles are read from the samples (not by
adding percentiles, which overstates the tails).

The same seed gives the same draws, so two setups sampled with one seed are paired (common
random numbers): their difference reflects the token counts and parameters, not sampling noise.
Pure: no clock, no files, no global random state. The draws of each (parameters, seed, samples)
and the estimates of recent inputs are memoised (a web service asks the same again and again);
a memoised answer is the one the computation gives.
"""

from __future__ import annotations

import functools
import math

import msgspec
import numpy as np
from numpy.typing import NDArray

from ftcost.errors import InvalidInputError

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "LatencyEstimate",
    "LatencyParams",
    "Quantiles",
    "Spread",
    "estimate_latency",
    "sample_parameter",
]

DEFAULT_SAMPLES = 4000
DEFAULT_SEED = 20250825
_Z90 = 1.2815515655446004  # standard normal 90th percentile


class Spread(msgspec.Struct, frozen=True, kw_only=True):
    """p10/p50/p90 of one latency parameter (the catalog's figures)."""

    p10: float
    p50: float
    p90: float


class LatencyParams(msgspec.Struct, frozen=True, kw_only=True):
    """The three parameters of one model/deployment, as p10/p50/p90."""

    t0_s: Spread
    prefill_s_per_1k: Spread
    decode_tokens_per_s: Spread


class Quantiles(msgspec.Struct, frozen=True, kw_only=True):
    """p10/p50/p90 of a latency, in seconds."""

    p10: float
    p50: float
    p90: float


class LatencyEstimate(msgspec.Struct, frozen=True, kw_only=True):
    """Time to first token and end-to-end latency of one request setup."""

    ttft_s: Quantiles
    e2e_s: Quantiles


def sample_parameter(spread: Spread, z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map standard-normal draws ``z`` onto the split distribution through p10/p50/p90."""
    p10, p50, p90 = spread.p10, spread.p50, spread.p90
    if not (0.0 <= p10 <= p50 <= p90) or not all(map(math.isfinite, (p10, p50, p90))):
        raise InvalidInputError(f"latency percentiles must be finite and ordered: {spread}")
    if p50 == 0.0:
        # Everything at or below the median is 0; above it, a normal through p90.
        return np.where(z > 0.0, z * (p90 / _Z90), 0.0)
    hi = math.log(p90 / p50) / _Z90
    upper = p50 * np.exp(hi * z)
    if p10 > 0.0:
        lo = math.log(p50 / p10) / _Z90
        lower = p50 * np.exp(lo * z)
    else:
        lower = np.maximum(p50 + z * (p50 - p10) / _Z90, 0.0)
    return np.where(z < 0.0, lower, upper)


def estimate_latency(
    params: LatencyParams,
    *,
    prompt_tokens: float,
    cached_prompt_tokens: float,
    output_tokens: float,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
) -> LatencyEstimate:
    """TTFT and E2E p10/p50/p90 of one setup from ``samples`` seeded joint draws."""
    if samples < 1:
        raise InvalidInputError("latency needs at least one sample", field="samples")
    return _estimate(
        params, float(prompt_tokens), float(cached_prompt_tokens), float(output_tokens), seed,
        samples,
    )  # fmt: skip


# The two caches below only remember results of pure functions of their (hashable) arguments:
# the same inputs give the same numbers whether they come from the cache or not.


@functools.lru_cache(maxsize=64)
def _draws(
    params: LatencyParams, seed: int, samples: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The seeded draws of the three parameters (read-only: they are shared)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((3, samples))
    out = (
        sample_parameter(params.t0_s, z[0]),
        sample_parameter(params.prefill_s_per_1k, z[1]),
        sample_parameter(params.decode_tokens_per_s, z[2]),
    )
    for a in out:
        a.flags.writeable = False
    return out


@functools.lru_cache(maxsize=4096)
def _estimate(
    params: LatencyParams,
    prompt_tokens: float,
    cached_prompt_tokens: float,
    output_tokens: float,
    seed: int,
    samples: int,
) -> LatencyEstimate:
    t0, prefill, decode = _draws(params, seed, samples)
    uncached = max(prompt_tokens - min(cached_prompt_tokens, prompt_tokens), 0.0)
    ttft = t0 + prefill * (uncached / 1000.0)
    e2e = ttft + max(output_tokens - 1.0, 0.0) / decode
    qs = (10.0, 50.0, 90.0)
    t = np.percentile(ttft, qs)
    e = np.percentile(e2e, qs)
    return LatencyEstimate(
        ttft_s=Quantiles(p10=float(t[0]), p50=float(t[1]), p90=float(t[2])),
        e2e_s=Quantiles(p10=float(e[0]), p50=float(e[1]), p90=float(e[2])),
    )
