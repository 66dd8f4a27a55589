"""Resolve a Scenario against the catalog, evaluate it, and build the Projection.

The interface other features (solve, sweep, compare, simulate) build on::

    resolved = resolve(scenario, catalog, counter)     # all catalog and token work, once
    outcome = ftcost.costs.evaluate(values, resolved.prices)  # pure numpy, broadcasting
    projection = estimate(scenario, catalog, counter)  # = build_projection(resolved)

* ``NUMERIC_FIELDS``: every numeric Scenario input by dotted path. ``Resolved.values`` holds each
  of them as a float (epochs ``"auto"`` and counted prompts already turned into numbers), plus
  ``training.stages[i].<field>`` for each further stage (``Resolved.fields`` lists them all).
  Replace any of them with a numpy array and call ``costs.evaluate(values, resolved.prices)``
  to get arrays back; ``training.examples`` is not among them (it only feeds epochs "auto",
  which ``resolve`` has already turned into ``training.epochs``).
* ``Resolved.prices`` (``costs.Prices``) holds every catalog figure as a float.
* ``Resolved`` also carries the model ids, the catalog-only warnings, the assumptions, the
  catalog info and the scenario as resolved; ``value_warnings(resolved, values, outcome)``
  gives the warnings that depend on the numbers (developer deployment with traffic, idle
  deployment, job token limit, RFT cap).

``start_date`` null: the core never reads the clock, so adapters fill in today; when it is still
null, deprecation and shutdown dates are listed but not placed inside the horizon.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import cast

import msgspec

from ftcost import costs
from ftcost.catalog import (
    Catalog,
    CatalogInfo,
    ResolvedModel,
    check_region,
    find_price,
    resolve_model,
)
from ftcost.errors import InvalidInputError, PriceUnavailableError
from ftcost.latency import DEFAULT_SAMPLES, DEFAULT_SEED, LatencyParams, Spread
from ftcost.models import IntFigure, Latency, ModelEntry, Price, Tier, Variant
from ftcost.projection import Projection, WarningItem
from ftcost.projection_build import build_projection, value_warnings
from ftcost.scenario import RequestShape, Scenario, Stage, Training

__all__ = [
    "HOURS_PER_MONTH",
    "NUMERIC_FIELDS",
    "Resolved",
    "auto_epochs",
    "estimate",
    "resolve",
    "value_warnings",
]

HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24.0

NUMERIC_FIELDS: tuple[str, ...] = (
    "traffic.requests_per_month",
    "base.prompt_tokens",
    "base.cached_prompt_tokens",
    "base.output_tokens",
    "fine_tuned.prompt_tokens",
    "fine_tuned.cached_prompt_tokens",
    "fine_tuned.output_tokens",
    "deployment.count",
    "deployment.hours_per_month",
    "training.tokens_per_epoch",
    "training.epochs",
    "training.runs",
    "training.rft_hours",
    "training.grader.input_tokens",
    "training.grader.cached_input_tokens",
    "training.grader.output_tokens",
    "retrain_every_months",
    "horizon_months",
)


class ModelUse(msgspec.Struct, frozen=True, kw_only=True):
    """Which catalog entry one part of the scenario resolved to."""

    id: str
    requested: str
    deployment: str
    encoding: str | None = None


class StageInfo(msgspec.Struct, frozen=True, kw_only=True):
    """Labels of one training stage (numbers are in ``values``, prices in ``prices``)."""

    method: str
    tier: str
    epochs_auto: bool
    grader_model: str | None
    job_tokens_limit: float | None
    min_examples: float | None
    examples: float | None


class Resolved(msgspec.Struct, frozen=True, kw_only=True):
    """A Scenario with every catalog and token lookup done: numbers, prices and labels."""

    values: dict[str, float]
    prices: costs.Prices
    fields: tuple[str, ...]
    provider: str
    model: ModelUse
    base: ModelUse
    fine_tuned: ModelUse
    stages: tuple[StageInfo, ...]
    deployment_type: str
    region: str | None
    start_date: dt.date | None
    warnings: tuple[WarningItem, ...]
    assumptions: tuple[str, ...]
    catalog: CatalogInfo
    scenario: Scenario


def auto_epochs(examples: int | None) -> int:
    """The OpenAI cookbook default-epochs heuristic (3 when the example count is unknown)."""
    if examples is None or examples <= 0:
        return 3
    if examples * 3 < 100:
        return min(25, 100 // examples)
    if examples * 3 > 25000:
        return max(1, 25000 // examples)
    return 3


class _Ctx:
    """Mutable state while resolving: warnings, assumptions, figures seen."""

    def __init__(self) -> None:
        self.warnings: list[WarningItem] = []
        self.assumptions: list[str] = []
        self._seen: set[str] = set()

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.warnings.append(WarningItem(code=code, message=message, field=field))

    def figure(self, label: str, price: Price) -> float:
        w = figure_warning(label, price)
        if w is not None:
            self.warn(w.code, w.message, w.field)
        assert price.value is not None  # find_price never returns a missing figure
        return float(price.value)


def _model(
    catalog: Catalog, name: str, provider: str, field: str
) -> tuple[ResolvedModel, ModelEntry]:
    rm = resolve_model(catalog, name, provider, field=field)
    return rm, rm.entry


def _region(scenario: Scenario, catalog: Catalog) -> str | None:
    if scenario.region is None:
        return None
    if scenario.provider == "openai":
        raise InvalidInputError(
            "the OpenAI platform has no regions: leave region null", field="region"
        )
    return check_region(catalog, scenario.region)


def _token_prices(
    ctx: _Ctx,
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


def _count(
    counter: object | None, encoding: str | None, shape: RequestShape, field: str
) -> int | None:
    """Prompt tokens of ``shape``: given, or counted from its text/messages."""
    has_text = shape.prompt is not None or shape.messages is not None
    if shape.prompt_tokens is not None:
        if has_text:
            raise InvalidInputError(
                f"give either {field}.prompt_tokens or the prompt text/messages, not both",
                field=f"{field}.prompt_tokens",
            )
        return shape.prompt_tokens
    if not has_text:
        return None
    if encoding is None:
        raise InvalidInputError(f"no encoding known for {field}.model", field=f"{field}.model")
    from ftcost import tokens  # tiktoken loads only when text is counted

    messages = None
    if shape.messages is not None:
        messages = [
            {k: val for k, val in msgspec.structs.asdict(m).items() if val is not None}
            for m in shape.messages
        ]
    use = cast("tokens.TokenCounter", counter) if counter is not None else tokens.default_counter()
    return int(tokens.count_prompt(use, encoding, text=shape.prompt, messages=messages))


def _stage(
    ctx: _Ctx,
    catalog: Catalog,
    scenario: Scenario,
    entry: ModelEntry,
    region: str | None,
    index: int,
    st: Training | Stage,
) -> tuple[costs.StagePrices, StageInfo, dict[str, float], Training | Stage]:
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
    grader = st.grader
    grader_tokens = grader.input_tokens + grader.cached_input_tokens + grader.output_tokens
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
        cap = entry.limits.rft_job_cap_usd
        sp = msgspec.structs.replace(
            sp,
            rft_usd_per_hour=ctx.figure(f"{label} hourly rate", p),
            job_cap_usd=float(cap.value) if cap is not None and cap.value is not None else math.inf,
        )
        if grader_tokens > 0:
            _, gentry = _model(
                catalog, grader.model or entry.id, scenario.provider, f"{pre}.grader.model"
            )
            grader_id = gentry.id
            g_in, g_cached, g_out = _token_prices(
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
    lim = entry.limits
    info = StageInfo(
        method=st.method,
        tier=tier,
        epochs_auto=st.epochs == "auto",
        grader_model=grader_id,
        job_tokens_limit=_limit(lim.job_tokens),
        min_examples=_limit(lim.min_examples),
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


def _lifecycle(
    ctx: _Ctx, entry: ModelEntry, role: str, start: dt.date | None, horizon: int
) -> float:
    """Warn about lifecycle dates inside the horizon; months from start to shutdown."""
    lc = entry.lifecycle
    if lc is None:
        return math.inf
    src = f" ({lc.status} source {lc.source})" if lc.status != "verified" else ""
    events = (
        ("deprecation", lc.deprecation, "is deprecated"),
        ("training_retirement", lc.training_retirement, "stops accepting new training jobs"),
        ("shutdown", lc.shutdown, "shuts down"),
    )
    for code, when, what in events:
        if when is None:
            continue
        if start is None:
            ctx.warn(f"model_{code}", f"{role} model {entry.id} {what} on {when}{src}")
            continue
        months = months_between(start, when)
        if months <= horizon:
            at = (
                "before the start"
                if months < 0
                else f"{months:.1f} months into the {horizon}-month horizon"
            )
            ctx.warn(f"model_{code}", f"{role} model {entry.id} {what} on {when}, {at}{src}")
    if lc.shutdown is None or start is None:
        return math.inf
    return months_between(start, lc.shutdown)


def resolve(scenario: Scenario, catalog: Catalog, counter: object | None = None) -> Resolved:
    """Look up every price, count every prompt and check every cross-field rule, once."""
    ctx = _Ctx()
    s = scenario
    catalog.provider(s.provider)
    region = _region(s, catalog)
    rm, entry = _model(catalog, s.model, s.provider, "model")
    if not entry.methods:
        raise InvalidInputError(
            f"{entry.id} cannot be fine-tuned (base or grader model only)", field="model"
        )
    brm, bentry = _model(catalog, s.base.model or s.model, s.provider, "base.model")
    frm, fentry = _model(catalog, s.fine_tuned.model or s.model, s.provider, "fine_tuned.model")
    if fentry.id != entry.id:
        raise InvalidInputError(
            f"fine_tuned.model {s.fine_tuned.model!r} is not the trained model {entry.id}; "
            "use base.model for another (larger) base model",
            field="fine_tuned.model",
        )

    # Training stages.
    stage_prices: list[costs.StagePrices] = []
    infos: list[StageInfo] = []
    values: dict[str, float] = {}
    echoes: list[Training | Stage] = []
    all_stages: list[Training | Stage] = [s.training, *s.training.stages]
    for i, st in enumerate(all_stages):
        sp, info, vals, echo = _stage(ctx, catalog, s, entry, region, i, st)
        stage_prices.append(sp)
        infos.append(info)
        values.update(vals)
        echoes.append(echo)

    # Hosting and the fine-tuned deployment.
    dep = s.deployment
    if dep.type not in entry.deployments:
        raise PriceUnavailableError(
            f"{entry.id} cannot be deployed as {dep.type!r} after fine-tuning; types: "
            f"{', '.join(entry.deployments)}",
            field="deployment.type",
        )
    hosting = ctx.figure(
        f"{entry.id} {dep.type} hosting price",
        find_price(entry, "hosting", dep.type, region=region, field="deployment.type"),
    )
    ft_dep: Tier = s.fine_tuned.deployment or dep.type
    if ft_dep not in entry.deployments:
        raise PriceUnavailableError(
            f"{entry.id} cannot be deployed as {ft_dep!r} after fine-tuning; types: "
            f"{', '.join(entry.deployments)}",
            field="fine_tuned.deployment",
        )
    base_dep: Tier = s.base.deployment or "global"

    # Request shapes: counts, then prices.
    b_prompt = _count(counter, bentry.encoding, s.base, "base")
    f_prompt = _count(counter, fentry.encoding, s.fine_tuned, "fine_tuned")
    for name, n in (("base", b_prompt), ("fine_tuned", f_prompt)):
        if n is None:
            raise InvalidInputError(
                f"{name}.prompt_tokens is required (or give {name}.prompt / {name}.messages "
                "to count)",
                field=f"{name}.prompt_tokens",
            )
    assert b_prompt is not None
    assert f_prompt is not None
    if s.base.output_tokens is None:
        raise InvalidInputError(
            "base.output_tokens is required (completion tokens per request)",
            field="base.output_tokens",
        )
    b_out = s.base.output_tokens
    f_out = s.fine_tuned.output_tokens if s.fine_tuned.output_tokens is not None else b_out
    for name, prompt, shape in (("base", b_prompt, s.base), ("fine_tuned", f_prompt, s.fine_tuned)):
        if shape.cached_prompt_tokens > prompt:
            raise InvalidInputError(
                f"{name}.cached_prompt_tokens ({shape.cached_prompt_tokens}) exceeds "
                f"{name}.prompt_tokens ({prompt})",
                field=f"{name}.cached_prompt_tokens",
            )
    b_in, b_cached, b_outp = _token_prices(
        ctx, bentry, base_dep, region, "base", "base.deployment", s.base.cached_prompt_tokens
    )
    f_in, f_cached, f_outp = _token_prices(
        ctx,
        fentry,
        ft_dep,
        region,
        "fine_tuned",
        "fine_tuned.deployment",
        s.fine_tuned.cached_prompt_tokens,
    )

    # Lifecycle (fine-tuned model decides payback; the base model only warns).
    start = s.start_date
    shutdown = _lifecycle(ctx, entry, "fine-tuned", start, s.horizon_months)
    if bentry.id != entry.id:
        _lifecycle(ctx, bentry, "base", start, s.horizon_months)

    retrain = s.retrain_every_months or 0
    values.update(
        {
            "traffic.requests_per_month": float(s.traffic.requests_per_month),
            "base.prompt_tokens": float(b_prompt),
            "base.cached_prompt_tokens": float(s.base.cached_prompt_tokens),
            "base.output_tokens": float(b_out),
            "fine_tuned.prompt_tokens": float(f_prompt),
            "fine_tuned.cached_prompt_tokens": float(s.fine_tuned.cached_prompt_tokens),
            "fine_tuned.output_tokens": float(f_out),
            "deployment.count": float(dep.count),
            "deployment.hours_per_month": float(dep.hours_per_month),
            "retrain_every_months": float(retrain),
            "horizon_months": float(s.horizon_months),
        }
    )
    fields = NUMERIC_FIELDS + tuple(
        f"{costs.stage_prefix(i)}.{f}" for i in range(1, len(infos)) for f in costs.STAGE_FIELDS
    )
    prices = costs.Prices(
        training=tuple(stage_prices),
        hosting_usd_per_hour=hosting,
        base_input_usd_per_mtok=b_in,
        base_cached_input_usd_per_mtok=b_cached,
        base_output_usd_per_mtok=b_outp,
        fine_tuned_input_usd_per_mtok=f_in,
        fine_tuned_cached_input_usd_per_mtok=f_cached,
        fine_tuned_output_usd_per_mtok=f_outp,
        months_to_shutdown=shutdown,
        base_latency=latency_params(bentry.latency),
        fine_tuned_latency=latency_params(fentry.latency),
    )
    _static_warnings(ctx, s, entry, bentry, region, ft_dep, base_dep)
    _assumptions(ctx, s, entry, bentry, retrain)

    first = echoes[0]
    assert isinstance(first, Training)
    scenario_echo = msgspec.structs.replace(
        s,
        model=entry.id,
        region=region,
        training=msgspec.structs.replace(
            first, stages=[e for e in echoes[1:] if isinstance(e, Stage)]
        ),
        base=msgspec.structs.replace(
            s.base,
            model=bentry.id,
            deployment=base_dep,
            prompt_tokens=b_prompt,
            output_tokens=b_out,
            prompt=None,
            messages=None,
        ),
        fine_tuned=msgspec.structs.replace(
            s.fine_tuned,
            model=frm.fine_tune_id or fentry.id,
            deployment=ft_dep,
            prompt_tokens=f_prompt,
            output_tokens=f_out,
            prompt=None,
            messages=None,
        ),
    )
    cat_info = _catalog_info(catalog, s.provider)
    return Resolved(
        values=values,
        prices=prices,
        fields=fields,
        provider=s.provider,
        model=ModelUse(
            id=entry.id, requested=rm.requested, deployment=dep.type, encoding=entry.encoding
        ),
        base=ModelUse(
            id=bentry.id, requested=brm.requested, deployment=base_dep, encoding=bentry.encoding
        ),
        fine_tuned=ModelUse(
            id=fentry.id, requested=frm.requested, deployment=ft_dep, encoding=fentry.encoding
        ),
        stages=tuple(infos),
        deployment_type=dep.type,
        region=region,
        start_date=start,
        warnings=tuple(ctx.warnings),
        assumptions=tuple(ctx.assumptions),
        catalog=cat_info,
        scenario=scenario_echo,
    )


def _static_warnings(
    ctx: _Ctx,
    s: Scenario,
    entry: ModelEntry,
    bentry: ModelEntry,
    region: str | None,
    ft_dep: str,
    base_dep: str,
) -> None:
    if s.provider == "azure":
        parts = []
        if s.training.tier in ("global", "developer"):
            parts.append(f"{s.training.tier} training")
        for what, d in (("fine-tuned deployment", ft_dep), ("base deployment", base_dep)):
            if d in ("global", "developer"):
                parts.append(f"{d} {what}")
        if parts:
            ctx.warn(
                "no_data_residency",
                f"{', '.join(dict.fromkeys(parts))}: data may be processed outside the "
                "resource's geography (no data residency); use the standard (regional) "
                "tier where residency matters",
                field="training.tier",
            )
        if s.training.tier == "developer":
            ctx.warn(
                "developer_training",
                "developer training runs on spot capacity: jobs may pause and resume "
                "(no charge while paused)",
                field="training.tier",
            )
    for role, e in (("base", bentry), ("fine-tuned", entry)):
        if e.latency is None:
            ctx.warn(
                "latency_unavailable",
                f"no latency figures for {e.id} in the catalog: {role} latency is not estimated",
            )
            continue
        names = e.latency.__struct_fields__
        statuses = {getattr(e.latency, name).status for name in names} - {"verified"}
        if statuses:
            ctx.warn(
                "latency_" + ("uncertain" if "uncertain" in statuses else "derived"),
                f"latency parameters of {e.id} are {' and '.join(sorted(statuses))} (from "
                "public benchmarks, not percentiles of your traffic; see the catalog rules)",
            )
    _ = region


def _assumptions(
    ctx: _Ctx, s: Scenario, entry: ModelEntry, bentry: ModelEntry, retrain: int
) -> None:
    a = ctx.assumptions
    a.append(
        "Validation-file tokens are not billed (neither provider states it; Azure's worked "
        "example implies it)."
    )
    a.append(
        f"A month is {HOURS_PER_MONTH:g} hours; hosting is billed for every hour a deployment "
        "exists, used or idle (partial-hour proration is not documented)."
    )
    if retrain > 0:
        a.append(
            f"Training is paid up front and again every {retrain} months (at the start of "
            f"months {retrain + 1}, {2 * retrain + 1}, …); break-even amortises it over "
            f"{retrain} months."
        )
    else:
        a.append(
            "Training is paid once (never retrained); break-even amortises it over the "
            f"{s.horizon_months}-month horizon."
        )
    a.append(
        "Fine-tuned deployments are assumed to run at the base model's speed; no source "
        "quantifies the difference."
    )
    if s.provider == "openai":
        a.append("OpenAI charges no hosting fee for fine-tuned models; only tokens are billed.")
    else:
        a.append("Azure bills fine-tuned tokens at the base rate of the same deployment type.")
    if bentry.id != entry.id:
        a.append(
            f"Distillation: the base setup runs {bentry.id}, the fine-tuned setup runs "
            f"fine-tuned {entry.id}; each is priced on its own model and deployment type."
        )
    if s.start_date is None:
        a.append("No start date: lifecycle dates are listed but not placed in the horizon.")
    a.append("Prices are list (retail) prices without discounts, reservations or batch rates.")


# catalog.info() walks every price for its as-of dates; resolve needs it on every call, so it
# is computed once per catalog object (identity-keyed: a Catalog is frozen, but not hashable).
_INFO_CACHE: dict[int, tuple[Catalog, dict[str, CatalogInfo]]] = {}


def _catalog_info(catalog: Catalog, provider: str) -> CatalogInfo:
    """``catalog.info()``'s entry for ``provider``, computed once per catalog."""
    hit = _INFO_CACHE.get(id(catalog))
    if hit is None or hit[0] is not catalog:
        if len(_INFO_CACHE) >= 8:
            _INFO_CACHE.clear()
        hit = (catalog, {c.provider: c for c in catalog.info()})
        _INFO_CACHE[id(catalog)] = hit
    return hit[1][provider]


