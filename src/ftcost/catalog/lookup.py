"""Lookups in a loaded catalog: model names, regions and prices.

``resolve_model`` turns a name, alias or fine-tuned id into its catalog entry; ``check_region``
spells a region as the catalog does; ``find_price`` returns the price a model, tier, region and
variant are billed at. None of them guesses: what the catalog does not have raises an error naming
what is there instead (``UnknownModelError``, ``InvalidInputError``, ``PriceUnavailableError``).
"""

from __future__ import annotations

import difflib
import re

import msgspec

from ftcost.catalog.schema import KIND_UNITS, Method, ModelEntry, Price, PriceKind, Tier, Variant
from ftcost.catalog.store import Catalog
from ftcost.errors import InvalidInputError, PriceUnavailableError, UnknownModelError

__all__ = [
    "ResolvedModel",
    "check_region",
    "find_price",
    "find_ptu_price",
    "known_regions",
    "matching_price",
    "model_regions",
    "resolve_model",
]


class ResolvedModel(msgspec.Struct, frozen=True, kw_only=True):
    """A model name resolved to a catalog entry; ``fine_tune_id`` keeps the job/deployment part."""

    provider: str
    entry: ModelEntry
    requested: str
    fine_tune_id: str | None = None


# ---------------------------------------------------------------------------------------------
# Name resolution

_FT_OPENAI = re.compile(r"^ft:(?P<base>[^:]+):")
_FT_AZURE = re.compile(r"^(?P<base>.+?)\.ft-[0-9a-z_-]+$")


def resolve_model(
    catalog: Catalog, name: str, provider: str | None = None, *, field: str = "model"
) -> ResolvedModel:
    """Resolve a model name, alias or fine-tuned id, case-insensitively.

    Accepts ``gpt-4.1-mini``, ``gpt-4.1-mini-2025-04-14``, OpenAI fine-tune ids
    (``ft:gpt-4.1-mini-2025-04-14:acme::AbC123[:ckpt-step-N]``) and Azure fine-tuned deployment
    names (``gpt-4.1-mini-2025-04-14.ft-0123abcd…``). ``provider=None`` searches every provider
    and prefers the first in name order when a name exists in several, except that a fine-tune
    id is looked up first at the provider whose id format it has.
    """
    raw = name.strip()
    key = raw.lower()
    fine_tune_id = None
    home = None  # the provider whose id format this is, searched first
    if m := _FT_OPENAI.match(key):
        fine_tune_id, key, home = raw, m.group("base"), "openai"
    elif m := _FT_AZURE.match(key):
        fine_tune_id, key, home = raw, m.group("base"), "azure"
    candidates: list[str] = []
    providers = [provider] if provider is not None else sorted(catalog.providers)
    if home in providers:
        providers.remove(home)
        providers.insert(0, home)
    for pname in providers:
        pf = catalog.provider(pname)
        for entry in pf.models:
            names = [entry.id, *entry.aliases]
            candidates.extend(names)
            if key in (n.lower() for n in names):
                return ResolvedModel(
                    provider=pname, entry=entry, requested=raw, fine_tune_id=fine_tune_id
                )
    lowered = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(key, list(lowered), n=3, cutoff=0.5)
    raise UnknownModelError(raw, [lowered[c] for c in close], field=field)


# ---------------------------------------------------------------------------------------------
# Prices

_REGION_LISTS: dict[tuple[str, str], str] = {
    ("training", "standard"): "standard_training",
    ("rft_training", "standard"): "standard_training",
    ("training", "global"): "global_training",
    ("rft_training", "global"): "global_training",
    ("deploy", "standard"): "standard_deployment",
    ("deploy", "global"): "global_deployment",
    ("deploy", "developer"): "developer_deployment",
}


def model_regions(entry: ModelEntry) -> list[str]:
    """Every region one model names, in its prices or its region lists, sorted."""
    out = {p.region for p in entry.prices if p.region}
    if entry.regions is not None:
        for f in msgspec.structs.fields(entry.regions):
            value = getattr(entry.regions, f.name)
            if isinstance(value, list):
                out.update(value)
    return sorted(out)


