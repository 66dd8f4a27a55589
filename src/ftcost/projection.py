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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

import msgspec

from ftcost import costs
from ftcost.catalog import CatalogInfo
from ftcost.latency import LatencyEstimate, estimate_latency
from ftcost.scenario import Scenario

if TYPE_CHECKING:
    from ftcost.estimate import Resolved

__all__ = [
    "REASON_CODES",
    "BreakEven",
    "Horizon",
    "Hosting",
    "LatencyResult",
    "Monthly",
    "PerRequest",
    "Projection",
    "ReasonCode",
    "RequestCost",
    "SeriesPoint",
    "StageCost",
    "TrainingCost",
    "WarningItem",
    "build_projection",
    "finite",
    "reason_text",
    "value_warnings",
]

ReasonCode = Literal[
    "pays",
    "fine_tuned_not_cheaper",
    "savings_below_hosting",
    "retrain_before_payback",
    "shutdown_before_payback",
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
    crossover_month: int | None
    pays: bool
    reason_code: ReasonCode
    reason: str | None


class Horizon(_Out, frozen=True, kw_only=True):
    """Cumulative totals at the end of the horizon."""

    months: int
    base_usd: float
    fine_tuned_usd: float
    net_savings_usd: float
    training_events: int


class SeriesPoint(_Out, frozen=True, kw_only=True):
    """Cumulative cost at the end of one month (month 0 = the start, after the first training)."""

    month: int
    base_cumulative_usd: float
    fine_tuned_cumulative_usd: float
    training_event: bool


class WarningItem(_Out, frozen=True, kw_only=True):
    """Something the reader should know before trusting the figures."""

    code: str
    message: str
    field: str | None = None


class Projection(_Out, frozen=True, kw_only=True):
    """Training, hosting, per-request cost, latency, break-even and the monthly series."""

    training: TrainingCost
    hosting: Hosting
    per_request: PerRequest
    latency: LatencyResult
    monthly: Monthly
    break_even: BreakEven
    horizon: Horizon
    series: list[SeriesPoint]
    warnings: list[WarningItem]
    assumptions: list[str]
    catalog: CatalogInfo
    scenario: Scenario


# ---------------------------------------------------------------------------------------------
# Building a Projection from a resolved scenario (numbers from ``costs.evaluate``)

REASON_CODES: dict[int, ReasonCode] = {
    costs.NeverReason.PAYS: "pays",
    costs.NeverReason.NOT_CHEAPER: "fine_tuned_not_cheaper",
    costs.NeverReason.HOSTING_NOT_COVERED: "savings_below_hosting",
    costs.NeverReason.RETRAIN_BEFORE_PAYBACK: "retrain_before_payback",
    costs.NeverReason.SHUTDOWN_BEFORE_PAYBACK: "shutdown_before_payback",
}


def finite(x: object) -> float | None:
    """``float(x)``, or None when it is NaN or infinite (JSON never carries those)."""
    f = float(x)  # type: ignore[arg-type]
    return f if math.isfinite(f) else None


def _money(x: float) -> str:
    return f"${x:,.2f}" if abs(x) >= 0.01 or x == 0 else f"${x:.6f}"


def reason_text(
    code: int, values: Mapping[str, float], o: costs.Outcome, r: Resolved
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
    if code == costs.NeverReason.SHUTDOWN_BEFORE_PAYBACK:
        return (
            f"the fine-tuned model shuts down {r.prices.months_to_shutdown:.1f} months after "
            f"the start, before payback at {float(o.months_to_repay_training):.1f} months"
        )
    return None


def _latency(r: Resolved, seed: int, samples: int) -> LatencyResult:
    v = r.values
    out: dict[str, LatencyEstimate | None] = {}
    why: dict[str, str | None] = {}
    for role, params, use in (
        ("base", r.prices.base_latency, r.base),
        ("fine_tuned", r.prices.fine_tuned_latency, r.fine_tuned),
    ):
        if params is None:
            out[role] = None
            why[role] = f"the catalog has no latency figures for {use.id}"
            continue
        out[role] = estimate_latency(
            params,
            prompt_tokens=v[f"{role}.prompt_tokens"],
            cached_prompt_tokens=v[f"{role}.cached_prompt_tokens"],
            output_tokens=v[f"{role}.output_tokens"],
            seed=seed,
            samples=samples,
        )
        why[role] = None
    return LatencyResult(
        base=out["base"],
        fine_tuned=out["fine_tuned"],
        base_reason=why["base"],
        fine_tuned_reason=why["fine_tuned"],
        samples=samples,
        seed=seed,
    )


def build_projection(r: Resolved, *, seed: int, samples: int) -> Projection:
    """The Projection of a resolved scenario; every number comes from ``costs.evaluate``."""
    v = r.values
    o = costs.evaluate(v, r.prices)
    p = r.prices
    horizon = int(v["horizon_months"])
    retrain = int(v["retrain_every_months"])

    stages = []
    for i, (info, sp) in enumerate(zip(r.stages, p.training, strict=True)):
        pre = costs.stage_prefix(i)
        usd, capped, tokens = o.stage_usd[..., i], o.stage_capped[..., i], o.stage_tokens[..., i]
        grader_usd = (
            (
                v[f"{pre}.grader.input_tokens"] * sp.grader_input_usd_per_mtok
                + v[f"{pre}.grader.cached_input_tokens"] * sp.grader_cached_input_usd_per_mtok
                + v[f"{pre}.grader.output_tokens"] * sp.grader_output_usd_per_mtok
            )
            / 1e6
            * v[f"{pre}.runs"]
        )
        rft = info.method == "rft"
        stages.append(
            StageCost(
                method=info.method,
                tier=info.tier,
                tokens_per_epoch=v[f"{pre}.tokens_per_epoch"],
                epochs=v[f"{pre}.epochs"],
                epochs_auto=info.epochs_auto,
                runs=v[f"{pre}.runs"],
                tokens=float(tokens),
                rft_hours=v[f"{pre}.rft_hours"],
                training_usd_per_mtok=None if rft else sp.training_usd_per_mtok,
                rft_usd_per_hour=sp.rft_usd_per_hour if rft else None,
                grader_model=info.grader_model,
                grader_usd=grader_usd,
                cost_usd=float(usd),
                capped=bool(capped),
            )
        )

    def req(role: str, use: object, prices: tuple[float, float, float], usd: float) -> RequestCost:
        return RequestCost(
            model=use.id,  # type: ignore[attr-defined]
            deployment=use.deployment,  # type: ignore[attr-defined]
            prompt_tokens=v[f"{role}.prompt_tokens"],
            cached_prompt_tokens=v[f"{role}.cached_prompt_tokens"],
            output_tokens=v[f"{role}.output_tokens"],
            input_usd_per_mtok=prices[0],
            cached_input_usd_per_mtok=prices[1],
            output_usd_per_mtok=prices[2],
            usd=usd,
        )

    c_base = float(o.base_request_usd)
    c_ft = float(o.fine_tuned_request_usd)
    code = int(o.never_reason)
    base_cum, ft_cum, events = costs.cumulative_series(o, v["retrain_every_months"], horizon)
    series = [
        SeriesPoint(
            month=m,
            base_cumulative_usd=float(base_cum[m]),
            fine_tuned_cumulative_usd=float(ft_cum[m]),
            training_event=bool(events[m]),
        )
        for m in range(horizon + 1)
    ]
    crossover = finite(o.crossover_month)
    warnings = [*r.warnings, *value_warnings(r, v, o)]
    return Projection(
        training=TrainingCost(
            cost_usd=float(o.training_usd),
            tokens=float(o.training_tokens),
            events_in_horizon=int(o.trainings_in_horizon),
            retrain_every_months=retrain or None,
            amortised_monthly_usd=float(o.training_amortised_monthly_usd),
            stages=stages,
        ),
        hosting=Hosting(
            monthly_usd=float(o.hosting_monthly_usd),
            deployment_type=r.deployment_type,
            count=v["deployment.count"],
            hours_per_month=v["deployment.hours_per_month"],
            usd_per_hour=p.hosting_usd_per_hour,
        ),
        per_request=PerRequest(
            base_usd=c_base,
            fine_tuned_usd=c_ft,
            savings_usd=float(o.savings_per_request_usd),
            savings_percent=(100.0 * (c_base - c_ft) / c_base) if c_base > 0 else None,
            base=req(
                "base",
                r.base,
                (
                    p.base_input_usd_per_mtok,
                    p.base_cached_input_usd_per_mtok,
                    p.base_output_usd_per_mtok,
                ),
                c_base,
            ),
            fine_tuned=req(
                "fine_tuned",
                r.fine_tuned,
                (
                    p.fine_tuned_input_usd_per_mtok,
                    p.fine_tuned_cached_input_usd_per_mtok,
                    p.fine_tuned_output_usd_per_mtok,
                ),
                c_ft,
            ),
        ),
        latency=_latency(r, seed, samples),
        monthly=Monthly(
            requests=v["traffic.requests_per_month"],
            base_usd=float(o.monthly_base_usd),
            fine_tuned_usd=float(o.monthly_fine_tuned_usd),
            hosting_usd=float(o.hosting_monthly_usd),
            net_savings_usd=float(o.monthly_net_savings_usd),
            training_amortised_usd=float(o.training_amortised_monthly_usd),
            net_savings_after_training_usd=float(
                o.monthly_net_savings_usd - o.training_amortised_monthly_usd
            ),
        ),
        break_even=BreakEven(
            requests_per_month=finite(o.breakeven_requests_per_month),
            payback_months=finite(o.payback_months),
            crossover_month=int(crossover) if crossover is not None else None,
            pays=code == costs.NeverReason.PAYS,
            reason_code=REASON_CODES[code],
            reason=reason_text(code, v, o, r),
        ),
        horizon=Horizon(
            months=horizon,
            base_usd=float(o.horizon_base_usd),
            fine_tuned_usd=float(o.horizon_fine_tuned_usd),
            net_savings_usd=float(o.horizon_net_savings_usd),
            training_events=int(o.trainings_in_horizon),
        ),
        series=series,
        warnings=warnings,
        assumptions=[
            *r.assumptions,
            f"Latency percentiles come from {samples} seeded samples (seed {seed}) of t0, "
            "prefill and decode, each a split lognormal through the catalog's p10/p50/p90; "
            "base and fine-tuned use the same draws.",
        ],
        catalog=r.catalog,
        scenario=r.scenario,
    )


def value_warnings(
    resolved: Resolved, values: Mapping[str, float], outcome: costs.Outcome
) -> list[WarningItem]:
    """Warnings that depend on the numbers (scalar ``values`` and their ``outcome``)."""
    out: list[WarningItem] = []
    v = values
    requests = float(v["traffic.requests_per_month"])
    if requests > 0 and "developer" in (resolved.deployment_type, resolved.fine_tuned.deployment):
        out.append(
            WarningItem(
                code="developer_deployment",
                field="deployment.type",
                message=(
                    "a developer deployment serves production traffic: it is removed after "
                    "24 hours (redeploy daily), has no SLA and no data residency"
                ),
            )
        )
    count = float(v["deployment.count"])
    if (
        resolved.provider == "azure"
        and count > 0
        and resolved.deployment_type != "developer"
        and requests / count < 2.0
    ):
        out.append(
            WarningItem(
                code="idle_deployment",
                field="traffic.requests_per_month",
                message=(
                    f"{requests:g} requests a month over {count:g} deployment(s): a deployment "
                    "with no calls for 15 days is deleted (Azure), yet billed hourly until then"
                ),
            )
        )
    for i, st in enumerate(resolved.stages):
        pre = costs.stage_prefix(i)
        per_job = float(v[f"{pre}.tokens_per_epoch"]) * float(v[f"{pre}.epochs"])
        if st.job_tokens_limit is not None and per_job > st.job_tokens_limit:
            out.append(
                WarningItem(
                    code="job_token_limit",
                    field=f"{pre}.tokens_per_epoch",
                    message=(
                        f"{pre}: {per_job:,.0f} training tokens per job (file × epochs) exceed "
                        f"the {st.job_tokens_limit:,.0f}-token job limit; split the job"
                    ),
                )
            )
        if (
            st.min_examples is not None
            and st.examples is not None
            and st.examples < st.min_examples
        ):
            out.append(
                WarningItem(
                    code="too_few_examples",
                    field=f"{pre}.examples",
                    message=f"{pre}: {st.examples:g} examples; jobs need at least "
                    f"{st.min_examples:g}",
                )
            )
        capped = outcome.stage_capped[..., i]
        if bool(capped):
            cap = resolved.prices.training[i].job_cap_usd
            out.append(
                WarningItem(
                    code="rft_job_cap",
                    field=f"{pre}.rft_hours",
                    message=(
                        f"{pre}: an RFT job reaches the ${cap:,.0f} per-job cap (training + "
                        "grading); it pauses there with a deployable checkpoint, and resuming "
                        "bills on with no cap. Costs shown are capped."
                    ),
                )
            )
    return out
