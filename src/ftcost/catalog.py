"""Load, validate, overlay and query the pricing catalog.

``parse_catalog`` is pure (bytes in, ``ProviderFile`` out); ``load_catalog`` is the one place in
the core that reads files. Lookups (``resolve_model``, ``find_price``) never guess: a price the
catalog does not have raises ``PriceUnavailableError`` naming what is there instead.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from ftcost.errors import (
    CatalogError,
    InvalidInputError,
    PriceUnavailableError,
    UnknownModelError,
)
from ftcost.models import (
    KIND_UNITS,
    Method,
    ModelEntry,
    Price,
    PriceKind,
    ProviderFile,
    Tier,
    Variant,
)

__all__ = [
    "Catalog",
    "CatalogInfo",
    "ResolvedModel",
    "check_region",
    "default_pricing_dir",
    "find_price",
    "known_regions",
    "load_catalog",
    "matching_price",
    "merge_overlay",
    "model_regions",
    "parse_catalog",
    "resolve_model",
]

_INFERENCE_KINDS = frozenset({"input", "cached_input", "output"})
_MSGSPEC_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_FIELD_NAMED = re.compile(r"^Object (?:contains unknown|missing required) field `(?P<name>[^`]+)`$")


class CatalogInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What every output names: which catalog, which version, which dates."""

    provider: str
    version: str
    currency: str
    as_of_min: str
    as_of_max: str
    files: list[str]


class Catalog(msgspec.Struct, frozen=True, kw_only=True):
    """Validated provider files after overlays; ``files`` lists what was loaded, in order."""

    providers: dict[str, ProviderFile]
    files: dict[str, list[str]] = {}

    def provider(self, provider: str) -> ProviderFile:
        """The provider's merged file, or ``InvalidInputError`` naming the known providers."""
        try:
            return self.providers[provider]
        except KeyError:
            known = ", ".join(sorted(self.providers))
            raise PriceUnavailableError(
                f"unknown provider {provider!r}; known: {known}", field="provider"
            ) from None

    def models(self, provider: str | None = None) -> Iterator[tuple[str, ModelEntry]]:
        """Every (provider, model) pair, optionally for one provider."""
        for name, pf in sorted(self.providers.items()):
            if provider is None or provider == name:
                for entry in pf.models:
                    yield name, entry

    def info(self) -> list[CatalogInfo]:
        """Version, currency and the range of ``as_of`` dates, per provider."""
        out = []
        for name, pf in sorted(self.providers.items()):
            dates = sorted(d.isoformat() for d in _as_of_dates(pf))
            out.append(
                CatalogInfo(
                    provider=name,
                    version=pf.version,
                    currency=pf.currency,
                    as_of_min=dates[0] if dates else "",
                    as_of_max=dates[-1] if dates else "",
                    files=list(self.files.get(name, [])),
                )
            )
        return out


class ResolvedModel(msgspec.Struct, frozen=True, kw_only=True):
    """A model name resolved to a catalog entry; ``fine_tune_id`` keeps the job/deployment part."""

    provider: str
    entry: ModelEntry
    requested: str
    fine_tune_id: str | None = None


# ---------------------------------------------------------------------------------------------
# Parsing and validation


def parse_catalog(data: bytes, *, source: str, overlay: bool = False) -> ProviderFile:
    """Decode and validate one pricing TOML; errors name ``source`` and the field path.

    With ``overlay=True`` a model may leave out ``encoding`` (it is taken from the model it
    overrides); the merged catalog is validated again.
    """
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark (Windows editors add one)
        data = data[3:]
    try:
        pf = msgspec.toml.decode(data, type=ProviderFile)
    except msgspec.ValidationError as exc:
        msg = str(exc)
        m = _MSGSPEC_PATH.search(msg)
        where = m.group("path") if m else ""
        detail = msg[: m.start()] if m else msg
        if f := _FIELD_NAMED.match(detail):  # name the unknown or missing field in the path
            where = f"{where}.{f.group('name')}" if where else f.group("name")
        raise CatalogError(detail, path=source, where=where) from None
    except msgspec.DecodeError as exc:
        raise CatalogError(f"not valid TOML: {exc}", path=source) from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"not UTF-8 text: {exc}", path=source) from None
    _validate(pf, source=source, overlay=overlay)
    return pf


