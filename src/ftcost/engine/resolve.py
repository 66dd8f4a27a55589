"""Turn a Scenario into ``Resolved``: every catalog lookup and token count, done once.

The interface other features (solve, sweep, compare, simulate) build on::

    resolved = resolve(scenario, catalog, counter)     # all catalog and token work, once
    outcome = ftcost.engine.costs.evaluate(values, resolved.prices)  # pure numpy, broadcasting
    projection = build_projection(resolved)            # ftcost.engine.build

``resolve`` runs in named steps: the models, the training stages, the deployments and their
prices, the counted prompts and their token prices, then the notes (lifecycle, warnings,
assumptions) and the scenario as resolved.

* ``NUMERIC_FIELDS``: every numeric Scenario input by dotted path. ``Resolved.values`` holds each
  of them as a float (epochs ``"auto"`` and counted prompts already turned into numbers), plus
  ``training.stages[i].<field>`` for each further stage (``Resolved.fields`` lists them all).
  Replace any of them with a numpy array and call ``costs.evaluate(values, resolved.prices)``
  to get arrays back; ``training.examples`` is not among them (it only feeds epochs "auto",
  which ``resolve`` has already turned into ``training.epochs``).
* ``Resolved.prices`` (``costs.Prices``) holds every catalog figure as a float.
* ``Resolved`` also carries the model ids, the catalog-only warnings, the assumptions, the
  catalog info and the scenario as resolved.

``start_date`` null: the core never reads the clock, so adapters fill in today; when it is still
null, lifecycle dates are listed but not placed inside the horizon and nothing is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, cast

import msgspec

from ftcost.catalog import (
    BATCH_TIERS,
    PROVISIONED_TIERS,
    Catalog,
    CatalogInfo,
    Latency,
    ModelEntry,
    ResolvedModel,
    Tier,
    check_region,
    deployment_end,
    find_price,
    find_ptu_price,
)
from ftcost.engine import costs
from ftcost.engine.caching import cached_tokens
from ftcost.engine.latency import LatencyParams, Spread
from ftcost.engine.lifecycle import Ends, lifecycle_ends
from ftcost.engine.notes import (
    HOURS_PER_MONTH,
    Notes,
    add_assumptions,
    add_static_warnings,
    check_staleness,
)
from ftcost.engine.projection import Provisioning, PtuPlan, WarningItem
from ftcost.engine.provisioned import peak_rpm, size_ptu
from ftcost.engine.scenario import RequestShape, Scenario, Stage, Training
from ftcost.engine.training import StageInfo, resolve_entry, resolve_stage, token_prices
from ftcost.errors import InvalidInputError, PriceUnavailableError

if TYPE_CHECKING:
    from ftcost.tokens import TokenCounter

__all__ = ["NUMERIC_FIELDS", "ModelUse", "Resolved", "latency_params", "resolve"]


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
    retirement_date: dt.date | None  # the fine-tuned deployment's retirement, when known
    output_follows: bool  # fine_tuned.output_tokens was not given: it follows the base
    provisioned: Provisioning
    headline: str | None
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
    use = _prompt_counter(counter, encoding)
    return int(tokens.count_prompt(use, encoding, text=shape.prompt, messages=messages))


def _prompt_counter(counter: object | None, name: str) -> TokenCounter:
    """The counter for ``name``: ``counter`` (default: tiktoken's), wrapped for a tokenizer
    that is not a tiktoken encoding (a tokenizer file, or 4 characters per token)."""
    from ftcost import tokens

    if tokens.is_tiktoken(name):
        return (
            cast("tokens.TokenCounter", counter)
            if counter is not None
            else tokens.default_counter()
        )
    if counter is not None and callable(getattr(counter, "estimated", None)):
        return cast("tokens.TokenCounter", counter)
    base = cast("tokens.TokenCounter | None", counter)
    return tokens.OtherTokenizerCounter(base=base)


def _warn_estimated(ctx: Notes, counter: object | None, s: Scenario, m: _Models) -> None:
    """A ``token_estimate`` warning for each prompt counted by the characters estimate."""
    from ftcost import tokens

    for role, shape, (_, entry) in (
        ("base", s.base, m.base),
        ("fine_tuned", s.fine_tuned, m.fine_tuned),
    ):
        name = entry.counts_with()
        has_text = shape.prompt is not None or shape.messages is not None
        if name is None or not has_text or shape.prompt_tokens is not None:
            continue
        if tokens.is_estimated(_prompt_counter(counter, name), name):
            ctx.warn(
                "token_estimate",
                f"{role} prompt tokens of {entry.id} ({name}) are estimated at "
                f"{tokens.CHARS_PER_TOKEN:g} characters per token, not counted: give the "
                "model's tokenizer.json (--tokenizer) or prompt_tokens for exact figures",
                field=f"{role}.prompt",
            )


class _Models(msgspec.Struct, frozen=True, kw_only=True):
    """The catalog entries of the trained, base and fine-tuned models, and the region."""

    region: str | None
    trained: tuple[ResolvedModel, ModelEntry]
    base: tuple[ResolvedModel, ModelEntry]
    fine_tuned: tuple[ResolvedModel, ModelEntry]


def _models(s: Scenario, catalog: Catalog) -> _Models:
    """Step 1: the provider, the region and the three models, each checked."""
    catalog.provider(s.provider)
    region = _region(s, catalog)
    rm, entry = resolve_entry(catalog, s.model, s.provider, "model")
    if not entry.methods:
        raise InvalidInputError(
            f"{entry.id} cannot be fine-tuned (base or grader model only)", field="model"
        )
    base = resolve_entry(catalog, s.base.model or s.model, s.provider, "base.model")
    ft = resolve_entry(catalog, s.fine_tuned.model or s.model, s.provider, "fine_tuned.model")
    if ft[1].id != entry.id:
        raise InvalidInputError(
            f"fine_tuned.model {s.fine_tuned.model!r} is not the trained model {entry.id}; "
            "use base.model for another (larger) base model",
            field="fine_tuned.model",
        )
    return _Models(region=region, trained=(rm, entry), base=base, fine_tuned=ft)


class _Stages(msgspec.Struct, frozen=True, kw_only=True):
    prices: tuple[costs.StagePrices, ...]
    infos: tuple[StageInfo, ...]
    values: dict[str, float]
    echoes: tuple[Training | Stage, ...]


def _stages(ctx: Notes, catalog: Catalog, s: Scenario, m: _Models) -> _Stages:
    """Step 3: every training stage (the first and ``training.stages``) with its prices."""
    prices: list[costs.StagePrices] = []
    infos: list[StageInfo] = []
    values: dict[str, float] = {}
    echoes: list[Training | Stage] = []
    all_stages: list[Training | Stage] = [s.training, *s.training.stages]
    for i, st in enumerate(all_stages):
        sp, info, vals, echo = resolve_stage(ctx, catalog, s, m.trained[1], m.region, i, st)
        prices.append(sp)
        infos.append(info)
        values.update(vals)
        echoes.append(echo)
    return _Stages(prices=tuple(prices), infos=tuple(infos), values=values, echoes=tuple(echoes))


def _check_deployable(entry: ModelEntry, dep: str, field: str) -> None:
    if dep not in entry.deployments:
        raise PriceUnavailableError(
            f"{entry.id} cannot be deployed as {dep!r} after fine-tuning; types: "
            f"{', '.join(entry.deployments)}",
            field=field,
        )


def _deployments(ctx: Notes, s: Scenario, m: _Models) -> tuple[float, Tier, Tier]:
    """Step 4: the deployment types of both setups and the hourly hosting price.

    One deployment has one type: it sets both the hosting and the fine-tuned token prices. A
    provisioned (PTU) deployment's hourly rate comes from its PTU plan (step 6).
    """
    entry = m.trained[1]
    dep = s.deployment
    if s.fine_tuned.deployment is not None and s.fine_tuned.deployment != dep.type:
        raise InvalidInputError(
            f"fine_tuned.deployment ({s.fine_tuned.deployment}) differs from deployment.type "
            f"({dep.type}): one deployment has one type, which sets both its hosting and its "
            "token prices; leave fine_tuned.deployment out",
            field="fine_tuned.deployment",
        )
    _check_deployable(entry, dep.type, "deployment.type")
    if s.traffic.requests_per_month > 0 and (dep.count == 0 or dep.hours_per_month == 0):
        field = "deployment.count" if dep.count == 0 else "deployment.hours_per_month"
        raise InvalidInputError(
            f"{s.traffic.requests_per_month:g} requests a month with {dep.count} deployment(s) "
            f"for {dep.hours_per_month:g} hours a month: nothing would serve them ({field})",
            field=field,
        )
    base_dep: Tier = s.base.deployment or "global"
    if base_dep in BATCH_TIERS:
        ctx.warn(
            "batch_turnaround",
            f"the base setup runs as {base_dep}: half the token price, but requests complete "
            "within a 24-hour target, not in real time; it suits offline work only",
            "base.deployment",
        )
    if dep.type in BATCH_TIERS:
        ctx.warn(
            "batch_turnaround",
            f"the fine-tuned setup runs as {dep.type}: discounted tokens, but requests complete "
            "within a 24-hour target, not in real time; it suits offline work only",
            "deployment.type",
        )
    if dep.type in PROVISIONED_TIERS:
        return 0.0, dep.type, base_dep
    hosting = ctx.figure(
        f"{entry.id} {dep.type} hosting price",
        find_price(entry, "hosting", dep.type, region=m.region, field="deployment.type"),
    )
    return hosting, dep.type, base_dep


class _Shapes(msgspec.Struct, frozen=True, kw_only=True):
    """Step 5's result: prompt, cached and output tokens of both setups."""

    base_prompt: int
    fine_tuned_prompt: int
    base_cached: int
    fine_tuned_cached: int
    base_output: int
    fine_tuned_output: int


def _shapes(counter: object | None, catalog: Catalog, s: Scenario, m: _Models) -> _Shapes:
    """Step 5: prompt tokens (given or counted), cached tokens (checked against the provider's
    caching rules, or computed from a shared prefix) and output tokens."""
    b_prompt = _count(counter, m.base[1].counts_with(), s.base, "base")
    f_prompt = _count(counter, m.fine_tuned[1].counts_with(), s.fine_tuned, "fine_tuned")
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
    rules = catalog.provider(s.provider).caching
    return _Shapes(
        base_prompt=b_prompt,
        fine_tuned_prompt=f_prompt,
        base_cached=cached_tokens(rules, s.base, b_prompt, "base"),
        fine_tuned_cached=cached_tokens(rules, s.fine_tuned, f_prompt, "fine_tuned"),
        base_output=b_out,
        fine_tuned_output=f_out,
    )


def _prices(
    ctx: Notes,
    s: Scenario,
    m: _Models,
    stages: _Stages,
    deps: tuple[float, Tier, Tier],
    shapes: _Shapes,
    ends: Ends,
    ptu: Provisioning,
) -> costs.Prices:
    """Step 7: token prices of both setups (none on PTU), with the lifecycle ends."""
    hosting, ft_dep, base_dep = deps
    bentry, fentry = m.base[1], m.fine_tuned[1]
    b_in = b_cached = b_outp = f_in = f_cached = f_outp = 0.0
    if ptu.base is None:
        b_in, b_cached, b_outp = token_prices(
            ctx, bentry, base_dep, m.region, "base", "base.deployment", shapes.base_cached
        )
    if ptu.fine_tuned is None:
        f_in, f_cached, f_outp = token_prices(
            ctx,
            fentry,
            ft_dep,
            m.region,
            "fine_tuned",
            "deployment.type",
            shapes.fine_tuned_cached,
        )
    else:
        hosting = ptu.fine_tuned.ptus * ptu.fine_tuned.usd_per_ptu_hour
    return costs.Prices(
        training=stages.prices,
        hosting_usd_per_hour=hosting,
        base_input_usd_per_mtok=b_in,
        base_cached_input_usd_per_mtok=b_cached,
        base_output_usd_per_mtok=b_outp,
        fine_tuned_input_usd_per_mtok=f_in,
        fine_tuned_cached_input_usd_per_mtok=f_cached,
        fine_tuned_output_usd_per_mtok=f_outp,
        months_to_shutdown=ends.deployment_months,
        months_to_training_end=ends.training_months,
        base_fixed_monthly_usd=ptu.base.monthly_usd if ptu.base is not None else 0.0,
        base_latency=latency_params(bentry.latency),
        fine_tuned_latency=latency_params(fentry.latency),
    )


def _values(s: Scenario, stages: _Stages, shapes: _Shapes) -> dict[str, float]:
    """Every numeric input as a float (``NUMERIC_FIELDS`` and the further stages' fields)."""
    dep = s.deployment
    return {
        **stages.values,
        "traffic.requests_per_month": float(s.traffic.requests_per_month),
        "base.prompt_tokens": float(shapes.base_prompt),
        "base.cached_prompt_tokens": float(shapes.base_cached),
        "base.output_tokens": float(shapes.base_output),
        "fine_tuned.prompt_tokens": float(shapes.fine_tuned_prompt),
        "fine_tuned.cached_prompt_tokens": float(shapes.fine_tuned_cached),
        "fine_tuned.output_tokens": float(shapes.fine_tuned_output),
        "deployment.count": float(dep.count),
        "deployment.hours_per_month": float(dep.hours_per_month),
        "retrain_every_months": float(s.retrain_every_months or 0),
        "horizon_months": float(s.horizon_months),
    }


def _echo(
    s: Scenario, m: _Models, stages: _Stages, shapes: _Shapes, ft_dep: Tier, base_dep: Tier
) -> Scenario:
    """The scenario as resolved: model ids, counted tokens, resolved epochs and deployments."""
    first = stages.echoes[0]
    assert isinstance(first, Training)
    frm, fentry = m.fine_tuned
    return msgspec.structs.replace(
        s,
        model=m.trained[1].id,
        region=m.region,
        training=msgspec.structs.replace(
            first, stages=[e for e in stages.echoes[1:] if isinstance(e, Stage)]
        ),
        base=msgspec.structs.replace(
            s.base,
            model=m.base[1].id,
            deployment=base_dep,
            prompt_tokens=shapes.base_prompt,
            cached_prompt_tokens=shapes.base_cached,
            shared_prefix_tokens=None,
            output_tokens=shapes.base_output,
            prompt=None,
            messages=None,
        ),
        fine_tuned=msgspec.structs.replace(
            s.fine_tuned,
            model=frm.fine_tune_id or fentry.id,
            deployment=ft_dep,
            prompt_tokens=shapes.fine_tuned_prompt,
            cached_prompt_tokens=shapes.fine_tuned_cached,
            shared_prefix_tokens=None,
            output_tokens=shapes.fine_tuned_output,
            prompt=None,
            messages=None,
        ),
    )


def _provisioning(
    catalog: Catalog, s: Scenario, m: _Models, shapes: _Shapes, ft_dep: Tier, base_dep: Tier
) -> Provisioning:
    """Step 6: the PTU plans of the setups that run on provisioned deployments."""
    rpm = peak_rpm(
        s.traffic.requests_per_month,
        s.traffic.peak_requests_per_minute,
        s.traffic.peak_to_average,
    )
    plans: dict[str, PtuPlan] = {}
    for role, entry, dep, shape, field in (
        ("fine_tuned", m.trained[1], ft_dep, s.deployment, "deployment.ptu"),
        ("base", m.base[1], base_dep, s.base, "base.ptu"),
    ):
        if dep not in PROVISIONED_TIERS:
            continue
        fig = entry.provisioned
        where = "deployment.type" if role == "fine_tuned" else "base.deployment"
        if fig is None or (role == "fine_tuned" and dep not in fig.fine_tuned):
            kind = "fine-tuned " if role == "fine_tuned" else ""
            raise PriceUnavailableError(
                f"{entry.id}: no {kind}{dep} (PTU) deployment in the catalog", field=where
            )
        if role == "fine_tuned" and m.region and m.region not in fig.fine_tuned_regions:
            raise PriceUnavailableError(
                f"{entry.id}: fine-tuned PTU deployments are offered in "
                f"{', '.join(fig.fine_tuned_regions) or 'no region'}, not {m.region}",
                field="region",
            )
        price = find_ptu_price(catalog, s.provider, dep, m.region, field=where)
        plans[role] = size_ptu(
            fig,
            deployment=dep,
            model=entry.id,
            role=f"the {role.replace('_', '-')} setup",
            field=field,
            explicit=shape.ptu,
            rpm=rpm,
            prompt_tokens=float(getattr(shapes, f"{role}_prompt")),
            cached_tokens=float(getattr(shapes, f"{role}_cached")),
            output_tokens=float(getattr(shapes, f"{role}_output")),
            usd_per_ptu_hour=float(price.value or 0.0),
            hours_per_month=HOURS_PER_MONTH,
        )
    return Provisioning(base=plans.get("base"), fine_tuned=plans.get("fine_tuned"))


def _headline(s: Scenario) -> str | None:
    """What an output says first, before any figure (a Developer deployment is not production)."""
    if s.deployment.type == "developer":
        return (
            "Developer deployment: for evaluation only. It is deleted after 24 hours and has no "
            "SLA, so these figures are the cost of testing, not of serving in production."
        )
    return None


def _use(pair: tuple[ResolvedModel, ModelEntry], deployment: str) -> ModelUse:
    rm, entry = pair
    return ModelUse(
        id=entry.id, requested=rm.requested, deployment=deployment, encoding=entry.counts_with()
    )


def resolve(scenario: Scenario, catalog: Catalog, counter: object | None = None) -> Resolved:
    """Look up every price, count every prompt and check every cross-field rule, once."""
    ctx = Notes()
    s = scenario
    m = _models(s, catalog)
    ends = lifecycle_ends(ctx, catalog, s, m.trained[1], m.base[1])
    stages = _stages(ctx, catalog, s, m)
    deps = _deployments(ctx, s, m)
    _, ft_dep, base_dep = deps
    shapes = _shapes(counter, catalog, s, m)
    _warn_estimated(ctx, counter, s, m)
    ptu = _provisioning(catalog, s, m, shapes, ft_dep, base_dep)
    prices = _prices(ctx, s, m, stages, deps, shapes, ends, ptu)
    add_static_warnings(ctx, s, m.trained[1], m.base[1], m.region, ft_dep, base_dep)
    add_assumptions(ctx, s, m.trained[1], m.base[1], s.retrain_every_months or 0)
    age = check_staleness(ctx, s.provider, s.start_date)
    info = catalog.provider_info(s.provider)
    if ctx.oldest_as_of is not None:
        info = msgspec.structs.replace(
            info, prices_used_as_of=ctx.oldest_as_of.isoformat(), prices_age_days=age
        )
    fields = NUMERIC_FIELDS + tuple(
        f"{costs.stage_prefix(i)}.{f}"
        for i in range(1, len(stages.infos))
        for f in costs.STAGE_FIELDS
    )
    return Resolved(
        values=_values(s, stages, shapes),
        prices=prices,
        fields=fields,
        provider=s.provider,
        model=_use(m.trained, s.deployment.type),
        base=_use(m.base, base_dep),
        fine_tuned=_use(m.fine_tuned, ft_dep),
        stages=stages.infos,
        deployment_type=s.deployment.type,
        region=m.region,
        start_date=s.start_date,
        retirement_date=dep[1].date if (dep := deployment_end(m.trained[1])) else None,
        output_follows=s.fine_tuned.output_tokens is None,
        provisioned=ptu,
        headline=_headline(s),
        warnings=tuple(ctx.warnings),
        assumptions=tuple(ctx.assumptions),
        catalog=info,
        scenario=_echo(s, m, stages, shapes, ft_dep, base_dep),
    )


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
