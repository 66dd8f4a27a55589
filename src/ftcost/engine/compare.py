"""Compare one scenario across training tiers, regions, models and deployment types.

``compare(CompareRequest, catalog, counter) -> CompareResult``. Every combination of the given
variant lists (their cross product, at most ``MAX_COMPARE_VARIANTS``) is estimated like
``estimate`` would (same Projection, same warnings) and summarised in one row:

* ``tiers`` set ``training.tier``;
* ``regions`` set ``region`` (null = the provider's reference price);
* ``models`` set ``model`` (the model that is fine-tuned; ``fine_tuned.model`` follows it,
  ``base.model`` stays as given, so null still means "the same model");
* ``deployments`` set ``deployment.type`` (``fine_tuned.deployment`` follows it; the base
  deployment stays as given).

Rows are sorted cheapest first by ``rank_by``: ``horizon_total`` (default) = the fine-tuned
setup's total over the horizon (every training event, tokens and hosting:
``horizon.fine_tuned_usd``); ``monthly_total`` = its monthly run cost plus the amortised
training (``monthly.fine_tuned_usd + monthly.training_amortised_usd``). Ties keep the request
order. A combination the catalog cannot price (no such tier, region, deployment type or method
for that model) is listed under ``unavailable`` with the reason, never dropped silently;
unknown model or region names are errors naming the list item (``variants.models[2]``).
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ftcost.catalog import Catalog, Tier, check_region, resolve_model
from ftcost.engine.estimate import estimate
from ftcost.engine.projection import Projection, ReasonCode
from ftcost.engine.scenario import ModelName, RegionName, Scenario
from ftcost.errors import (
    InvalidInputError,
    ModelRetiredError,
    PriceUnavailableError,
    UnknownModelError,
)

__all__ = [
    "MAX_COMPARE_VARIANTS",
    "CompareRequest",
    "CompareResult",
    "CompareRow",
    "CompareVariant",
    "CompareVariants",
    "UnavailableVariant",
    "compare",
]

MAX_COMPARE_VARIANTS = 100
RankBy = Literal["horizon_total", "monthly_total"]

# Errors about these scenario fields mean "this combination is not offered", not bad input.
_OFFER_FIELDS = frozenset(
    {
        "model",
        "region",
        "training.tier",
        "training.method",
        "deployment.type",
        "fine_tuned.deployment",
        "fine_tuned.model",
        "base.deployment",
        "base.model",
    }
)


class _Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, unknown keys rejected."""


class CompareVariants(_Base, frozen=True, kw_only=True):
    """The values to try; combinations are the cross product of the lists given."""

    tiers: Annotated[list[Tier], Meta(min_length=1, max_length=3)] | None = None
    regions: Annotated[list[RegionName | None], Meta(min_length=1, max_length=100)] | None = None
    models: Annotated[list[ModelName], Meta(min_length=1, max_length=100)] | None = None
    deployments: Annotated[list[Tier], Meta(min_length=1, max_length=3)] | None = None


class CompareRequest(_Base, frozen=True, kw_only=True):
    """A scenario and the tiers/regions/models/deployments to compare it across."""

    scenario: Scenario
    variants: CompareVariants
    rank_by: RankBy = "horizon_total"


class CompareVariant(_Base, frozen=True, kw_only=True):
    """One combination: training tier, region (null = reference price), model, deployment."""

    tier: Tier
    region: str | None
    model: str
    deployment: Tier


class CompareRow(_Base, frozen=True, kw_only=True):
    """Key figures of one combination (all from its Projection)."""

    rank: int  # 1 = cheapest
    variant: CompareVariant
    rank_value_usd: float  # the figure rows are sorted by (see CompareResult.ranked_by)
    model_id: str
    base_model_id: str
    training_usd: float
    hosting_monthly_usd: float
    base_request_usd: float
    fine_tuned_request_usd: float
    monthly_base_usd: float
    monthly_fine_tuned_usd: float
    monthly_net_savings_usd: float
    horizon_base_usd: float
    horizon_fine_tuned_usd: float
    horizon_net_savings_usd: float
    break_even_requests_per_month: float | None
    payback_months: float | None
    pays: bool
    reason_code: ReasonCode
    reason: str | None
    fine_tuned_e2e_p50_s: float | None
    warnings: list[str]  # warning codes of the Projection


class UnavailableVariant(_Base, frozen=True, kw_only=True):
    """A combination the catalog cannot price, and why."""

    variant: CompareVariant
    reason: str
    field: str | None


class CompareResult(_Base, frozen=True, kw_only=True):
    """Rows cheapest first, then the combinations that are not offered."""

    ranked_by: RankBy
    ranked_by_description: str
    horizon_months: int
    rows: list[CompareRow]
    unavailable: list[UnavailableVariant]


_RANK_TEXT: dict[RankBy, str] = {
    "horizon_total": (
        "total cost of the fine-tuned setup over the horizon: every training event, tokens "
        "and hosting (horizon.fine_tuned_usd)"
    ),
    "monthly_total": (
        "monthly cost of the fine-tuned setup: tokens and hosting plus the amortised training "
        "(monthly.fine_tuned_usd + monthly.training_amortised_usd)"
    ),
}


def _check_unique(items: list[str | None], where: str) -> None:
    seen: set[str | None] = set()
    for i, item in enumerate(items):
        if item in seen:
            raise InvalidInputError(
                f"{where}[{i}]: {item!r} is listed twice", field=f"{where}[{i}]"
            )
        seen.add(item)


