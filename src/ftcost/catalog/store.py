"""Load, parse and overlay the pricing catalog: the ``Catalog`` every other module reads.

``parse_catalog`` is pure (bytes in, ``ProviderFile`` out); ``load_catalog`` is the one place in
the core that reads files. The rules a file must meet beyond its schema are in
``ftcost.catalog.checks``; lookups (``resolve_model``, ``find_price``, regions) are in
``ftcost.catalog.lookup``. Lookups never guess: a price the catalog does not
have raises ``PriceUnavailableError`` naming what is there instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import msgspec

from ftcost.catalog.checks import check_provider_file
from ftcost.catalog.files import FileRefused, read_bounded
from ftcost.catalog.schema import ModelEntry, Price, ProviderFile
from ftcost.errors import CatalogError, PriceUnavailableError

__all__ = [
    "Catalog",
    "CatalogInfo",
    "default_pricing_dir",
    "load_catalog",
    "load_sheet",
    "merge_overlay",
    "parse_catalog",
]

_MSGSPEC_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_FIELD_NAMED = re.compile(r"^Object (?:contains unknown|missing required) field `(?P<name>[^`]+)`$")


class CatalogInfo(msgspec.Struct, frozen=True, kw_only=True):
    """What every output names: which catalog, which version, which dates.

    ``as_of_min``/``as_of_max`` span every priced entry of the provider. An output that used
    prices (a Projection) also names the oldest ``as_of`` among them, ``prices_used_as_of``,
    and its age in days on the start date, ``prices_age_days`` (empty / null otherwise).
    """

    provider: str
    version: str
    currency: str
    as_of_min: str
    as_of_max: str
    files: list[str]
    prices_used_as_of: str = ""
    prices_age_days: int | None = None


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

    def provider_info(self, provider: str) -> CatalogInfo:
        """``info()``'s entry for ``provider``, computed once per catalog object.

        ``info()`` walks every price for its as-of dates; estimates and lookups need one entry
        on every call. An unknown provider raises as ``provider()`` does.
        """
        hit = _INFO_CACHE.get(id(self))
        if hit is None or hit[0] is not self:
            if len(_INFO_CACHE) >= 8:
                _INFO_CACHE.clear()
            hit = (self, {c.provider: c for c in self.info()})
            _INFO_CACHE[id(self)] = hit
        if provider not in hit[1]:
            self.provider(provider)  # raises, naming the known providers
        return hit[1][provider]


# Identity-keyed (a Catalog is frozen but not hashable); the entry keeps the catalog alive, so
# an id is never reused while its entry stands.
_INFO_CACHE: dict[int, tuple[Catalog, dict[str, CatalogInfo]]] = {}


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
    check_provider_file(pf, source=source, overlay=overlay)
    return pf


def _as_of_dates(pf: ProviderFile) -> Iterator[Any]:
    for m in pf.models:
        for p in m.prices:
            if p.value is not None:  # "prices as of" counts entries that carry a price
                yield p.as_of


# ---------------------------------------------------------------------------------------------
# Loading and overlays


def default_pricing_dir() -> Path:
    """The catalog shipped in the wheel (``ftcost/_pricing``), or ``pricing/`` in a checkout."""
    packaged = Path(str(resources.files("ftcost"))) / "_pricing"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "pricing"


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
        check_provider_file(merged, source=str(path))
        providers[ov.provider] = merged
        origins.setdefault(ov.provider, []).append(str(path))
    return Catalog(providers=providers, files=origins)


def load_sheet(path: Path) -> Catalog:
    """One price sheet on its own, laid over nothing: what two sheets are compared as."""
    pf = parse_catalog(_read(path), source=str(path), overlay=True)
    return Catalog(providers={pf.provider: pf}, files={pf.provider: [str(path)]})


def _read(path: Path) -> bytes:
    try:
        return read_bounded(path)
    except FileRefused as exc:
        raise CatalogError(f"cannot read a price sheet: {exc.reason}", path=str(path)) from None
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
