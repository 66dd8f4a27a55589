"""Training stages of a scenario resolved against the catalog.

``resolve_stage`` checks one stage's method and tier against the model, looks up its training
(or RFT hourly and grader token) prices, turns epochs ``"auto"`` into a number (``auto_epochs``)
and returns its prices, labels (``StageInfo``) and numeric values. ``token_prices`` (input,
cached-input and output prices of one model and deployment) serves the grader here and the base
and fine-tuned setups in ``ftcost.engine.estimate``.
"""

from __future__ import annotations

import math

import msgspec

from ftcost.catalog import (
    Catalog,
    IntFigure,
    ModelEntry,
    ResolvedModel,
    Tier,
    Variant,
    find_price,
    resolve_model,
)
from ftcost.engine import costs
from ftcost.engine.notes import Notes
from ftcost.engine.scenario import Scenario, Stage, Training
from ftcost.errors import InvalidInputError, PriceUnavailableError

__all__ = ["StageInfo", "auto_epochs", "resolve_entry", "resolve_stage", "token_prices"]


class StageInfo(msgspec.Struct, frozen=True, kw_only=True):
    """Labels of one training stage (numbers are in ``values``, prices in ``prices``)."""

    method: str
    tier: str
    epochs_auto: bool
    grader_model: str | None
    job_tokens_limit: float | None
    min_examples: float | None
    examples: float | None
    job_hours_limit: float | None = None  # RFT: a job fails after this many hours


