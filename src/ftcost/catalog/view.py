"""Views of catalog models for listings: filters, headline prices, cited sources, JSON records.

Pure: everything here reads a loaded ``Catalog`` and returns values; the CLI (``ftcost models``)
renders them. A headline cell is ``None`` when the model does not offer that tier or deployment
(shown as "-"), and a ``Cell`` with ``value=None`` when the catalog records the figure as
``not_found`` (shown as "n/a").
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import msgspec

from ftcost.catalog.lookup import (
    check_region,
    find_price,
    matching_price,
    model_regions,
    resolve_model,
)
from ftcost.catalog.schema import (
    KIND_UNITS,
    Encoding,
    Method,
    ModelEntry,
    Price,
    PriceKind,
    ProviderFile,
    Source,
    Status,
    Tier,
    Variant,
)
from ftcost.catalog.store import Catalog, CatalogInfo
from ftcost.errors import InvalidInputError, PriceUnavailableError

__all__ = [
    "TIERS",
    "TOKEN_KINDS",
    "Cell",
    "Headline",
    "ModelRecord",
    "ProviderSummary",
    "filter_models",
    "headline",
    "model_record",
    "other_providers",
    "price_order",
    "provider_summaries",
]

TIERS: tuple[Tier, ...] = ("standard", "global", "developer")
TOKEN_KINDS: tuple[PriceKind, ...] = ("input", "cached_input", "output")

TokenUse = Literal["fine_tuned", "base", "grader"]


class Cell(msgspec.Struct, frozen=True, kw_only=True):
    """One headline figure: ``value`` None means the sources have none (``not_found``)."""

    value: float | None
    status: Status
    unit: str
    source: str
    region: str | None = None


class Headline(msgspec.Struct, frozen=True, kw_only=True):
    """The figures of one row of ``ftcost models``.

    ``training`` maps each tier to its SFT/DPO price per 1M tokens, or the RFT price per hour
    when ``training_kind`` is ``rft_training``. ``deployment`` is the deployment type whose
    hosting and token prices are shown (the provider's reference tier when the model offers it);
    ``token_use`` says whose token prices those are: a fine-tuned deployment's, or for models
    that cannot be fine-tuned the base model's or the RFT grader's.
    """

    provider: str
    id: str
    methods: list[Method]
    training_kind: PriceKind | None
    training: dict[str, Cell | None]
    deployment: Tier | None
    token_use: TokenUse | None
    hosting: Cell | None
    tokens: dict[str, Cell | None]
    training_example_tokens: int | None
    training_example_tokens_status: Status | None


class ModelRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One model as ``ftcost models --json`` prints it: every field of the catalog entry spelled
    out (defaults included, figures value first, each price with its ``unit``), its provider,
    the rows of the sources table it cites and the catalog it comes from."""

    provider: str
    id: str
    aliases: list[str]
    encoding: Encoding | None
    tokenizer: str | None
    methods: list[Method]
    tiers: list[Tier]
    deployments: list[Tier]
    prices: list[dict[str, Any]]
    limits: dict[str, Any]
    latency: dict[str, Any] | None
    regions: dict[str, Any] | None
    lifecycle: dict[str, Any] | None
    notes: list[str]
    sources: list[Source]
    catalog: CatalogInfo


_PROVENANCE = ("status", "source", "as_of", "effective_from", "effective_to", "rule", "note")


def _spelled(obj: Any) -> Any:
    """A Struct as a dict of every field (defaults included), provenance fields last; a
    price gets its ``unit`` after its ``value``."""
    if isinstance(obj, msgspec.Struct):
        names = [f.name for f in msgspec.structs.fields(obj)]
        ordered = [n for n in names if n not in _PROVENANCE] + [
            n for n in _PROVENANCE if n in names
        ]
        out: dict[str, Any] = {}
        for n in ordered:
            out[n] = _spelled(getattr(obj, n))
            if n == "value" and isinstance(obj, Price):
                out["unit"] = KIND_UNITS[obj.kind]
        return out
    if isinstance(obj, list):
        return [_spelled(x) for x in obj]
    return obj


def filter_models(
    catalog: Catalog,
    *,
    provider: str | None = None,
    method: Method | None = None,
    region: str | None = None,
) -> list[tuple[str, ModelEntry]]:
    """The (provider, model) pairs matching the filters, in catalog order.

    An unknown provider or region is an ``InvalidInputError`` naming the closest known ones.
    """
    if provider is not None and provider not in catalog.providers:
        known = ", ".join(sorted(catalog.providers))
        raise InvalidInputError(f"unknown provider {provider!r}; known: {known}", field="provider")
    wanted = check_region(catalog, region) if region else None
    return [
        (name, entry)
        for name, entry in catalog.models(provider)
        if (method is None or method in entry.methods)
        and (wanted is None or wanted in model_regions(entry))
    ]


def _cell(
    entry: ModelEntry,
    kind: PriceKind,
    tier: Tier,
    *,
    region: str | None,
    variant: Variant | None = None,
    method: Method | None = None,
) -> Cell | None:
    """The price ``find_price`` would use, as a cell; a recorded not_found figure stays one."""
    best = matching_price(entry, kind, tier, region=region, variant=variant, method=method)
    if best is None:
        return None
    unit = KIND_UNITS[kind]
    if best.status == "not_found" or best.value is None:
        return Cell(value=None, status="not_found", unit=unit, source=best.source)
    try:
        price = find_price(entry, kind, tier, region=region, variant=variant, method=method)
    except PriceUnavailableError:
        return None  # outside the model's documented regions for this tier
    return Cell(
        value=price.value, status=price.status, unit=unit, source=price.source, region=price.region
    )


def headline(
    provider: str, pf: ProviderFile, entry: ModelEntry, *, region: str | None = None
) -> Headline:
    """The headline figures of a model, at ``region``'s prices where the catalog has them."""
    region = region.lower() if region else None
    training_kind: PriceKind | None = None
    method: Method | None = None
    if entry.methods:
        method = "sft" if "sft" in entry.methods else entry.methods[0]
        training_kind = "rft_training" if method == "rft" else "training"
    training: dict[str, Cell | None] = {}
    for tier in TIERS:
        offered = training_kind is not None and tier in entry.tiers
        training[tier] = (
            _cell(entry, training_kind, tier, region=region, method=method)
            if offered and training_kind is not None
            else None
        )

    deployment: Tier | None = None
    token_use: TokenUse | None = None
    if entry.deployments:
        deployment = (
            pf.reference_tier if pf.reference_tier in entry.deployments else entry.deployments[0]
        )
        token_use = "fine_tuned"
    else:
        for use in ("base", "grader"):
            tiers = [
                t for t in TIERS if any(p.tier == t and p.variant == use for p in entry.prices)
            ]
            if tiers:
                deployment = pf.reference_tier if pf.reference_tier in tiers else tiers[0]
                token_use = "base" if use == "base" else "grader"
                break
    hosting = (
        _cell(entry, "hosting", deployment, region=region)
        if entry.deployments and deployment is not None
        else None
    )
    tokens: dict[str, Cell | None] = {
        kind: (
            _cell(entry, kind, deployment, region=region, variant=token_use)
            if deployment is not None and token_use is not None
            else None
        )
        for kind in TOKEN_KINDS
    }
    limit = entry.limits.training_example_tokens
    return Headline(
        provider=provider,
        id=entry.id,
        methods=list(entry.methods),
        training_kind=training_kind,
        training=training,
        deployment=deployment,
        token_use=token_use,
        hosting=hosting,
        tokens=tokens,
        training_example_tokens=limit.value if limit is not None else None,
        training_example_tokens_status=limit.status if limit is not None else None,
    )


def _cited(entry: ModelEntry) -> set[str]:
    ids = {p.source for p in entry.prices}
    for f in msgspec.structs.fields(entry.limits):
        fig = getattr(entry.limits, f.name)
        if fig is not None:
            ids.add(fig.source)
    if entry.latency is not None:
        for f in msgspec.structs.fields(entry.latency):
            ids.add(getattr(entry.latency, f.name).source)
    if entry.regions is not None:
        ids.add(entry.regions.source)
    if entry.lifecycle is not None:
        for f in msgspec.structs.fields(entry.lifecycle):
            fact = getattr(entry.lifecycle, f.name)
            if fact is not None:
                ids.add(fact.source)
    return ids


def model_record(catalog: Catalog, provider: str, entry: ModelEntry) -> ModelRecord:
    """The JSON record of one model, with the sources it cites in sources-table order."""
    pf = catalog.provider(provider)
    cited = _cited(entry)
    info = catalog.provider_info(provider)
    return ModelRecord(
        provider=provider,
        id=entry.id,
        aliases=list(entry.aliases),
        encoding=entry.encoding,
        tokenizer=entry.tokenizer,
        methods=list(entry.methods),
        tiers=list(entry.tiers),
        deployments=list(entry.deployments),
        prices=[_spelled(p) for p in entry.prices],
        limits=_spelled(entry.limits),
        latency=_spelled(entry.latency),
        regions=_spelled(entry.regions),
        lifecycle=_spelled(entry.lifecycle),
        notes=list(entry.notes),
        sources=[s for s in pf.sources if s.id in cited],
        catalog=info,
    )


def other_providers(catalog: Catalog, name: str, provider: str) -> list[str]:
    """The other providers where ``name`` also resolves (to point at ``--provider``)."""
    out = []
    for other in sorted(catalog.providers):
        if other == provider:
            continue
        try:
            resolve_model(catalog, name, other)
        except LookupError:
            continue
        out.append(other)
    return out


_KIND_ORDER = {k: i for i, k in enumerate(KIND_UNITS)}
_VARIANT_ORDER = {None: 0, "fine_tuned": 1, "base": 2, "grader": 3}
# Every tier, the headline tiers first (Data Zone, Batch and PTU prices sort after them).
_TIER_ORDER = {t: i for i, t in enumerate(get_args(Tier))}


def price_order(p: Price) -> tuple[int, int, int, str, int]:
    """Sort key: training and hosting by kind, tier, region; then token prices by variant,
    deployment type, region and kind (input, cached input, output)."""
    if p.variant is None:
        return (0, _KIND_ORDER[p.kind], _TIER_ORDER[p.tier], p.region or "", 0)
    return (_VARIANT_ORDER[p.variant], _TIER_ORDER[p.tier], 0, p.region or "", _KIND_ORDER[p.kind])


class ProviderSummary(msgspec.Struct, frozen=True, kw_only=True):
    """What ``ftcost catalog info`` reports for one provider."""

    provider: str
    version: str
    currency: str
    reference_tier: Tier
    as_of_min: str
    as_of_max: str
    files: list[str]
    models: int
    prices: int
    statuses: dict[str, int]
    sources: list[Source]


def provider_summaries(catalog: Catalog) -> list[ProviderSummary]:
    """Versions, currency, as-of range, files, counts by status and the sources table."""
    out = []
    for info in catalog.info():
        pf = catalog.provider(info.provider)
        statuses: dict[str, int] = {}
        for entry in pf.models:
            for p in entry.prices:
                statuses[p.status] = statuses.get(p.status, 0) + 1
        out.append(
            ProviderSummary(
                provider=info.provider,
                version=info.version,
                currency=info.currency,
                reference_tier=pf.reference_tier,
                as_of_min=info.as_of_min,
                as_of_max=info.as_of_max,
                files=list(info.files),
                models=len(pf.models),
                prices=sum(len(m.prices) for m in pf.models),
                statuses=dict(sorted(statuses.items())),
                sources=list(pf.sources),
            )
        )
    return out
