"""Azure Retail Prices API pages to catalog prices for the fine-tuning meters.

Pure: ``import_azure`` takes the pages' bytes (``{"Items": [...], "NextPageLink": ...}`` from
``https://prices.azure.com/api/retail/prices``) and returns a ``ProviderFile`` shaped like an
overlay of ``pricing/azure.toml``, with every meter it could not map listed with the reason.
The CLI (``ftcost catalog import-azure``) reads the files and writes the TOML; meter names are
read by ``ftcost.catalog.azure_meters``.

Regions: a tier's reference price (no ``region``) is the price most US commercial regions share
(all regions when no US region has the meter); every region with another price gets an override.
PTU meters (USD per PTU-hour, the same for every model) become the file's ``provisioned_prices``.
``effective_from`` is the earliest ``effectiveStartDate`` among the meters that carry the price.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import Meta

from ftcost.catalog.azure_meters import MODEL_ORDER, MeterUse, classify_meter
from ftcost.catalog.schema import (
    Encoding,
    ModelEntry,
    Price,
    PriceKind,
    ProviderFile,
    Source,
    Status,
    Tier,
)
from ftcost.catalog.schema import Variant as VariantName
from ftcost.catalog.view import price_order
from ftcost.errors import InvalidInputError

__all__ = [
    "AzureImport",
    "Unmapped",
    "import_azure",
]

RETAIL_PRICES_URL = "https://prices.azure.com/api/retail/prices"
US_REGIONS = frozenset(
    {
        "eastus",
        "eastus2",
        "centralus",
        "northcentralus",
        "southcentralus",
        "westcentralus",
        "westus",
        "westus2",
        "westus3",
    }
)
_REGION = re.compile(r"^[a-z0-9]+$")
_MSGSPEC_PATH = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")


class RetailItem(msgspec.Struct, kw_only=True, rename="camel"):
    """The fields of one API item that the import reads; the API's other fields are ignored."""

    meter_name: str
    product_name: str = ""
    sku_name: str = ""
    arm_region_name: str = ""
    unit_of_measure: str
    retail_price: Annotated[Decimal, Meta()]
    currency_code: str
    effective_start_date: str
    type: str = "Consumption"
    tier_minimum_units: float = 0.0


class RetailPage(msgspec.Struct, kw_only=True, rename={"items": "Items", "next": "NextPageLink"}):
    """One page of the API's answer."""

    items: list[RetailItem]
    next: str | None = None


class Unmapped(msgspec.Struct, frozen=True, kw_only=True):
    """A meter the import could not map, how many items carried it, where, and why."""

    meter_name: str
    product_name: str
    unit: str
    reason: str
    items: int
    regions: list[str]


class AzureImport(msgspec.Struct, frozen=True, kw_only=True):
    """The imported catalog file and an account of every item read."""

    provider_file: ProviderFile
    pages: int
    items: int
    items_mapped: int
    items_repeated: int  # items seen before on another page (or twice on one), counted once
    unmapped: list[Unmapped]
    warnings: list[str]


# ---------------------------------------------------------------------------------------------
# Pages


def _decode_page(data: bytes, name: str) -> RetailPage:
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark (PowerShell adds one)
        data = data[3:]
    try:
        return msgspec.json.decode(data, type=RetailPage)
    except msgspec.ValidationError as exc:
        msg = str(exc)
        m = _MSGSPEC_PATH.search(msg)
        where = m.group("path") if m else ""
        detail = msg[: m.start()] if m else msg
        at = f"{where}: " if where else ""
        raise InvalidInputError(f"{name}: {at}{detail}", field=where or None) from None
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"{name}: not a Retail Prices API page (JSON): {exc}") from None


def _start_date(item: RetailItem, name: str, i: int) -> dt.date:
    text = item.effective_start_date.strip()
    try:
        return (
            dt.datetime.fromisoformat(text).date() if "T" in text else dt.date.fromisoformat(text)
        )
    except ValueError:
        where = f"Items[{i}].effectiveStartDate"
        raise InvalidInputError(
            f"{name}: {where}: not a date: {item.effective_start_date!r}", field=where
        ) from None


class _Seen(msgspec.Struct):
    """One price observation: a meter's price in one region."""

    region: str | None
    value: float
    effective: dt.date
    meter: str


