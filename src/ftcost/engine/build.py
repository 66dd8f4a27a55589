"""Build the Projection of a resolved scenario from the numbers ``costs.evaluate`` returns.

``build_projection`` turns one evaluation into the result Structs of ``ftcost.engine.projection``
(training stages, per-request prices, latency percentiles, break-even, the monthly series);
``value_warnings`` gives the warnings that depend on the numbers (developer deployment with
traffic, idle deployment, job token limit, too few examples, RFT cap).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ftcost.engine import costs
from ftcost.engine.latency import LatencyEstimate, estimate_latency
from ftcost.engine.projection import (
    REASON_CODES,
    BreakEven,
    Horizon,
    Hosting,
    LatencyResult,
    Monthly,
    PerRequest,
    Projection,
    RequestCost,
    SeriesPoint,
    StageCost,
    TrainingCost,
    WarningItem,
    finite,
    reason_text,
)

if TYPE_CHECKING:
    from ftcost.engine.resolve import Resolved

__all__ = ["build_projection", "value_warnings"]


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
    base_cum, ft_cum, events, months = costs.cumulative_series(
        o, v["retrain_every_months"], horizon
    )
    cheaper = [float(ft_cum[i]) <= float(base_cum[i]) for i in range(len(months))]
    series = [
        SeriesPoint(
            month=int(m) if float(m).is_integer() else float(m),
            base_cumulative_usd=float(base_cum[i]),
            fine_tuned_cumulative_usd=float(ft_cum[i]),
            training_event=bool(events[i]),
            crossing=i > 0 and cheaper[i] != cheaper[i - 1],
        )
        for i, m in enumerate(months)
    ]
    crossover = finite(o.crossover_month)
    first_cheaper = finite(o.first_cheaper_month)
    end = float(o.end_month)
    retired = end < horizon
    warnings = [*r.warnings, *value_warnings(r, v, o)]
    warnings += _cycle_warnings(series, crossover, first_cheaper)
    plans = r.provisioned
    return Projection(
        headline=r.headline,
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
            first_cheaper_month=int(first_cheaper) if first_cheaper is not None else None,
            pays=code == costs.NeverReason.PAYS,
            reason_code=REASON_CODES[code],
            reason=reason_text(
                code,
                v,
                o,
                r.prices.months_to_shutdown,
                r.retirement_date.isoformat() if r.retirement_date else None,
            ),
        ),
        horizon=Horizon(
            months=horizon,
            end_month=end,
            end_reason="fine_tuned_retirement" if retired else "horizon",
            end_date=r.retirement_date if retired else None,
            base_usd=float(o.horizon_base_usd),
            fine_tuned_usd=float(o.horizon_fine_tuned_usd),
            net_savings_usd=float(o.horizon_net_savings_usd),
            training_events=int(o.trainings_in_horizon),
        ),
        series=series,
        provisioned=plans if plans.base is not None or plans.fine_tuned is not None else None,
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


def _cycle_warnings(
    series: list[SeriesPoint], crossover: float | None, first_cheaper: float | None
) -> list[WarningItem]:
    """A warning when the curves cross back: cheaper only part of each retraining cycle."""
    crossings = [p.month for p in series if p.crossing]
    if first_cheaper is None or len(crossings) <= 1:
        return []
    months = ", ".join(f"{m:g}" for m in crossings[:8])
    tail = (
        f"it stays cheaper from month {crossover:g} on"
        if crossover is not None
        else "it is not cheaper at the end of the projection"
    )
    return [
        WarningItem(
            code="cheaper_part_of_cycle",
            field="retrain_every_months",
            message=(
                f"fine-tuning is cheaper only part of each retraining cycle: the curves cross "
                f"in months {months} (each retraining makes it dearer again); {tail}"
            ),
        )
    ]


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
        capped = outcome.stage_capped[..., i]
        if bool(capped):
            cap = resolved.prices.training[i].job_cap_usd
            out.append(
                WarningItem(
                    code="rft_job_cap",
                    field=f"{pre}.rft_hours",
                    message=(
                        f"{pre}: an RFT job reaches the ${cap:,.0f} per-job cap (training + "
                        "grading); Azure pauses it there with a deployable checkpoint, and a "
                        "resumed job bills on with no further cap. The cost shown assumes you "
                        "resume (the full hours are billed)."
                    ),
                )
            )
    return out