def _regions(request: CompareRequest, catalog: Catalog) -> list[str | None] | None:
    regions = request.variants.regions
    if regions is None:
        return None
    out: list[str | None] = []
    for i, region in enumerate(regions):
        if region is None:
            out.append(None)
            continue
        where = f"variants.regions[{i}]"
        if request.scenario.provider == "openai":
            raise InvalidInputError(f"{where}: the OpenAI platform has no regions", field=where)
        try:
            out.append(check_region(catalog, region, field=where))
        except InvalidInputError as exc:
            raise InvalidInputError(f"{where}: {exc.detail}", field=where) from None
    _check_unique(out, "variants.regions")
    return out


def _models(request: CompareRequest, catalog: Catalog) -> list[str] | None:
    models = request.variants.models
    if models is None:
        return None
    ids = [
        resolve_model(catalog, m, request.scenario.provider, field=f"variants.models[{i}]").entry.id
        for i, m in enumerate(models)
    ]
    _check_unique(list(ids), "variants.models")
    return list(models)


def _apply(s: Scenario, v: CompareVariant) -> Scenario:
    changes: dict[str, object] = {
        "region": v.region,
        "training": msgspec.structs.replace(s.training, tier=v.tier),
    }
    if v.model != s.model:
        changes["model"] = v.model
        changes["fine_tuned"] = msgspec.structs.replace(s.fine_tuned, model=None)
    if v.deployment != s.deployment.type:
        changes["deployment"] = msgspec.structs.replace(s.deployment, type=v.deployment)
        ft = changes.get("fine_tuned", s.fine_tuned)
        assert isinstance(ft, type(s.fine_tuned))
        changes["fine_tuned"] = msgspec.structs.replace(ft, deployment=None)
    return msgspec.structs.replace(s, **changes)


def _row(p: Projection, v: CompareVariant, rank_by: RankBy) -> CompareRow:
    value = (
        p.horizon.fine_tuned_usd
        if rank_by == "horizon_total"
        else p.monthly.fine_tuned_usd + p.monthly.training_amortised_usd
    )
    lat = p.latency.fine_tuned
    return CompareRow(
        rank=0,
        variant=v,
        rank_value_usd=value,
        model_id=p.per_request.fine_tuned.model,
        base_model_id=p.per_request.base.model,
        training_usd=p.training.cost_usd,
        hosting_monthly_usd=p.hosting.monthly_usd,
        base_request_usd=p.per_request.base_usd,
        fine_tuned_request_usd=p.per_request.fine_tuned_usd,
        monthly_base_usd=p.monthly.base_usd,
        monthly_fine_tuned_usd=p.monthly.fine_tuned_usd,
        monthly_net_savings_usd=p.monthly.net_savings_usd,
        horizon_base_usd=p.horizon.base_usd,
        horizon_fine_tuned_usd=p.horizon.fine_tuned_usd,
        horizon_net_savings_usd=p.horizon.net_savings_usd,
        break_even_requests_per_month=p.break_even.requests_per_month,
        payback_months=p.break_even.payback_months,
        pays=p.break_even.pays,
        reason_code=p.break_even.reason_code,
        reason=p.break_even.reason,
        fine_tuned_e2e_p50_s=lat.e2e_s.p50 if lat is not None else None,
        warnings=[w.code for w in p.warnings],
    )


def compare(
    request: CompareRequest, catalog: Catalog, counter: object | None = None
) -> CompareResult:
    """Rows cheapest first by ``rank_by``, and the combinations not offered (module doc)."""
    s = request.scenario
    v = request.variants
    regions = _regions(request, catalog)
    models = _models(request, catalog)
    if v.tiers is not None:
        _check_unique(list(v.tiers), "variants.tiers")
    if v.deployments is not None:
        _check_unique(list(v.deployments), "variants.deployments")
    if all(x is None for x in (v.tiers, regions, models, v.deployments)):
        raise InvalidInputError(
            "variants: give at least one of tiers, regions, models, deployments",
            field="variants",
        )
    dims: tuple[list[Tier], list[str | None], list[str], list[Tier]] = (
        list(v.tiers) if v.tiers is not None else [s.training.tier],
        regions if regions is not None else [s.region],
        models if models is not None else [s.model],
        list(v.deployments) if v.deployments is not None else [s.deployment.type],
    )
    count = len(dims[0]) * len(dims[1]) * len(dims[2]) * len(dims[3])
    if count > MAX_COMPARE_VARIANTS:
        raise InvalidInputError(
            f"variants: {count} combinations; at most {MAX_COMPARE_VARIANTS} per comparison",
            field="variants",
        )
    rows: list[CompareRow] = []
    unavailable: list[UnavailableVariant] = []
    for tier, region, model, deployment in itertools.product(*dims):
        variant = CompareVariant(tier=tier, region=region, model=model, deployment=deployment)
        try:
            projection = estimate(_apply(s, variant), catalog, counter)
        except (PriceUnavailableError, ModelRetiredError) as exc:
            unavailable.append(_unavailable(variant, exc))  # a retired model: skipped, with why
            continue
        except (InvalidInputError, UnknownModelError) as exc:
            if isinstance(exc, InvalidInputError) and (
                exc.field in _OFFER_FIELDS or (exc.field or "").endswith(".method")
            ):
                unavailable.append(_unavailable(variant, exc))
                continue
            if exc.field:
                exc.field = f"scenario.{exc.field}"
            raise
        rows.append(_row(projection, variant, request.rank_by))
    rows.sort(key=lambda row: row.rank_value_usd)
    return CompareResult(
        ranked_by=request.rank_by,
        ranked_by_description=_RANK_TEXT[request.rank_by],
        horizon_months=s.horizon_months,
        rows=[msgspec.structs.replace(row, rank=i + 1) for i, row in enumerate(rows)],
        unavailable=unavailable,
    )


def _unavailable(variant: CompareVariant, exc: InvalidInputError) -> UnavailableVariant:
    return UnavailableVariant(variant=variant, reason=exc.detail, field=exc.field)
