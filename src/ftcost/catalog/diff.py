"""Prices that changed, appeared or vanished between two catalogs.

Pure: ``diff_catalogs(old, new)`` compares every price of two ``Catalog`` objects by its slot
(provider, model, kind, tier, region, variant, method). A slot whose figure is missing
(``not_found``) counts as absent, so a price that becomes published "appears". A price whose
value is the same but whose ``as_of`` moved is not a change; ``PriceDiff.redated`` counts them.
``ftcost catalog diff`` and ``ftcost catalog refresh`` print the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Literal

import msgspec

from ftcost.catalog.schema import Method, Price, PriceKind, Tier, Variant
from ftcost.catalog.store import Catalog

__all__ = ["ChangeKind", "PriceChange", "PriceDiff", "diff_catalogs"]

ChangeKind = Literal["changed", "added", "removed"]

_Slot = tuple[str, str, PriceKind, Tier, str | None, Variant | None, Method | None]


class PriceChange(msgspec.Struct, frozen=True, kw_only=True):
    """One slot whose price differs: ``old``/``new`` are None where the price is absent."""

    change: ChangeKind
    provider: str
    model: str
    kind: PriceKind
    tier: Tier
    region: str | None
    variant: Variant | None
    method: Method | None
    old: float | None
    new: float | None
    old_as_of: dt.date | None
    new_as_of: dt.date | None

    @property
    def pct(self) -> float | None:
        """The relative change in percent (None unless both sides have a non-zero price)."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        return (self.new - self.old) / self.old * 100.0


class PriceDiff(msgspec.Struct, frozen=True, kw_only=True):
    """Every changed, added and removed price, in catalog order; ``redated`` counts the prices
    whose value is unchanged but whose as-of date differs."""

    old_label: str
    new_label: str
    changes: list[PriceChange]
    changed: int
    added: int
    removed: int
    redated: int


def _prices(catalog: Catalog) -> Iterator[tuple[_Slot, Price]]:
    for provider, entry in catalog.models():
        for p in entry.prices:
            if p.value is not None:
                yield (provider, entry.id, p.kind, p.tier, p.region, p.variant, p.method), p


def diff_catalogs(
    old: Catalog, new: Catalog, *, old_label: str = "old", new_label: str = "new"
) -> PriceDiff:
    """The prices of ``new`` that differ from ``old`` (values compared exactly)."""
    a = dict(_prices(old))
    b = dict(_prices(new))
    order = list(a) + [k for k in b if k not in a]
    changes: list[PriceChange] = []
    redated = 0
    for slot in order:
        pa, pb = a.get(slot), b.get(slot)
        if pa is not None and pb is not None:
            if pa.value == pb.value:
                redated += pa.as_of != pb.as_of
                continue
            change: ChangeKind = "changed"
        else:
            change = "added" if pa is None else "removed"
        provider, model, kind, tier, region, variant, method = slot
        changes.append(
            PriceChange(
                change=change,
                provider=provider,
                model=model,
                kind=kind,
                tier=tier,
                region=region,
                variant=variant,
                method=method,
                old=pa.value if pa is not None else None,
                new=pb.value if pb is not None else None,
                old_as_of=pa.as_of if pa is not None else None,
                new_as_of=pb.as_of if pb is not None else None,
            )
        )
    count = {k: sum(c.change == k for c in changes) for k in ("changed", "added", "removed")}
    return PriceDiff(
        old_label=old_label,
        new_label=new_label,
        changes=changes,
        changed=count["changed"],
        added=count["added"],
        removed=count["removed"],
        redated=redated,
    )
