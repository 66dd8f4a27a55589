"""Pure, vectorised cost formulas: the numeric core under estimate, solve, sweep and simulate.

``evaluate(values, prices)`` takes every numeric Scenario input by its dotted name
(``ftcost.engine.estimate.NUMERIC_FIELDS``, plus ``training.stages[i].*`` for further stages) and a
``Prices`` struct of catalog figures, and returns an ``Outcome`` of numpy arrays. Any value may
be a scalar or an array; all outputs broadcast together, so a sweep or a Monte-Carlo run is one
call. ``estimate()`` builds its Projection from the same function with 0-d arrays, so the scalar
and the vectorised paths agree by construction.

Formulas (all money in USD, float64, never rounded here; ``/1e6`` turns per-1M prices into
per-token prices):

* per request: ``c = ((prompt − cached) × input + cached × cached_input + output × output) / 1e6``
  with ``cached`` clipped to ``prompt``; base and fine-tuned each on their own prices.
* training, per stage and run: ``tokens_per_epoch × epochs × training_usd_per_mtok / 1e6 +
  rft_hours × rft_usd_per_hour + grader tokens × grader prices / 1e6`` (grader cached tokens are
  part of the grader input tokens, as a request's cached tokens are part of its prompt),
  × ``runs``; stages add up. This is the cost of one *training event*. Azure pauses an RFT job at
  its per-job cap ($5,000 of training + grading) and bills a resumed job on with no cap: the cost
  is not capped, ``stage_capped`` marks a job that pauses (the estimate assumes it is resumed).
* hosting per month: ``deployment.count × deployment.hours_per_month × hosting_usd_per_hour``
  (for a provisioned deployment the hourly rate is PTUs × the PTU-hour price, and its token
  prices are 0).
* monthly: base ``V × c_base + base_fixed`` (``base_fixed_monthly_usd``: a provisioned base
  deployment's PTU-hours, else 0); fine-tuned ``V × c_ft + hosting``; net savings = their
  difference (before training).
* the projection **ends** at ``E = min(H, months_to_shutdown)``: the horizon H, or the fine-tuned
  deployment's retirement when that comes first. Traffic, tokens and hosting accrue pro rata up
  to E and not after.
* training is paid up front (month 0) and again every ``retrain_every_months`` (R) months, at the
  start of months R + 1, 2R + 1, … before E and before ``months_to_training_end`` (T, the training
  retirement that applies to the customer): a retraining at or after either does not happen.
  ``R = 0`` means never again. Trainings in the projection: ``n = ceil(min(E, T) / R)`` (1 when
  never retrained). Training is amortised over ``R`` when retrained inside the projection, else
  over E: ``R = 0`` and ``R ≥ E`` are the same case (one training), with the same rules.
* break-even volume ``V* = max(0, hosting − base_fixed + training / R) / (c_base − c_ft)`` (NaN
  when ``c_base ≤ c_ft``); payback months ``= training / (V × (c_base − c_ft) − hosting +
  base_fixed)``.
* ``never_reason`` (``NeverReason`` codes): 0 pays; 1 the fine-tuned request is not cheaper;
  2 savings never cover hosting; 3 each retraining comes before the last one has paid back;
  4 the fine-tuned deployment retires (``Prices.months_to_shutdown``) before payback; 5 payback
  comes after the end of the projection (the horizon): fine-tuning pays only within it.
  ``payback_months`` is NaN unless the code is 0; ``months_to_repay_training`` keeps the raw
  figure (``inf`` when the monthly net savings are not positive).
* ``crossover_month``: the first whole month m ≥ 1 from whose end on the cumulative fine-tuned
  cost (training events included) stays at or below the cumulative base cost to the end E; NaN
  when fine-tuning never pays or is not cheaper by then. Cumulative costs: base
  ``m × V × c_base``; fine-tuned ``m × (V × c_ft + hosting) + training × n(m)`` with
  ``n(m) = min(floor((m − 1) / R) + 1, n)`` trainings (``n(0) = 1``). Each retraining lowers the
  difference; it stays non-negative after the event of cycle k when ``(k + 1) × payback ≤ kR + 1``,
  a condition that, once true, holds for every later cycle (payback ≤ R).
* ``first_cheaper_month``: the first whole month at whose end fine-tuning is at or below the base
  cost, whether or not a later retraining makes it dearer again (NaN when never within E).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import msgspec
import numpy as np
from numpy.typing import NDArray

from ftcost.engine.latency import LatencyParams
from ftcost.errors import InvalidInputError

__all__ = [
    "Array",
    "NeverReason",
    "Outcome",
    "Prices",
    "StagePrices",
    "cumulative_series",
    "evaluate",
    "request_cost",
    "stage_cost",
    "stage_prefix",
]

Array: TypeAlias = NDArray[np.float64]
Value: TypeAlias = "float | int | np.ndarray | np.floating | np.integer"

# Relative tolerance for the month comparisons (payback vs retraining interval, crossover).
_REL_TOL = 1e-9


class NeverReason(enum.IntEnum):
    """Why fine-tuning never pays (the ``never_reason`` array holds these codes)."""

    PAYS = 0
    NOT_CHEAPER = 1
    HOSTING_NOT_COVERED = 2
    RETRAIN_BEFORE_PAYBACK = 3
    RETIRED_BEFORE_PAYBACK = 4
    PAYBACK_AFTER_HORIZON = 5


class StagePrices(msgspec.Struct, frozen=True, kw_only=True):
    """Prices of one training stage; a token-billed stage has ``rft_usd_per_hour = 0``."""

    method: str
    training_usd_per_mtok: float = 0.0
    rft_usd_per_hour: float = 0.0
    grader_input_usd_per_mtok: float = 0.0
    grader_cached_input_usd_per_mtok: float = 0.0
    grader_output_usd_per_mtok: float = 0.0
    job_cap_usd: float = math.inf


class Prices(msgspec.Struct, frozen=True, kw_only=True):
    """Every catalog figure ``evaluate`` needs, already looked up (plain floats).

    ``training[0]`` prices the ``training.*`` fields, ``training[i]`` (i ≥ 1) the fields of
    ``training.stages[i - 1]``. ``months_to_shutdown`` is the fine-tuned deployment's retirement
    and ``months_to_training_end`` the training retirement that applies to the customer, both
    counted from ``start_date`` (``inf`` when unknown). The latency parameters are ``None`` when
    the catalog has none for that model.
    """

    training: tuple[StagePrices, ...]
    hosting_usd_per_hour: float
    base_input_usd_per_mtok: float
    base_cached_input_usd_per_mtok: float
    base_output_usd_per_mtok: float
    fine_tuned_input_usd_per_mtok: float
    fine_tuned_cached_input_usd_per_mtok: float
    fine_tuned_output_usd_per_mtok: float
    months_to_shutdown: float = math.inf
    months_to_training_end: float = math.inf
    base_fixed_monthly_usd: float = 0.0
    base_latency: LatencyParams | None = None
    fine_tuned_latency: LatencyParams | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Results of ``evaluate``; every field is a float64 array of the broadcast shape."""

    training_usd: Array  # one training event: all stages and runs, caps applied
    training_tokens: Array  # billed training tokens of one event (tokens × epochs × runs)
    training_capped: NDArray[np.bool_]  # some stage hit its per-job cap
    hosting_monthly_usd: Array
    base_request_usd: Array
    fine_tuned_request_usd: Array
    savings_per_request_usd: Array
    monthly_base_usd: Array
    monthly_fine_tuned_usd: Array  # incl. hosting
    monthly_net_savings_usd: Array  # base − fine-tuned, before training
    training_amortised_monthly_usd: Array
    breakeven_requests_per_month: Array  # NaN when c_base ≤ c_ft
    months_to_repay_training: Array  # training / monthly net savings; inf when never
    payback_months: Array  # NaN unless never_reason == 0
    trainings_in_horizon: Array
    end_month: Array  # min(horizon, months_to_shutdown): where the projection stops
    horizon_base_usd: Array
    horizon_fine_tuned_usd: Array
    horizon_net_savings_usd: Array  # cumulative base − fine-tuned at the end of the horizon
    crossover_month: Array  # NaN unless fine-tuning stays cheaper from that month to the end
    first_cheaper_month: Array  # NaN when fine-tuning is never cheaper at a month end
    never_reason: NDArray[np.int8]
    # Per training stage, on a last axis of length len(prices.training): as ``stage_cost``.
    stage_usd: Array  # USD of all runs of the stage, caps applied
    stage_capped: NDArray[np.bool_]
    stage_tokens: Array