def estimate(
    scenario: Scenario,
    catalog: Catalog,
    counter: object | None = None,
    *,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
) -> Projection:
    """The Projection of ``scenario``: ``build_projection(resolve(...))``."""
    return build_projection(resolve(scenario, catalog, counter), seed=seed, samples=samples)


def latency_params(lat: Latency | None) -> LatencyParams | None:
    """Catalog latency figures as plain p10/p50/p90 triples."""
    if lat is None:
        return None

    def s(p: object) -> Spread:
        return Spread(p10=p.p10, p50=p.p50, p90=p.p90)  # type: ignore[attr-defined]

    return LatencyParams(
        t0_s=s(lat.t0_s),
        prefill_s_per_1k=s(lat.prefill_s_per_1k),
        decode_tokens_per_s=s(lat.decode_tokens_per_s),
    )


def months_between(start: dt.date, end: dt.date) -> float:
    """Months (of 730 h) from ``start`` to ``end``; negative when ``end`` is earlier."""
    return (end - start).days / DAYS_PER_MONTH


def figure_warning(label: str, price: Price) -> WarningItem | None:
    """A warning for a catalog figure whose status is derived or uncertain."""
    if price.status == "derived":
        return WarningItem(
            code="derived_figure",
            message=f"{label} is derived, not read from a price list: {price.rule}",
        )
    if price.status == "uncertain":
        why = price.note or "secondary or conflicting sources"
        return WarningItem(code="uncertain_figure", message=f"{label} is uncertain: {why}")
    return None