def _validate(pf: ProviderFile, *, source: str, overlay: bool = False) -> None:
    def fail(where: str, detail: str) -> CatalogError:
        return CatalogError(detail, path=source, where=where)

    source_ids = [s.id for s in pf.sources]
    if len(set(source_ids)) != len(source_ids):
        dup = next(s for s in source_ids if source_ids.count(s) > 1)
        raise fail("sources", f"duplicate source id {dup!r}")
    known_sources = set(source_ids)
    names: dict[str, str] = {}
    for i, model in enumerate(pf.models):
        at = f"models[{i}]"
        if model.encoding is None and not overlay:
            raise fail(f"{at}.encoding", f"model {model.id!r} needs an encoding")
        for name in (model.id, *model.aliases):
            key = name.lower()
            if key in names and names[key] != model.id:
                raise fail(at, f"name {name!r} is used by both {names[key]!r} and {model.id!r}")
            if key in names and name != model.id:
                raise fail(f"{at}.aliases", f"alias {name!r} repeats a name of {model.id!r}")
            names[key] = model.id
        seen: dict[tuple[Any, ...], int] = {}
        for j, price in enumerate(model.prices):
            pat = f"{at}.prices[{j}]"
            _check_provenance(price, pat, known_sources, fail)
            if price.kind in _INFERENCE_KINDS and price.variant is None:
                raise fail(f"{pat}.variant", f"a {price.kind} price needs a variant")
            if price.kind not in _INFERENCE_KINDS and price.variant is not None:
                raise fail(f"{pat}.variant", f"a {price.kind} price takes no variant")
            if (
                price.effective_from
                and price.effective_to
                and price.effective_to < price.effective_from
            ):
                raise fail(f"{pat}.effective_to", "effective_to is before effective_from")
            pkey = (price.kind, price.tier, price.region, price.variant, price.method)
            if pkey in seen:
                raise fail(pat, f"repeats the price at {at}.prices[{seen[pkey]}]")
            seen[pkey] = j
        for fname in msgspec.structs.fields(model.limits):
            fig = getattr(model.limits, fname.name)
            if fig is not None:
                _check_provenance(fig, f"{at}.limits.{fname.name}", known_sources, fail)
        if model.latency is not None:
            for fname in msgspec.structs.fields(model.latency):
                pct = getattr(model.latency, fname.name)
                where = f"{at}.latency.{fname.name}"
                _check_source(pct, where, known_sources, fail)
                values = (pct.p10, pct.p50, pct.p90)
                if not all(math.isfinite(v) for v in values):
                    raise fail(where, "percentiles must be finite")
                if not pct.p10 <= pct.p50 <= pct.p90:
                    raise fail(where, "percentiles must satisfy p10 <= p50 <= p90")
                if fname.name == "decode_tokens_per_s" and pct.p10 <= 0:
                    raise fail(where, "decode rate must be positive")
        for part in ("regions", "lifecycle"):
            obj = getattr(model, part)
            if obj is not None:
                _check_source(obj, f"{at}.{part}", known_sources, fail)


def _check_source(obj: Any, where: str, known: set[str], fail: Any) -> None:
    if obj.source not in known:
        raise fail(f"{where}.source", f"source {obj.source!r} is not in the sources table")
    if obj.status == "derived" and not obj.rule:
        raise fail(f"{where}.rule", "a derived figure must state its rule")