def auto_epochs(examples: int | None) -> int:
    """The OpenAI cookbook default-epochs heuristic (3 when the example count is unknown)."""
    if examples is None or examples <= 0:
        return 3
    if examples * 3 < 100:
        return min(25, 100 // examples)
    if examples * 3 > 25000:
        return max(1, 25000 // examples)
    return 3


def resolve_entry(
    catalog: Catalog, name: str, provider: str, field: str
) -> tuple[ResolvedModel, ModelEntry]:
    """The catalog entry ``name`` resolves to at ``provider``, with the resolution itself."""
    rm = resolve_model(catalog, name, provider, field=field)
    return rm, rm.entry


def token_prices(
    ctx: Notes,
    entry: ModelEntry,
    tier: Tier,
    region: str | None,
    variant: Variant,
    field: str,
    cached_tokens: float,
) -> tuple[float, float, float]:
    """Input, cached-input and output prices; a missing cached price is 0 when unused."""
    label = f"{entry.id} {tier} {variant.replace('_', '-')}"
    p_in = find_price(entry, "input", tier, region=region, variant=variant, field=field)
    p_out = find_price(entry, "output", tier, region=region, variant=variant, field=field)
    try:
        p_cached = find_price(
            entry, "cached_input", tier, region=region, variant=variant, field=field
        )
        cached = ctx.figure(f"{label} cached-input price", p_cached)
    except PriceUnavailableError:
        if cached_tokens > 0:
            raise
        cached = 0.0
    return (
        ctx.figure(f"{label} input price", p_in),
        cached,
        ctx.figure(f"{label} output price", p_out),
    )


def resolve_stage(
    ctx: Notes,
    catalog: Catalog,
    scenario: Scenario,
    entry: ModelEntry,
    region: str | None,
    index: int,
    st: Training | Stage,
) -> tuple[costs.StagePrices, StageInfo, dict[str, float], Training | Stage]:
    """Prices, labels and values of stage ``index`` (0: ``training``) and the stage as resolved."""
    pre = costs.stage_prefix(index)
    tier = scenario.training.tier
    if st.method not in entry.methods:
        offered = ", ".join(entry.methods) or "none (base model only)"
        raise InvalidInputError(
            f"{entry.id} cannot be fine-tuned with {st.method!r}; methods: {offered}",
            field=f"{pre}.method",
        )
    if tier not in entry.tiers:
        raise PriceUnavailableError(
            f"{entry.id} has no {tier!r} training tier; tiers: {', '.join(entry.tiers)}",
            field="training.tier",
        )
    lim = entry.limits
    minimum = _limit(lim.min_examples)
    if st.examples is not None and minimum is not None and st.examples < minimum:
        # the same severity as ftcost analyze: the service rejects the file
        raise InvalidInputError(
            f"{pre}: {st.examples} examples; {entry.id} fine-tuning jobs need at least {minimum:g}",
            field=f"{pre}.examples",
        )
    grader = st.grader
    if grader.cached_input_tokens > grader.input_tokens:
        raise InvalidInputError(
            f"{pre}.grader.cached_input_tokens ({grader.cached_input_tokens}) exceeds "
            f"{pre}.grader.input_tokens ({grader.input_tokens}): cached tokens are part of the "
            "input, as in a request",
            field=f"{pre}.grader.cached_input_tokens",
        )
    grader_tokens = grader.input_tokens + grader.output_tokens
    label = f"{entry.id} {tier} {st.method.upper()} training"
    sp = costs.StagePrices(method=st.method)
    grader_id: str | None = None
    if st.method == "rft":
        if st.rft_hours is None:
            raise InvalidInputError(
                f"{pre}.rft_hours is required for RFT (billed per training hour)",
                field=f"{pre}.rft_hours",
            )
        p = find_price(
            entry, "rft_training", tier, region=region, method="rft", field=f"{pre}.method"
        )
        hours = _limit(lim.job_hours)
        if hours is not None and st.rft_hours > hours:
            raise InvalidInputError(
                f"{pre}.rft_hours: {st.rft_hours:g} hours; a fine-tuning job fails after "
                f"{hours:g} hours ({entry.id}); split the training into several runs",
                field=f"{pre}.rft_hours",
            )
        cap = entry.limits.rft_job_cap_usd
        sp = msgspec.structs.replace(
            sp,
            rft_usd_per_hour=ctx.figure(f"{label} hourly rate", p),
            job_cap_usd=float(cap.value) if cap is not None and cap.value is not None else math.inf,
        )
        if grader_tokens > 0:
            _, gentry = resolve_entry(
                catalog, grader.model or entry.id, scenario.provider, f"{pre}.grader.model"
            )
            grader_id = gentry.id
            g_in, g_cached, g_out = token_prices(
                ctx,
                gentry,
                tier,
                None,
                "grader",
                f"{pre}.grader.model",
                grader.cached_input_tokens,
            )
            sp = msgspec.structs.replace(
                sp,
                grader_input_usd_per_mtok=g_in,
                grader_cached_input_usd_per_mtok=g_cached,
                grader_output_usd_per_mtok=g_out,
            )
    else:
        if grader_tokens > 0:
            raise InvalidInputError(
                "grader tokens apply to RFT only", field=f"{pre}.grader.input_tokens"
            )
        if st.tokens_per_epoch is None:
            if isinstance(st, Training) and st.dataset is not None:
                raise InvalidInputError(
                    "training.dataset is read by the CLI (ftcost estimate); elsewhere give "
                    "training.tokens_per_epoch (see POST /v1/datasets/analyze)",
                    field="training.dataset",
                )
            raise InvalidInputError(
                f"{pre}.tokens_per_epoch is required for {st.method.upper()} (tokens in the "
                "training file)",
                field=f"{pre}.tokens_per_epoch",
            )
        p = find_price(
            entry, "training", tier, region=region, method=st.method, field="training.tier"
        )
        sp = msgspec.structs.replace(sp, training_usd_per_mtok=ctx.figure(f"{label} price", p))
    if st.epochs == "auto":
        epochs = auto_epochs(st.examples)
        how = f"{st.examples} examples" if st.examples else "the example count is unknown"
        ctx.assumptions.append(
            f'{pre}.epochs "auto" = {epochs} by the OpenAI cookbook heuristic ({how}): 3, or '
            "min(25, 100 // n) when 3n < 100, or max(1, 25000 // n) when 3n > 25000; the "
            "service may choose differently."
        )
    else:
        epochs = st.epochs
    info = StageInfo(
        method=st.method,
        tier=tier,
        epochs_auto=st.epochs == "auto",
        grader_model=grader_id,
        job_tokens_limit=_limit(lim.job_tokens),
        min_examples=minimum,
        job_hours_limit=_limit(lim.job_hours),
        examples=float(st.examples) if st.examples is not None else None,
    )
    values = {
        f"{pre}.tokens_per_epoch": float(st.tokens_per_epoch or 0),
        f"{pre}.epochs": float(epochs),
        f"{pre}.runs": float(st.runs),
        f"{pre}.rft_hours": float(st.rft_hours or 0.0),
        f"{pre}.grader.input_tokens": float(grader.input_tokens),
        f"{pre}.grader.cached_input_tokens": float(grader.cached_input_tokens),
        f"{pre}.grader.output_tokens": float(grader.output_tokens),
    }
    echo = msgspec.structs.replace(
        st,
        epochs=epochs,
        grader=msgspec.structs.replace(grader, model=grader_id or grader.model),
    )
    return sp, info, values, echo


def _limit(fig: IntFigure | None) -> float | None:
    return float(fig.value) if fig is not None and fig.value is not None else None