def stage_prefix(index: int) -> str:
    """The value-name prefix of training stage ``index`` (0 = ``training``)."""
    return "training" if index == 0 else f"training.stages[{index - 1}]"


STAGE_FIELDS: tuple[str, ...] = (
    "tokens_per_epoch",
    "epochs",
    "runs",
    "rft_hours",
    "grader.input_tokens",
    "grader.cached_input_tokens",
    "grader.output_tokens",
)


def request_cost(
    prompt: Value,
    cached: Value,
    output: Value,
    input_usd_per_mtok: float,
    cached_input_usd_per_mtok: float,
    output_usd_per_mtok: float,
) -> Array:
    """USD of one request; cached tokens are clipped to the prompt."""
    p = np.asarray(prompt, dtype=np.float64)
    c = np.minimum(np.asarray(cached, dtype=np.float64), p)
    o = np.asarray(output, dtype=np.float64)
    return (
        (p - c) * input_usd_per_mtok + c * cached_input_usd_per_mtok + o * output_usd_per_mtok
    ) / 1e6


def _getter(values: Mapping[str, Value]) -> Callable[[str], Array]:
    def v(name: str) -> Array:
        try:
            return np.asarray(values[name], dtype=np.float64)
        except KeyError:
            raise InvalidInputError(f"missing numeric input {name!r}", field=name) from None

    return v