def known_regions(catalog: Catalog) -> set[str]:
    """Every region the catalog mentions, in prices or region lists."""
    return {r for _, entry in catalog.models() for r in model_regions(entry)}


def check_region(catalog: Catalog, region: str, *, field: str = "region") -> str:
    """``region`` as the catalog spells it (``Sweden Central`` -> ``swedencentral``).

    An unknown region is an ``InvalidInputError`` on ``field`` naming the closest known ones.
    """
    key = region.replace(" ", "").replace("-", "").lower()
    known = known_regions(catalog)
    if key not in known:
        close = difflib.get_close_matches(key, sorted(known), n=3, cutoff=0.6)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise InvalidInputError(f"unknown region {region!r}{hint}", field=field)
    return key


def find_price(
    entry: ModelEntry,
    kind: PriceKind,
    tier: Tier,
    *,
    region: str | None = None,
    variant: Variant | None = None,
    method: Method | None = None,
    field: str | None = None,
) -> Price:
    """The price of ``kind`` for this model, tier/deployment type, region and variant.

    A region-specific entry wins over the reference entry; a method-specific one over a
    general one. Raises ``PriceUnavailableError`` when the model does not offer the tier, the
    region is outside the model's documented regions, or the catalog has no figure
    (``status = "not_found"``, whose note is quoted).
    """
    where = field or f"{kind} price"
    unit = KIND_UNITS[kind]
    if region is not None:
        region = region.lower()
        # The region lists describe fine-tuning and fine-tuned deployments; base-model and
        # grader token prices are sold more widely, so only their region price is looked up.
        if variant in (None, "fine_tuned"):
            _check_region(entry, kind, tier, region, where)
    best = matching_price(entry, kind, tier, region=region, variant=variant, method=method)
    if best is None:
        offered = sorted({p.tier for p in entry.prices if p.kind == kind and p.variant == variant})
        label = f"{variant} " if variant else ""
        hint = f"; the catalog has it for: {', '.join(offered)}" if offered else ""
        raise PriceUnavailableError(
            f"{entry.id} has no {label}{kind} price ({unit}) for tier {tier!r}{hint}",
            field=where,
        )
    if best.status == "not_found" or best.value is None:
        raise PriceUnavailableError(
            f"{entry.id}: no {kind} price ({unit}) for tier {tier!r} in the sources "
            f"({best.note or 'not found'})",
            field=where,
        )
    return best


def find_ptu_price(
    catalog: Catalog,
    provider: str,
    tier: Tier,
    region: str | None,
    *,
    kind: PriceKind = "ptu_hour",
    field: str | None = None,
) -> Price:
    """The provider's PTU price of a provisioned deployment type (model-independent)."""
    pf = catalog.provider(provider)
    table = ModelEntry(id=f"{provider} provisioned throughput", prices=list(pf.provisioned_prices))
    return find_price(table, kind, tier, region=region, field=field)


def matching_price(
    entry: ModelEntry,
    kind: PriceKind,
    tier: Tier,
    *,
    region: str | None = None,
    variant: Variant | None = None,
    method: Method | None = None,
) -> Price | None:
    """The catalog entry ``find_price`` rests on, not_found figures included; None if none.

    A region-specific entry wins over the reference entry; a method-specific one over a
    general one. Region lists are not checked here (``find_price`` does that).
    """
    matches = [
        p
        for p in entry.prices
        if p.kind == kind
        and p.tier == tier
        and p.variant == variant
        and p.method in (None, method)
        and p.region in (None, region)
    ]
    if not matches:
        return None
    return max(matches, key=lambda p: (p.region is not None, p.method is not None))


def _check_region(entry: ModelEntry, kind: str, tier: str, region: str, where: str) -> None:
    if entry.regions is None:
        return
    purpose = "deploy" if kind not in ("training", "rft_training") else kind
    list_name = _REGION_LISTS.get((purpose, tier))
    if list_name is None:
        return
    allowed: list[str] = getattr(entry.regions, list_name)
    if allowed and region not in allowed:
        raise PriceUnavailableError(
            f"{entry.id}: {tier} {'training' if purpose != 'deploy' else 'deployment'} is not "
            f"available in {region!r}; regions: {', '.join(allowed)}",
            field=where,
        )
