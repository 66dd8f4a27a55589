"""Latency calibration from logged timings: ``t0``, prefill and decode per quantile.

The catalog's latency law (``ftcost.engine.latency``)::

    ttft_s = t0_s + prefill_s_per_1k × uncached_prompt / 1000
    e2e_s  = ttft_s + (output − 1) / decode_tokens_per_s

is fitted to a uniform sample of logged requests (``ftcost.traffic.stats.Sample``) by quantile
regression at the 10th, 50th and 90th percentiles: ``ttft`` on uncached prompt tokens (intercept
``t0``, slope ``prefill``), and the decode time ``e2e − ttft`` on ``output − 1`` through the origin
(slope ``1 / decode``; the slow 90th-percentile slope gives the p10 of ``decode_tokens_per_s``).
Quantile regression minimises the check (pinball) loss, so a few outliers (a retried request, a
cold start) move it little; it is solved by iteratively reweighted least squares. Fit quality:
the pseudo-R² of the median fits (Koenker–Machado: 1 − loss of the fit / loss of the best
constant) and their median absolute errors.
"""

from __future__ import annotations

import math

import msgspec
import numpy as np

__all__ = ["MIN_SAMPLES", "LatencyCalibration", "Triple", "calibrate"]

MIN_SAMPLES = 20
MAX_TOKENS = 10_000_000.0  # rows beyond these are not requests the law describes
MAX_SECONDS = 86_400.0
_QS = (0.1, 0.5, 0.9)
_ITERATIONS = 200
_EPS = 1e-6


class Triple(msgspec.Struct, frozen=True, kw_only=True):
    """p10/p50/p90 of one parameter."""

    p10: float
    p50: float
    p90: float


class LatencyCalibration(msgspec.Struct, frozen=True, kw_only=True):
    """Fitted latency parameters and how well the median law fits."""

    samples: int
    t0_s: Triple
    prefill_s_per_1k: Triple
    decode_tokens_per_s: Triple
    ttft_pseudo_r2: float
    decode_pseudo_r2: float
    ttft_median_abs_error_s: float
    e2e_median_abs_error_s: float
    method: str = (
        "quantile regression (q = 0.1, 0.5, 0.9; iteratively reweighted least squares) of "
        "TTFT on uncached prompt tokens and of decode time on output tokens − 1"
    )


def _check_loss(r: np.ndarray, q: float) -> float:
    return float(np.sum(np.where(r >= 0, q * r, (q - 1.0) * r)))


def quantile_fit(x: np.ndarray, y: np.ndarray, q: float) -> np.ndarray:
    """Coefficients ``b`` minimising the check loss of ``y − x @ b`` (``x``: n × k)."""
    b = np.linalg.lstsq(x, y, rcond=None)[0]
    scale = max(float(np.median(np.abs(y))), 1e-9)
    for _ in range(_ITERATIONS):
        r = y - x @ b
        w = np.where(r >= 0, q, 1.0 - q) / np.maximum(np.abs(r), _EPS * scale)
        xw = x * w[:, None]
        new = np.linalg.solve(x.T @ xw + 1e-12 * np.eye(x.shape[1]), xw.T @ y)
        if np.allclose(new, b, rtol=1e-10, atol=1e-12):
            b = new
            break
        b = new
    return np.asarray(b)


def _pseudo_r2(y: np.ndarray, fitted: np.ndarray) -> float:
    base = _check_loss(y - np.median(y), 0.5)
    if base <= 0:
        return 1.0
    return 1.0 - _check_loss(y - fitted, 0.5) / base


def _ordered(a: float, b: float, c: float) -> Triple:
    lo, mid, hi = sorted((max(0.0, a), max(0.0, b), max(0.0, c)))
    return Triple(p10=lo, p50=mid, p90=hi)


def calibrate(rows: list[tuple[int, float, float, float, float]]) -> LatencyCalibration | None:
    """Fit the law to rows ``(key, uncached_prompt, output, ttft_s, e2e_s)``; None when fewer
    than ``MIN_SAMPLES`` plausible rows (at most ``MAX_TOKENS`` tokens, ``MAX_SECONDS``) have a
    usable decode time, or when the fit does not give finite numbers."""
    data = np.array([r[1:] for r in rows], dtype=np.float64).reshape(-1, 4)
    ok = (data[:, :2] <= MAX_TOKENS).all(axis=1) & (data[:, 2:] <= MAX_SECONDS).all(axis=1)
    try:
        with np.errstate(all="ignore"):
            result = _fit(data[ok])
    except (np.linalg.LinAlgError, ValueError):
        return None
    if result is None or not all(
        math.isfinite(v) for v in msgspec.structs.astuple(result) if isinstance(v, float)
    ):
        return None
    return result


def _fit(data: np.ndarray) -> LatencyCalibration | None:
    if data.shape[0] < MIN_SAMPLES:
        return None
    prompt, output, ttft, e2e = data.T
    x_ttft = np.column_stack([np.ones_like(prompt), prompt / 1000.0])
    ttft_fits = [quantile_fit(x_ttft, ttft, q) for q in _QS]
    keep = (output > 1) & (e2e > ttft)
    if int(np.count_nonzero(keep)) < MIN_SAMPLES:
        return None
    steps = (output[keep] - 1.0).reshape(-1, 1)
    decode_time = e2e[keep] - ttft[keep]
    slopes = [float(quantile_fit(steps, decode_time, q)[0]) for q in _QS]
    speeds = [1.0 / s if s > 0 else 0.0 for s in slopes]
    med_ttft = x_ttft @ ttft_fits[1]
    med_decode = steps[:, 0] * slopes[1]
    e2e_fit = med_ttft + (output - 1.0).clip(min=0) * slopes[1]
    return LatencyCalibration(
        samples=int(data.shape[0]),
        t0_s=_ordered(*(float(b[0]) for b in ttft_fits)),
        prefill_s_per_1k=_ordered(*(float(b[1]) for b in ttft_fits)),
        decode_tokens_per_s=_ordered(speeds[2], speeds[1], speeds[0]),
        ttft_pseudo_r2=_pseudo_r2(ttft, med_ttft),
        decode_pseudo_r2=_pseudo_r2(decode_time, med_decode),
        ttft_median_abs_error_s=float(np.median(np.abs(ttft - med_ttft))),
        e2e_median_abs_error_s=float(np.median(np.abs(e2e - e2e_fit))),
    )