def stage_cost(
    values: Mapping[str, Value], index: int, sp: StagePrices
) -> tuple[Array, NDArray[np.bool_], Array]:
    """One stage of one training event: (USD for all runs, cap reached, billed tokens)."""
    v = _getter(values)
    pre = stage_prefix(index)
    file_tokens = v(f"{pre}.tokens_per_epoch") * v(f"{pre}.epochs")
    grader_in = v(f"{pre}.grader.input_tokens")
    grader_cached = np.minimum(v(f"{pre}.grader.cached_input_tokens"), grader_in)
    per_job = (
        file_tokens * sp.training_usd_per_mtok
        + (grader_in - grader_cached) * sp.grader_input_usd_per_mtok
        + grader_cached * sp.grader_cached_input_usd_per_mtok
        + v(f"{pre}.grader.output_tokens") * sp.grader_output_usd_per_mtok
    ) / 1e6 + v(f"{pre}.rft_hours") * sp.rft_usd_per_hour
    runs = v(f"{pre}.runs")
    capped = (per_job > sp.job_cap_usd) & (runs > 0)  # the job pauses at the cap; resumed
    return per_job * runs, capped, file_tokens * runs


def evaluate(values: Mapping[str, Value], prices: Prices) -> Outcome:
    """Every cost figure for ``values`` (scalars or broadcastable arrays) at ``prices``."""
    v = _getter(values)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        volume = v("traffic.requests_per_month")
        c_base = request_cost(
            v("base.prompt_tokens"),
            v("base.cached_prompt_tokens"),
            v("base.output_tokens"),
            prices.base_input_usd_per_mtok,
            prices.base_cached_input_usd_per_mtok,
            prices.base_output_usd_per_mtok,
        )
        c_ft = request_cost(
            v("fine_tuned.prompt_tokens"),
            v("fine_tuned.cached_prompt_tokens"),
            v("fine_tuned.output_tokens"),
            prices.fine_tuned_input_usd_per_mtok,
            prices.fine_tuned_cached_input_usd_per_mtok,
            prices.fine_tuned_output_usd_per_mtok,
        )
        training = np.float64(0.0) * volume
        tokens = np.float64(0.0) * volume
        capped: NDArray[np.bool_] = np.zeros(np.shape(volume), dtype=np.bool_)
        per_stage = tuple(stage_cost(values, i, sp) for i, sp in enumerate(prices.training))
        for stage_usd, stage_capped, stage_tokens in per_stage:
            training = training + stage_usd
            tokens = tokens + stage_tokens
            capped = capped | stage_capped

        hosting = (
            v("deployment.count") * v("deployment.hours_per_month") * prices.hosting_usd_per_hour
        )
        retrain = v("retrain_every_months")
        horizon = v("horizon_months")
        end = np.minimum(horizon, prices.months_to_shutdown)
        last_training = np.minimum(end, prices.months_to_training_end)
        trainings = np.where(
            retrain > 0,
            np.maximum(1.0, np.ceil(last_training / np.where(retrain > 0, retrain, 1))),
            1.0,
        )

        saving = c_base - c_ft
        fixed = prices.base_fixed_monthly_usd
        monthly_base = volume * c_base + fixed
        monthly_ft = volume * c_ft + hosting
        # V × (c_base − c_ft) − hosting: the same as monthly_base − monthly_ft, without the
        # cancellation of two large bills (at 1e12 requests it would swallow the hosting fee).
        net = volume * saving - hosting + fixed
        period = np.where((retrain > 0) & (retrain < end), retrain, end)
        amortised = training / period
        breakeven = np.where(
            saving > 0,
            np.maximum(hosting - fixed + amortised, 0.0) / np.where(saving > 0, saving, 1),
            np.nan,
        )
        repay = np.where(net > 0, training / np.where(net > 0, net, 1), np.inf)

        slack = 1.0 + _REL_TOL
        reason = np.where(
            (saving <= 0) & (net <= 0),
            NeverReason.NOT_CHEAPER,
            np.where(
                net <= 0,
                NeverReason.HOSTING_NOT_COVERED,
                np.where(
                    (retrain > 0) & (trainings > 1) & (repay > retrain * slack),
                    NeverReason.RETRAIN_BEFORE_PAYBACK,
                    np.where(
                        repay > prices.months_to_shutdown * slack,
                        NeverReason.RETIRED_BEFORE_PAYBACK,
                        np.where(
                            repay > horizon * slack,
                            NeverReason.PAYBACK_AFTER_HORIZON,
                            NeverReason.PAYS,
                        ),
                    ),
                ),
            ),
        ).astype(np.int8)
        payback = np.where(reason == NeverReason.PAYS, repay, np.nan)

        horizon_base = monthly_base * end
        horizon_ft = monthly_ft * end + training * trainings
        crossover, first_cheaper = _crossings(repay, retrain, trainings, end, reason)

    shape = np.broadcast_shapes(
        np.shape(training),
        np.shape(hosting),
        np.shape(c_base),
        np.shape(c_ft),
        np.shape(horizon),
        np.shape(retrain),
        np.shape(volume),
    )

    def out(a: Array) -> Array:
        arr = np.asarray(a, dtype=np.float64)
        if arr.shape == shape:  # the common case (and every scalar estimate): no broadcast
            return arr.copy()
        return np.broadcast_to(arr, shape).copy()

    return Outcome(
        training_usd=out(training),
        training_tokens=out(tokens),
        training_capped=capped.copy()
        if capped.shape == shape
        else np.broadcast_to(capped, shape).copy(),
        hosting_monthly_usd=out(hosting),
        base_request_usd=out(c_base),
        fine_tuned_request_usd=out(c_ft),
        savings_per_request_usd=out(saving),
        monthly_base_usd=out(monthly_base),
        monthly_fine_tuned_usd=out(monthly_ft),
        monthly_net_savings_usd=out(net),
        training_amortised_monthly_usd=out(amortised),
        breakeven_requests_per_month=out(breakeven),
        months_to_repay_training=out(repay),
        payback_months=out(payback),
        trainings_in_horizon=out(trainings),
        horizon_base_usd=out(horizon_base),
        horizon_fine_tuned_usd=out(horizon_ft),
        end_month=out(end),
        horizon_net_savings_usd=out(net * end - training * trainings),
        crossover_month=out(crossover),
        first_cheaper_month=out(first_cheaper),
        never_reason=(reason if reason.shape == shape else np.broadcast_to(reason, shape)).astype(
            np.int8
        ),
        stage_usd=_stack([out(usd) for usd, _, _ in per_stage], shape),
        stage_capped=_stack([np.broadcast_to(c, shape) for _, c, _ in per_stage], shape, np.bool_),
        stage_tokens=_stack([out(tok) for _, _, tok in per_stage], shape),
    )


