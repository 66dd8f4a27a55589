"""``import_azure`` on Retail Prices API pages built from the 2026-08-11 snapshot (source AGP).

The fixture (``data/azure-retail-2026-08-11/page-*.json``, made by
``data/make_azure_retail_pages.py --snapshot``) holds the snapshot's items of the catalog's
products in US commercial regions and Sweden Central. Every catalog figure read from that
snapshot (source AGP) must come out of the import with the same value, status and effective date:
Data Zone and Batch prices, the gpt-5.x base prices, Developer training, the o3 grader, the
open-weight fine-tuning meters and the PTU prices.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ftcost.catalog import (
    Price,
    dump_provider_file,
    find_price,
    import_azure,
    load_catalog,
    parse_catalog,
)
from ftcost.catalog.azure_meters import MODEL_ORDER

DATA = Path(__file__).resolve().parent / "data" / "azure-retail-2026-08-11"
PAGES = [(p.name, p.read_bytes()) for p in sorted(DATA.glob("page-*.json"))]
AS_OF = dt.date(2026, 8, 11)
RESULT = import_azure(PAGES, as_of=AS_OF, source_id="AGP")
SHIPPED = load_catalog().provider("azure")
PTU = "(PTU)"  # the model column of a provider-level PTU price

Key = tuple[str, str, str, str | None, str | None]


def _key(model: str, p: Price) -> Key:
    return (model, p.kind, p.tier, p.region, p.variant)


IMPORTED = {_key(m.id, p): p for m in RESULT.provider_file.models for p in m.prices}
IMPORTED |= {_key(PTU, p): p for p in RESULT.provider_file.provisioned_prices}
SHIPPED_ALL = {_key(m.id, p): p for m in SHIPPED.models for p in m.prices}
SHIPPED_ALL |= {_key(PTU, p): p for p in SHIPPED.provisioned_prices}
FROM_SNAPSHOT = {k: p for k, p in SHIPPED_ALL.items() if p.source == "AGP"}
PRICED = {k: p for k, p in FROM_SNAPSHOT.items() if p.status != "not_found"}
ABSENT = {k: p for k, p in FROM_SNAPSHOT.items() if p.status == "not_found"}
OVERLAP = sorted(set(PRICED) & set(IMPORTED), key=str)


def test_fixture_has_the_api_page_shape() -> None:
    """The pages chain by NextPageLink, the last has none, Count matches the items."""
    assert len(PAGES) >= 3
    for i, (_, data) in enumerate(PAGES):
        page = json.loads(data)
        assert page["Count"] == len(page["Items"])
        assert (page["NextPageLink"] is None) == (i == len(PAGES) - 1)


def test_overlap_covers_the_snapshot_figures() -> None:
    """The comparison is not vacuous: every priced snapshot figure of the catalog is in it."""
    assert len(OVERLAP) >= 220
    missing = sorted(
        (k for k in PRICED if k[0] == PTU or k[0] in MODEL_ORDER),
        key=str,
    )
    assert [k for k in missing if k not in IMPORTED] == []


@pytest.mark.parametrize("key", OVERLAP, ids=["/".join(str(x) for x in k) for k in OVERLAP])
def test_imported_figure_agrees_with_the_catalog(key: Key) -> None:
    """Value, status and effective date of every snapshot figure are the import's."""
    want, got = PRICED[key], IMPORTED[key]
    assert (got.value, got.status) == (want.value, want.status), (
        f"{'/'.join(str(x) for x in key)}: pricing/azure.toml has {want.value} ({want.status}), "
        f"the import has {got.value} ({got.status}; {got.note})"
    )
    assert got.effective_from == want.effective_from


def test_figures_the_catalog_marks_not_found_have_no_meter() -> None:
    """A snapshot-sourced not_found figure (Batch cached input, gpt-5 RFT) is not imported."""
    assert ABSENT
    assert sorted(set(ABSENT) & set(IMPORTED), key=str) == []


def test_derived_figures_that_differ_from_a_meter_say_why() -> None:
    """Where the catalog keeps a derived figure against a meter (the gpt-4o / 4o-mini Developer
    token meters), the figure's note calls the meter implausible."""
    differ = [
        k
        for k, p in SHIPPED_ALL.items()
        if p.status == "derived" and k in IMPORTED and IMPORTED[k].value != p.value
    ]
    assert {k[0] for k in differ} == {"gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"}
    for k in differ:
        assert "implausible" in SHIPPED_ALL[k].note, k


def test_ptu_prices_are_imported_as_provider_prices() -> None:
    """The PTU unit meters become the file's provisioned_prices, Sweden Central an override."""
    got = {
        (p.tier, p.region): p.value
        for p in RESULT.provider_file.provisioned_prices
        if p.kind == "ptu_hour"
    }
    assert got[("provisioned", None)] == 2.00
    assert got[("provisioned", "swedencentral")] == 2.20
    assert got[("global_provisioned", None)] == 1.00
    assert got[("data_zone_provisioned", None)] == 1.10


def test_item_accounting() -> None:
    """Every item read is either mapped or counted under an unmapped meter."""
    items = sum(len(json.loads(d)["Items"]) for _, d in PAGES)
    assert RESULT.items == items
    assert (
        RESULT.items_mapped + sum(u.items for u in RESULT.unmapped) == items - RESULT.items_repeated
    )
    assert RESULT.warnings == []


# (meter name in the fixture, the start of the reason)
UNMAPPED = [
    ("4.1 pp inp Dz Tokens", "unrecognised word(s) after the model name: pp"),
    ("5.4 longco inp Gl 1M Tokens", "unrecognised word(s) after the model name: longco"),
    ("5.5 LongCo inp Gl 1M Tokens", "no catalog model for this meter"),
    ("Llama 4 Maverick 17B Inp glbl Tokens", "no catalog model for this meter"),
]


@pytest.mark.parametrize(("meter", "reason"), UNMAPPED)
def test_unmapped_meters_are_listed_with_the_reason(meter: str, reason: str) -> None:
    """Priority, long-context and other models' meters are reported, not dropped."""
    found = [u for u in RESULT.unmapped if u.meter_name == meter]
    assert len(found) == 1
    assert found[0].reason.startswith(reason)


def test_written_toml_keeps_the_ptu_prices(tmp_path: Path) -> None:
    """The TOML written for the import parses back with its provisioned prices and loads as a
    price sheet over the shipped catalog."""
    text = dump_provider_file(RESULT.provider_file, header=["test"])
    assert "[[provisioned_prices]]" in text
    assert parse_catalog(text.encode(), source="imported.toml") == RESULT.provider_file
    path = tmp_path / "imported.toml"
    path.write_text(text, encoding="utf-8")
    azure = load_catalog(overlays=[path]).provider("azure")
    assert {p.source for p in azure.provisioned_prices} >= {"AGP"}
    entry = next(m for m in azure.models if m.id == "gpt-5.4-mini-2026-03-17")
    price = find_price(entry, "input", "data_zone_batch", variant="base")
    assert (price.value, price.source) == (0.4125, "AGP")
