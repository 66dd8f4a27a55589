"""Validation of one provider file beyond its schema: the rules msgspec types cannot state.

``check_provider_file`` runs on every parsed pricing file and again on each catalog an overlay
produces: unique source ids and model names, the provenance of every figure (its source is in the
sources table, a derived figure states its rule, a not_found one says what is missing), one price
per (kind, tier, region, variant, method), ordered effective dates and latency percentiles.
Errors are ``CatalogError`` naming the file and the field path.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec

from ftcost.catalog.schema import LIFECYCLE_EVENTS, PROVISIONED_TIERS, Lifecycle, ProviderFile
from ftcost.errors import CatalogError

__all__ = ["check_provider_file"]

_INFERENCE_KINDS = frozenset({"input", "cached_input", "output"})


def check_provider_file(pf: ProviderFile, *, source: str, overlay: bool = False) -> None:
    """Raise ``CatalogError`` at the first rule ``pf`` breaks; an overlay may omit encodings."""

    def fail(where: str, detail: str) -> CatalogError:
        return CatalogError(detail, path=source, where=where)

    source_ids = [s.id for s in pf.sources]
    if len(set(source_ids)) != len(source_ids):
        dup = next(s for s in source_ids if source_ids.count(s) > 1)
        raise fail("sources", f"duplicate source id {dup!r}")
    known_sources = set(source_ids)
    if pf.caching is not None:
        _check_source(pf.caching, "caching", known_sources, fail)
    for j, price in enumerate(pf.provisioned_prices):
        pat = f"provisioned_prices[{j}]"
        _check_provenance(price, pat, known_sources, fail)
        if price.kind not in ("ptu_hour", "ptu_month", "ptu_year"):
            raise fail(f"{pat}.kind", "provisioned prices are ptu_hour, ptu_month or ptu_year")
        if price.tier not in PROVISIONED_TIERS:
            raise fail(f"{pat}.tier", f"a PTU price needs a provisioned tier: {PROVISIONED_TIERS}")
    names: dict[str, str] = {}
    for i, model in enumerate(pf.models):
        at = f"models[{i}]"
        if model.encoding is None and model.tokenizer is None and not overlay:
            raise fail(f"{at}.encoding", f"model {model.id!r} needs an encoding or a tokenizer")
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
        if model.regions is not None:
            _check_source(model.regions, f"{at}.regions", known_sources, fail)
        if model.provisioned is not None:
            _check_source(model.provisioned, f"{at}.provisioned", known_sources, fail)
        if model.lifecycle is not None:
            _check_lifecycle(model.lifecycle, f"{at}.lifecycle", known_sources, fail)


def _check_lifecycle(lc: Lifecycle, where: str, known: set[str], fail: Any) -> None:
    dated = [(name, getattr(lc, name)) for name in LIFECYCLE_EVENTS]
    dated = [(name, d) for name, d in dated if d is not None]
    for name, d in dated:
        _check_source(d, f"{where}.{name}", known, fail)
    if lc.none_published is not None:
        if dated:
            raise fail(f"{where}.none_published", "none_published goes with no dates")
        _check_source(lc.none_published, f"{where}.none_published", known, fail)
    elif not dated:
        raise fail(where, "give at least one date, or none_published with its source")
    when = {name: d.date for name, d in dated}
    only, ends = when.get("training_existing_only"), when.get("training_retirement")
    if only is not None and ends is not None and only > ends:
        raise fail(f"{where}.training_existing_only", "comes after training_retirement")


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