def _crossings(
    repay: Array, retrain: Array, trainings: Array, end: Array, reason: NDArray[np.int8]
) -> tuple[Array, Array]:
    """(crossover month, first cheaper month): see the module doc for the rule."""
    slack = 1.0 + _REL_TOL
    r = np.where(retrain > 0, retrain, 0.0)
    gap = r - repay
    need = 2.0 * repay - r - 1.0
    k0 = np.where(
        (retrain <= 0) | (need <= 0),
        0.0,
        np.where(gap > 0, np.ceil(need / np.where(gap > 0, gap, 1.0)), trainings - 1.0),
    )
    k0 = np.clip(k0, 0.0, np.maximum(trainings - 1.0, 0.0))
    stable = np.maximum(1.0, np.ceil((k0 + 1.0) * repay * (1.0 - _REL_TOL)))
    pays = reason == NeverReason.PAYS
    crossover = np.where(pays & (stable <= end * slack), stable, np.nan)
    first = np.maximum(1.0, np.ceil(repay * (1.0 - _REL_TOL)))
    first_cheaper = np.where(np.isfinite(repay) & (first <= end * slack), first, np.nan)
    return crossover, first_cheaper


def _stack(arrays: list[Any], shape: tuple[int, ...], dtype: Any = np.float64) -> Any:
    """Per-stage arrays of ``shape`` stacked on a new last axis (empty when no stage)."""
    if not arrays:
        return np.zeros((*shape, 0), dtype=dtype)
    return np.stack(arrays, axis=-1).astype(dtype, copy=False)


