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
from typing import cast

import msgspec

from ftcost import costs
from ftcost.catalog import Catalog, CatalogInfo, check_region, find_price
from ftcost.errors import InvalidInputError, PriceUnavailableError
from ftcost.latency import DEFAULT_SAMPLES, DEFAULT_SEED, LatencyParams, Spread
from ftcost.models import Latency, Tier
from ftcost.projection import Projection, WarningItem
from ftcost.projection_build import build_projection, value_warnings
from ftcost.scenario import RequestShape, Scenario, Stage, Training
from ftcost.scenario_notes import (
    HOURS_PER_MONTH,
    Notes,
    add_assumptions,
    add_static_warnings,
    check_lifecycle,
)
from ftcost.training import StageInfo, auto_epochs, resolve_entry, resolve_stage, token_prices

__all__ = [
    "HOURS_PER_MONTH",
    "NUMERIC_FIELDS",
    "Resolved",
    "auto_epochs",
    "estimate",
    "resolve",
    "value_warnings",
]


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


def _region(scenario: Scenario, catalog: Catalog) -> str | None:
    if scenario.region is None:
        return None
    if scenario.provider == "openai":
        raise InvalidInputError(
            "the OpenAI platform has no regions: leave region null", field="region"
        )
    return check_region(catalog, scenario.region)


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


def resolve(scenario: Scenario, catalog: Catalog, counter: object | None = None) -> Resolved:
    """Look up every price, count every prompt and check every cross-field rule, once."""
    ctx = Notes()
    s = scenario
    catalog.provider(s.provider)
    region = _region(s, catalog)
    rm, entry = resolve_entry(catalog, s.model, s.provider, "model")
    if not entry.methods:
        raise InvalidInputError(
            f"{entry.id} cannot be fine-tuned (base or grader model only)", field="model"
        )
    brm, bentry = resolve_entry(catalog, s.base.model or s.model, s.provider, "base.model")
    frm, fentry = resolve_entry(
        catalog, s.fine_tuned.model or s.model, s.provider, "fine_tuned.model"
    )
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
        sp, info, vals, echo = resolve_stage(ctx, catalog, s, entry, region, i, st)
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
    b_in, b_cached, b_outp = token_prices(
        ctx, bentry, base_dep, region, "base", "base.deployment", s.base.cached_prompt_tokens
    )
    f_in, f_cached, f_outp = token_prices(
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
    shutdown = check_lifecycle(ctx, entry, "fine-tuned", start, s.horizon_months)
    if bentry.id != entry.id:
        check_lifecycle(ctx, bentry, "base", start, s.horizon_months)

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
    add_static_warnings(ctx, s, entry, bentry, region, ft_dep, base_dep)
    add_assumptions(ctx, s, entry, bentry, retrain)

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
    cat_info = catalog.provider_info(s.provider)
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
