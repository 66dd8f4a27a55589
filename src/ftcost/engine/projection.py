"""The Projection: the one result shared by the API, the CLI's ``--json`` and the widget.

Keys clients rely on (DESIGN "The shared contract"): ``training.cost_usd``,
``training.tokens``, ``hosting.monthly_usd``, ``per_request.base_usd``,
``per_request.fine_tuned_usd``, ``per_request.savings_usd``, ``latency.base``,
``latency.fine_tuned`` (each ``{ttft_s, e2e_s}`` with ``p10/p50/p90``, or null with
``latency.base_reason`` / ``latency.fine_tuned_reason``), ``monthly.net_savings_usd``,
``break_even.requests_per_month``, ``break_even.payback_months`` (numbers, or null with
``break_even.reason``), ``series`` (one entry per month, 0..horizon), ``warnings``
(``{code, message}``), ``assumptions`` (sentences), ``catalog`` (version, currency, as-of dates)
and ``scenario`` (the scenario as resolved: counted tokens, resolved epochs and model ids).

Money is USD (the catalog's ``currency``) and unrounded; JSON is snake_case. Numbers are never
NaN or infinite: a figure that does not exist is ``null``.

``ftcost.engine.build.build_projection`` fills it in from a resolved scenario; the reason codes
and sentences for a fine-tuning that never pays (``REASON_CODES``, ``reason_text``) are here, as
other results (solve, simulate, inputs) name them too.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Literal

import msgspec

from ftcost.catalog import CatalogInfo
from ftcost.engine import costs
from ftcost.engine.latency import LatencyEstimate
from ftcost.engine.scenario import Scenario

__all__ = [
    "REASON_CODES",
    "BreakEven",
    "Horizon",
    "Hosting",
    "LatencyResult",
    "Monthly",
    "PerRequest",
    "Projection",
    "Provisioning",
    "PtuPlan",
    "ReasonCode",
    "RequestCost",
    "SeriesPoint",
    "StageCost",
    "TrainingCost",
    "WarningItem",
    "finite",
    "reason_text",
]

ReasonCode = Literal[
    "pays",
    "fine_tuned_not_cheaper",
    "savings_below_hosting",
    "retrain_before_payback",
    "retired_before_payback",
    "payback_after_horizon",
]


class _Out(msgspec.Struct, frozen=True, kw_only=True):
    """Immutable result structs."""


class StageCost(_Out, frozen=True, kw_only=True):
    """One training stage of one training event."""

    method: str
    tier: str
    tokens_per_epoch: float
    epochs: float
    epochs_auto: bool
    runs: float
    tokens: float  # billed: tokens_per_epoch × epochs × runs
    rft_hours: float
    training_usd_per_mtok: float | None
    rft_usd_per_hour: float | None
    grader_model: str | None
    grader_usd: float
    cost_usd: float
    capped: bool  # the per-job cap was reached (the cost shown is capped)


class TrainingCost(_Out, frozen=True, kw_only=True):
    """Training cost of one event (all stages and runs) and how often it recurs."""

    cost_usd: float
    tokens: float
    events_in_horizon: int
    retrain_every_months: int | None
    amortised_monthly_usd: float
    stages: list[StageCost]


class Hosting(_Out, frozen=True, kw_only=True):
    """Hourly hosting of the fine-tuned deployments."""

    monthly_usd: float
    deployment_type: str
    count: float
    hours_per_month: float
    usd_per_hour: float


class RequestCost(_Out, frozen=True, kw_only=True):
    """One request of one setup and the prices it is billed at."""

    model: str
    deployment: str
    prompt_tokens: float
    cached_prompt_tokens: float
    output_tokens: float
    input_usd_per_mtok: float
    cached_input_usd_per_mtok: float
    output_usd_per_mtok: float
    usd: float


class PerRequest(_Out, frozen=True, kw_only=True):
    """Per-request cost of the base and fine-tuned setups."""

    base_usd: float
    fine_tuned_usd: float
    savings_usd: float
    savings_percent: float | None
    base: RequestCost
    fine_tuned: RequestCost


class LatencyResult(_Out, frozen=True, kw_only=True):
    """Latency percentiles of both setups (null with a reason when the catalog has none)."""

    base: LatencyEstimate | None
    fine_tuned: LatencyEstimate | None
    base_reason: str | None = None
    fine_tuned_reason: str | None = None
    samples: int
    seed: int


class Monthly(_Out, frozen=True, kw_only=True):
    """Monthly run cost at the scenario's traffic (training not included)."""

    requests: float
    base_usd: float
    fine_tuned_usd: float  # tokens + hosting
    hosting_usd: float
    net_savings_usd: float  # base − fine-tuned
    training_amortised_usd: float
    net_savings_after_training_usd: float


class BreakEven(_Out, frozen=True, kw_only=True):
    """Break-even volume and payback, or null with the reason it never pays."""

    requests_per_month: float | None
    payback_months: float | None
    crossover_month: int | None  # cheaper from this month on, to the end (null with a never)
    first_cheaper_month: int | None  # cheaper at this month end, perhaps not to the end
    pays: bool
    reason_code: ReasonCode
    reason: str | None


class Horizon(_Out, frozen=True, kw_only=True):
    """Cumulative totals at the end of the projection.

    The projection ends at ``end_month``: the horizon (``months``), or earlier when the
    fine-tuned deployment retires first (``end_reason``). The totals equal the last series point.
    """

    months: int
    end_month: float
    end_reason: Literal["horizon", "fine_tuned_retirement"]
    end_date: dt.date | None
    base_usd: float
    fine_tuned_usd: float
    net_savings_usd: float
    training_events: int