def cumulative_series(
    outcome: Outcome, retrain_every_months: Value, months: int
) -> tuple[Array, Array, NDArray[np.bool_], Array]:
    """Cumulative base and fine-tuned cost at the end of months 0..``months`` (last axis).

    Month 0 is the start: base 0, fine-tuned = the first training. Trainings are paid at the
    start of months 1, R + 1, 2R + 1, … up to the ``trainings_in_horizon`` of the outcome; the
    third array marks the points whose cumulative cost includes a new training (0, R + 1, …).
    ``months`` is the whole months before the end; when the end (``end_month``) is not a whole
    month, a last point at the end follows. The fourth array holds the month of each point.
    """
    end = float(np.max(outcome.end_month)) if np.size(outcome.end_month) else float(months)
    whole = min(months, math.floor(end + _REL_TOL))
    points = [float(m) for m in range(whole + 1)]
    if end - whole > _REL_TOL:
        points.append(end)
    m = np.asarray(points, dtype=np.float64)
    r = np.asarray(retrain_every_months, dtype=np.float64)[..., None]
    total = np.asarray(outcome.trainings_in_horizon, dtype=np.float64)[..., None]
    base = outcome.monthly_base_usd[..., None] * m
    with np.errstate(divide="ignore", invalid="ignore"):
        due = np.where(m >= 1, np.ceil(m - _REL_TOL) - 1, 0.0)  # months begun before this point
        n = np.where((r > 0) & (m >= 1), np.floor(due / np.where(r > 0, r, 1)) + 1, 1.0)
        n = np.minimum(n, total)
        later = (m > 1) & (r > 0) & (np.mod(due, np.where(r > 0, r, 1)) == 0)
        later = later & (np.floor(due / np.where(r > 0, r, 1)) + 1 <= total)
        event = (m == 0) | later
    ft = outcome.monthly_fine_tuned_usd[..., None] * m + outcome.training_usd[..., None] * n
    shape = np.broadcast_shapes(base.shape, ft.shape)
    return (
        np.broadcast_to(base, shape).copy(),
        np.broadcast_to(ft, shape).copy(),
        np.broadcast_to(event, shape).copy(),
        m,
    )