def import_azure(
    pages: Sequence[tuple[str, bytes]],
    *,
    as_of: dt.date,
    source_id: str = "ARP",
) -> AzureImport:
    """Map the fine-tuning meters of Retail Prices API pages to a catalog ``ProviderFile``.

    ``pages`` are (name, bytes) pairs; the name only labels errors (``page2.json: Items[3]...``).
    ``as_of`` is the date the pages were fetched (the API states none); every price carries it
    and ``source_id``, a row of the file's sources table. Raises ``InvalidInputError`` naming
    the page and item for malformed pages, a negative price or mixed currencies.
    """
    if not pages:
        raise InvalidInputError("no Retail Prices API pages given")
    currency: tuple[str, str] | None = None  # (code, where first seen)
    slots: dict[tuple[str, PriceKind, Tier, VariantName | None], list[_Seen]] = defaultdict(list)
    encodings: dict[str, Encoding] = {}
    statuses: dict[tuple[str, PriceKind, Tier, VariantName | None], tuple[Status, str]] = {}
    unmapped: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    warnings: list[str] = []
    seen_items: set[tuple[str, str, str, str]] = set()
    n_items = n_mapped = n_repeated = 0
    for p_index, (name, data) in enumerate(pages):
        page = _decode_page(data, name)
        if p_index == len(pages) - 1 and page.next:
            warnings.append(
                f"{name} (the last page given) links to a next page: the download may be incomplete"
            )
        for i, item in enumerate(page.items):
            n_items += 1
            where = f"{name}: Items[{i}]"
            if item.retail_price < 0 or not item.retail_price.is_finite():
                raise InvalidInputError(
                    f"{where}.retailPrice: must be a finite price >= 0, got {item.retail_price}",
                    field=f"Items[{i}].retailPrice",
                )
            code = item.currency_code.strip().upper()
            if currency is None:
                currency = (code, where)
            elif code != currency[0]:
                raise InvalidInputError(
                    f"{where}.currencyCode: {code!r} differs from {currency[0]!r} "
                    f"({currency[1]}); import one currency at a time",
                    field=f"Items[{i}].currencyCode",
                )
            effective = _start_date(item, name, i)
            region = item.arm_region_name.strip().lower()
            dedupe = (item.meter_name, region, item.unit_of_measure, str(item.retail_price))
            if dedupe in seen_items:
                n_repeated += 1  # the same item on two pages
                continue
            seen_items.add(dedupe)
            use: MeterUse | str
            if item.type and item.type != "Consumption":
                use = f"price type {item.type!r} (only Consumption prices are imported)"
            elif item.tier_minimum_units > 0:
                use = "tiered price (tierMinimumUnits > 0)"
            else:
                use = classify_meter(item.meter_name, item.unit_of_measure)
            if isinstance(use, str):
                key = (item.meter_name, item.product_name, item.unit_of_measure, use)
                unmapped[key].append(region)
                continue
            n_mapped += 1
            value = float(item.retail_price * use.per_unit)
            for model in use.models or ("",):  # "": a PTU price, the file's provisioned_prices
                if model:
                    encodings[model] = use.encoding
                for kind in use.kinds:
                    for tier in use.tiers:
                        slot = (model, kind, tier, use.variant)
                        slots[slot].append(
                            _Seen(
                                region=region if _REGION.match(region) else None,
                                value=value,
                                effective=effective,
                                meter=item.meter_name,
                            )
                        )
                        status: Status = "uncertain" if model in use.uncertain else "verified"
                        statuses[slot] = (status, use.note)
    assert currency is not None or n_items == 0
    prices: dict[str, list[Price]] = defaultdict(list)
    for slot, seen in slots.items():
        status, note = statuses[slot]
        prices[slot[0]] += _prices(slot, seen, as_of, source_id, status, note, warnings)
    provisioned = sorted(prices.pop("", []), key=lambda p: (p.tier, p.kind, p.region or ""))
    rank = {m: i for i, m in enumerate(MODEL_ORDER)}
    models = [
        ModelEntry(id=m, encoding=encodings[m], prices=sorted(prices[m], key=price_order))
        for m in sorted(encodings, key=lambda m: rank[m])
    ]
    names = ", ".join(name for name, _ in pages)
    pf = ProviderFile(
        schema_version=1,
        provider="azure",
        version=f"azure-retail-{as_of.isoformat()}",
        currency=currency[0] if currency else "USD",
        reference_tier="global",
        sources=[
            Source(
                id=source_id,
                title="Azure Retail Prices API, fine-tuning meters (ftcost catalog import-azure)",
                url=RETAIL_PRICES_URL,
                date=as_of.isoformat(),
                note=f"pages: {names}",
            )
        ],
        provisioned_prices=provisioned,
        models=models,
    )
    return AzureImport(
        provider_file=pf,
        pages=len(pages),
        items=n_items,
        items_mapped=n_mapped,
        items_repeated=n_repeated,
        unmapped=[
            Unmapped(
                meter_name=meter,
                product_name=product,
                unit=unit,
                reason=reason,
                items=len(regions),
                regions=sorted({r for r in regions if r}),
            )
            for (meter, product, unit, reason), regions in sorted(unmapped.items())
        ],
        warnings=warnings,
    )


def _prices(
    slot: tuple[str, PriceKind, Tier, VariantName | None],
    seen: list[_Seen],
    as_of: dt.date,
    source_id: str,
    status: Status,
    note: str,
    warnings: list[str],
) -> list[Price]:
    """The reference price of one slot and its region overrides."""
    model, kind, tier, variant = slot
    by_region: dict[str | None, _Seen] = {}
    for s in sorted(seen, key=lambda s: s.effective):
        old = by_region.get(s.region)
        if old is not None and old.value != s.value and s.region is not None:
            warnings.append(
                f"{model or 'PTU'} {kind} {tier} {variant or ''} in {s.region}: meters "
                f"{old.meter!r} "
                f"({old.value:g}) and {s.meter!r} ({s.value:g}) disagree; the later "
                f"({s.effective.isoformat()}) is used".replace("  ", " ")
            )
        by_region[s.region] = s  # the later effective date wins
    us = [s for r, s in by_region.items() if r in US_REGIONS]
    pool = us or list(by_region.values())
    counts = Counter(s.value for s in pool)
    reference = min(counts, key=lambda v: (-counts[v], v))  # most regions, then the lower price
    ref_seen = [s for s in pool if s.value == reference]

    def price(value: float, region: str | None, group: list[_Seen]) -> Price:
        meters = sorted({s.meter for s in group})
        where = f"{len(group)} region{'s' if len(group) != 1 else ''}" if region is None else region
        text = f"meter {', '.join(repr(m) for m in meters)} ({where})"
        return Price(
            kind=kind,
            tier=tier,
            region=region,
            variant=variant,
            value=value,
            source=source_id,
            as_of=as_of,
            status=status,
            effective_from=min(s.effective for s in group),
            note=f"{text}; {note}" if note else text,
        )

    out = [price(reference, None, ref_seen)]
    for region, s in sorted(by_region.items(), key=lambda kv: kv[0] or ""):
        if region is not None and s.value != reference:
            out.append(price(s.value, region, [s]))
    return out