class SeriesPoint(_Out, frozen=True, kw_only=True):
    """Cumulative cost at the end of one month (month 0 = the start, after the first training).

    Whole months up to the end; when the projection ends inside a month (a retirement), a last
    point at that fractional month.
    """

    month: float
    base_cumulative_usd: float
    fine_tuned_cumulative_usd: float
    training_event: bool
    crossing: bool = False  # the curves cross since the previous point (either way)


class PtuPlan(_Out, frozen=True, kw_only=True):
    """A provisioned (PTU) deployment: how many PTUs, how they were sized, what they cost.

    ``utilisation`` is the peak's normalized tokens per minute over the PTUs' capacity (null
    when no peak is known); a PTU deployment is billed per PTU-hour, busy or idle.
    """

    deployment: str
    ptus: int
    sized_by: str
    peak_requests_per_minute: float | None
    normalized_tpm: float | None
    input_tpm_per_ptu: float
    output_weight: float
    raw_ptus: float | None
    minimum: int
    increment: int
    utilisation: float | None
    usd_per_ptu_hour: float
    monthly_usd: float


class Provisioning(_Out, frozen=True, kw_only=True):
    """The PTU plans of the base and the fine-tuned setup (null where a setup is not on PTU)."""

    base: PtuPlan | None = None
    fine_tuned: PtuPlan | None = None


class WarningItem(_Out, frozen=True, kw_only=True):
    """Something the reader should know before trusting the figures."""

    code: str
    message: str
    field: str | None = None


class Projection(_Out, frozen=True, kw_only=True):
    """Training, hosting, per-request cost, latency, break-even and the monthly series."""

    headline: str | None  # said first: e.g. a Developer deployment is for evaluation only
    training: TrainingCost
    hosting: Hosting
    per_request: PerRequest
    latency: LatencyResult
    monthly: Monthly
    break_even: BreakEven
    horizon: Horizon
    series: list[SeriesPoint]
    provisioned: Provisioning | None
    warnings: list[WarningItem]
    assumptions: list[str]
    catalog: CatalogInfo
    scenario: Scenario


# ---------------------------------------------------------------------------------------------
# Why fine-tuning never pays (numbers from ``costs.evaluate``)

REASON_CODES: dict[int, ReasonCode] = {
    costs.NeverReason.PAYS: "pays",
    costs.NeverReason.NOT_CHEAPER: "fine_tuned_not_cheaper",
    costs.NeverReason.HOSTING_NOT_COVERED: "savings_below_hosting",
    costs.NeverReason.RETRAIN_BEFORE_PAYBACK: "retrain_before_payback",
    costs.NeverReason.RETIRED_BEFORE_PAYBACK: "retired_before_payback",
    costs.NeverReason.PAYBACK_AFTER_HORIZON: "payback_after_horizon",
}


def finite(x: object) -> float | None:
    """``float(x)``, or None when it is NaN or infinite (JSON never carries those)."""
    f = float(x)  # type: ignore[arg-type]
    return f if math.isfinite(f) else None


def _money(x: float) -> str:
    return f"${x:,.2f}" if abs(x) >= 0.01 or x == 0 else f"${x:.6f}"


def reason_text(
    code: int,
    values: Mapping[str, float],
    o: costs.Outcome,
    months_to_shutdown: float,
    retirement_date: str | None = None,
) -> str | None:
    """A sentence saying why fine-tuning never pays (None when it pays)."""
    c_base = float(o.base_request_usd)
    c_ft = float(o.fine_tuned_request_usd)
    if code == costs.NeverReason.NOT_CHEAPER:
        return (
            f"the fine-tuned request ({_money(c_ft)}) is not cheaper than the base request "
            f"({_money(c_base)}), so savings never repay training"
            + (" and hosting" if float(o.hosting_monthly_usd) > 0 else "")
        )
    if code == costs.NeverReason.HOSTING_NOT_COVERED:
        if values["traffic.requests_per_month"] <= 0:
            return "no traffic (requests_per_month = 0): nothing is saved"
        gross = float(o.monthly_base_usd - o.monthly_fine_tuned_usd + o.hosting_monthly_usd)
        hosting = _money(float(o.hosting_monthly_usd))
        return f"monthly savings ({_money(gross)}) do not cover hosting ({hosting} a month)"
    if code == costs.NeverReason.RETRAIN_BEFORE_PAYBACK:
        return (
            f"training ({_money(float(o.training_usd))}) takes "
            f"{float(o.months_to_repay_training):.1f} months to repay, longer than the "
            f"{values['retrain_every_months']:g}-month retraining interval"
        )
    if code == costs.NeverReason.PAYBACK_AFTER_HORIZON:
        return (
            f"training ({_money(float(o.training_usd))}) takes "
            f"{float(o.months_to_repay_training):.1f} months to repay, longer than the "
            f"{values['horizon_months']:g}-month horizon"
        )
    if code == costs.NeverReason.RETIRED_BEFORE_PAYBACK:
        when = f" on {retirement_date}" if retirement_date else ""
        return (
            f"the fine-tuned deployment retires{when}, {months_to_shutdown:.1f} months after "
            f"the start, before payback at {float(o.months_to_repay_training):.1f} months"
        )
    return None