def _check_provenance(fig: Any, where: str, known: set[str], fail: Any) -> None:
    _check_source(fig, where, known, fail)
    if fig.status == "not_found":
        if fig.value is not None:
            raise fail(f"{where}.value", "a not_found figure has no value")
        if not fig.note:
            raise fail(f"{where}.note", "a not_found figure must say what is missing")
    elif fig.value is None:
        raise fail(f"{where}.value", f"missing value (status {fig.status!r})")
    elif isinstance(fig.value, float) and not math.isfinite(fig.value):
        raise fail(f"{where}.value", "value must be finite")


def _as_of_dates(pf: ProviderFile) -> Iterator[Any]:
    for m in pf.models:
        for p in m.prices:
            yield p.as_of


# ---------------------------------------------------------------------------------------------
# Loading and overlays


def default_pricing_dir() -> Path:
    """The catalog shipped in the wheel (``ftcost/_pricing``), or ``pricing/`` in a checkout."""
    packaged = Path(str(resources.files("ftcost"))) / "_pricing"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "pricing"


def load_catalog(directory: Path | None = None, overlays: Sequence[Path] = ()) -> Catalog:
    """Read every ``*.toml`` of ``directory`` (default: the shipped catalog), then overlays."""
    base_dir = directory if directory is not None else default_pricing_dir()
    files = sorted(base_dir.glob("*.toml"))
    if not files:
        raise CatalogError("no pricing files (*.toml) found", path=str(base_dir))
    providers: dict[str, ProviderFile] = {}
    origins: dict[str, list[str]] = {}
    for path in files:
        label = f"pricing/{path.name}"
        pf = parse_catalog(_read(path), source=label)
        if pf.provider in providers:
            raise CatalogError(f"provider {pf.provider!r} is defined twice", path=label)
        providers[pf.provider] = pf
        origins[pf.provider] = [label]
    for path in overlays:
        ov = parse_catalog(_read(path), source=str(path), overlay=True)
        base = providers.get(ov.provider)
        merged = ov if base is None else merge_overlay(base, ov)
        _validate(merged, source=str(path))
        providers[ov.provider] = merged
        origins.setdefault(ov.provider, []).append(str(path))
    return Catalog(providers=providers, files=origins)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path=str(path)) from None


def merge_overlay(base: ProviderFile, overlay: ProviderFile) -> ProviderFile:
    """Apply a user's price sheet on top of ``base``.

    Same currency: prices replace the base prices with the same (kind, tier, region, variant,
    method); other fields the overlay sets replace the model's; new models are added. A
    different currency replaces the provider's models outright (prices in two currencies
    cannot be mixed), keeping only the overlay's.
    """
    if overlay.currency != base.currency:
        return overlay
    by_name = {n.lower(): m for m in base.models for n in (m.id, *m.aliases)}
    models = list(base.models)
    for om in overlay.models:
        bm = by_name.get(om.id.lower())
        if bm is None:
            models.append(om)
            continue
        models[models.index(bm)] = _merge_model(bm, om)
    sources = list(base.sources) + [s for s in overlay.sources if s.id not in _ids(base.sources)]
    return msgspec.structs.replace(
        base,
        version=f"{base.version}+{overlay.version}",
        models=models,
        sources=sources,
    )


def _ids(items: Iterable[Any]) -> set[str]:
    return {i.id for i in items}


def _merge_model(base: ModelEntry, over: ModelEntry) -> ModelEntry:
    def key(p: Price) -> tuple[Any, ...]:
        return (p.kind, p.tier, p.region, p.variant, p.method)

    over_keys = {key(p) for p in over.prices}
    prices = [p for p in base.prices if key(p) not in over_keys] + list(over.prices)
    changes: dict[str, Any] = {"prices": prices}
    defaults = ModelEntry(id=over.id)
    for f in msgspec.structs.fields(ModelEntry):
        if f.name in ("id", "prices"):
            continue
        value = getattr(over, f.name)
        if value != getattr(defaults, f.name):
            changes[f.name] = value
    return msgspec.structs.replace(base, **changes)


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
