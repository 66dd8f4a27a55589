"""``import_azure`` on Retail Prices API pages built from the reference meter extract.

The fixture (``data/azure-retail/page-*.json``, made by ``data/make_azure_retail_pages.py``)
holds the reference CSV's rows in the API's JSON shape. The hand-curated ``pricing/azure.toml``
is the independent oracle: wherever both have a figure they must agree.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftcost.catalog import (
    MeterUse,
    Price,
    classify_meter,
    dump_provider_file,
    find_price,
    import_azure,
    load_catalog,
    normalise_meter,
    parse_catalog,
)
from ftcost.catalog.azure_meters import MODEL_ORDER
from ftcost.errors import InvalidInputError

DATA = Path(__file__).resolve().parent / "data" / "azure-retail"
PAGES = [(p.name, p.read_bytes()) for p in sorted(DATA.glob("page-*.json"))]
AS_OF = dt.date(2025, 8, 25)
RESULT = import_azure(PAGES, as_of=AS_OF)
SHIPPED = load_catalog().provider("azure")

Key = tuple[str, str, str, str | None, str | None]


def _key(model: str, p: Price) -> Key:
    return (model, p.kind, p.tier, p.region, p.variant)


IMPORTED = {_key(m.id, p): p for m in RESULT.provider_file.models for p in m.prices}
# Figures in force when the pages were read: a price that took effect later (the o3 grader's
# 2025-09-01 meter, the 2026 Data Zone fine-tuning meters) cannot be in 2025-08-25 pages.
CATALOG = {
    _key(m.id, p): p
    for m in SHIPPED.models
    for p in m.prices
    if p.value is not None and (p.effective_from is None or p.effective_from <= AS_OF)
}
OVERLAP = sorted(set(IMPORTED) & set(CATALOG), key=str)


def test_fixture_has_the_api_page_shape() -> None:
    """The fixture pages chain by NextPageLink, the last has none, Count matches the items."""
    assert len(PAGES) >= 3
    for i, (_, data) in enumerate(PAGES):
        page = json.loads(data)
        assert page["Count"] == len(page["Items"])
        assert (page["NextPageLink"] is None) == (i == len(PAGES) - 1)
        for item in page["Items"]:
            assert {"meterName", "productName", "skuName", "armRegionName", "unitOfMeasure",
                    "retailPrice", "currencyCode", "effectiveStartDate"} <= set(item)  # fmt: skip


def test_overlap_covers_the_catalog() -> None:
    """The comparison below is not vacuous: hundreds of figures are in both."""
    assert len(OVERLAP) >= 250


@pytest.mark.parametrize("key", OVERLAP, ids=["/".join(str(x) for x in k) for k in OVERLAP])
def test_imported_figure_agrees_with_the_catalog(key: Key) -> None:
    """Value, status and effective date of every figure both have are the same."""
    want, got = CATALOG[key], IMPORTED[key]
    if want.status == "uncertain" and got.status == "verified":
        # The catalog may doubt a meter that the docs contradict (the o3 grader: the meter says
        # $11 / $44, the docs say graders bill at data-zone rates); it must say why.
        assert want.note, f"{key}: uncertain without a note"
        assert got.value == want.value
        return
    assert (got.value, got.status) == (want.value, want.status), (
        f"{'/'.join(str(x) for x in key)}: pricing/azure.toml has {want.value} ({want.status}, "
        f"{want.source}), the import has {got.value} ({got.status}; {got.note})"
    )
    if want.effective_from is not None:
        assert got.effective_from == want.effective_from


def test_every_retail_meter_figure_of_the_catalog_is_imported() -> None:
    """Each catalog figure read from the meter dump (source S1) comes out of the import, for
    every model whose meters the import knows."""
    from_meters = {k for k, p in CATALOG.items() if p.source == "S1" and k[0] in MODEL_ORDER}
    missing = sorted(from_meters - set(IMPORTED), key=str)
    assert not missing, f"not produced by the import: {missing}"


def test_figures_only_in_the_import_are_us_government_regions() -> None:
    """The import adds only region overrides the catalog leaves out: the US Gov clouds."""
    in_catalog = {_key(m.id, p) for m in SHIPPED.models for p in m.prices}
    extra = set(IMPORTED) - in_catalog
    assert {k[3] for k in extra} == {"usgovarizona", "usgovvirginia"}
    # and the slots whose catalog figure took effect after the pages: the o3 grader (2025-09-01),
    # the Data Zone fine-tuned cached input (2026-05-01), gpt-oss-120b (re-issued 2026-03-01)
    later = (set(IMPORTED) & in_catalog) - set(CATALOG)
    assert {k[0] for k in later} == {"o3", "gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18",
                                     "gpt-oss-120b"}  # fmt: skip
    for key in later:
        want = [
            p for m in SHIPPED.models if m.id == key[0] for p in m.prices if _key(m.id, p) == key
        ]
        assert want[0].effective_from is not None
        assert want[0].effective_from > AS_OF


def test_every_figure_carries_source_and_date() -> None:
    """Each imported price cites the import's source row and the as-of date given."""
    pf = RESULT.provider_file
    assert [s.id for s in pf.sources] == ["ARP"]
    assert pf.sources[0].url == "https://prices.azure.com/api/retail/prices"
    for p in IMPORTED.values():
        assert (p.source, p.as_of) == ("ARP", AS_OF)
        assert p.effective_from is not None
        assert p.note.startswith("meter '")


def test_item_accounting() -> None:
    """Every item read is either mapped or counted under an unmapped meter."""
    items = sum(len(json.loads(d)["Items"]) for _, d in PAGES)
    assert RESULT.items == items
    assert RESULT.items_mapped + sum(u.items for u in RESULT.unmapped) == items
    assert RESULT.items_repeated == 0
    assert RESULT.pages == len(PAGES)
    assert RESULT.warnings == []


# (meter name in the fixture, expected reason)
UNMAPPED: list[tuple[str, str]] = [
    ("gpt-35-turbo16K-FT-Trng-regnl Unit",
     "hourly SFT training meter: legacy, replaced by token billing"),
    ("davinci-002-FT-Trng-glbl Unit",
     "hourly SFT training meter: legacy, replaced by token billing"),
    ("Phi-3.5-MoE-Instruct-FT Tokens", "no catalog model for this meter"),
    ("gpt-35-turbo-Instruct-Inp-glbl Tokens", "no catalog model for this meter"),
    ("gpt-35-turbo-16k-Input-regional Tokens", "no catalog model for this meter"),
]  # fmt: skip


@pytest.mark.parametrize(("meter", "reason"), UNMAPPED)
def test_unmapped_meters_are_listed_with_the_reason(meter: str, reason: str) -> None:
    """Meters the catalog has no place for are reported, not dropped."""
    found = [u for u in RESULT.unmapped if u.meter_name == meter]
    assert len(found) == 1
    assert found[0].reason == reason
    assert found[0].items >= 1


def _use(meter: str, unit: str = "1K") -> MeterUse:
    use = classify_meter(meter, unit)
    assert isinstance(use, MeterUse), use
    return use


# (meter name, unit, models, kinds, tiers, variant)
METERS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...], str | None]] = [
    ("gpt-4.1-mini FT Training global Tokens", "1K", ("gpt-4.1-mini-2025-04-14",),
     ("training",), ("global",), None),
    ("gpt-4.1-nano-dev-ft cchd inpt glbl Tokens", "1K", ("gpt-4.1-nano-2025-04-14",),
     ("cached_input",), ("developer",), "fine_tuned"),
    ("gpt-4.1-ft mdl grdr opt Tokens", "1K", ("gpt-4.1-2025-04-14",),
     ("output",), ("standard", "global"), "grader"),
    ("gpt 4o mini 0718 cached Inp regnl Tokens", "1K", ("gpt-4o-mini-2024-07-18",),
     ("cached_input",), ("standard",), "base"),
    ("gpt-4o-0806-FT-Hstng-glbl Unit", "1 Hour", ("gpt-4o-2024-08-06",),
     ("hosting",), ("global",), None),
    ("o4-mini RFT Training regional Unit", "1 Hour", ("o4-mini-2025-04-16",),
     ("rft_training",), ("standard",), None),
    ("gpt-35-turbo16K-FT-Inp-regnl Tokens", "1K", ("gpt-35-turbo-0125", "gpt-35-turbo-1106"),
     ("input",), ("standard",), "fine_tuned"),
    ("gpt-35-turbo-4k-Output-regional Tokens", "1K", ("gpt-35-turbo-0613",),
     ("output",), ("standard",), "base"),
    ("babbage-002-base-glbl Tokens", "1K", ("babbage-002",),
     ("input", "output"), ("global",), "base"),
    ("text-embedding-3-large-grader Tokens", "1K", ("text-embedding-3-large",),
     ("input",), ("standard", "global"), "grader"),
    ("o3-mini-ft model grader cchd inpt Tokens", "1K", ("o3-mini",),
     ("cached_input",), ("standard", "global"), "grader"),
    ("gpt-4.1 Inp glbl Tokens", "1M", ("gpt-4.1-2025-04-14",), ("input",), ("global",), "base"),
    ("4.1 mini ft training Dz Tokens", "1K", ("gpt-4.1-mini-2025-04-14",),
     ("training",), ("data_zone",), None),
    ("4o 0806 ft cd inp Dz Tokens", "1K", ("gpt-4o-2024-08-06",),
     ("cached_input",), ("data_zone",), "fine_tuned"),
    ("o4 mini rft training Dz Unit", "1 Hour", ("o4-mini-2025-04-16",),
     ("rft_training",), ("data_zone",), None),
    ("gpt 4o mini 0718 cached Inp Data Zone Tokens", "1K", ("gpt-4o-mini-2024-07-18",),
     ("cached_input",), ("data_zone",), "base"),
    ("gpt 4o mini0718 BatchOutp DataZone Tokens", "1K", ("gpt-4o-mini-2024-07-18",),
     ("output",), ("data_zone_batch",), "base"),
    ("o4-mini 0416 Batch Inp glbl Tokens", "1K", ("o4-mini-2025-04-16",),
     ("input",), ("batch",), "base"),
    ("gpt 4.1 nano dev ft training glbl Tokens", "1K", ("gpt-4.1-nano-2025-04-14",),
     ("training",), ("developer",), None),
    ("GPT 5 Mini Batch Inpt cchd Dzone 1M Tokens", "1M", ("gpt-5-mini-2025-08-07",),
     ("cached_input",), ("data_zone_batch",), "base"),
    ("GPT 5.2 opt Gl 1M Tokens", "1M", ("gpt-5.2-2025-12-11",), ("output",), ("global",), "base"),
    ("5.4 nano cd Inp Dz 1M Tokens", "1M", ("gpt-5.4-nano-2026-03-17",),
     ("cached_input",), ("data_zone",), "base"),
    ("5.5 ShortCo Batch opt Gl 1M Tokens", "1M", ("gpt-5.5-2026-04-24",),
     ("output",), ("batch",), "base"),
    ("OSS 20b FT DZ Deployment Hosting Unit", "1/Hour", ("gpt-oss-20b",),
     ("hosting",), ("data_zone",), None),
    ("3.3 70b FT Tokens", "1K", ("Llama-3.3-70B-Instruct",), ("training",), ("global",), None),
    ("Ministral 3B Model Out-FT Tokens", "1K", ("Ministral-3B",),
     ("output",), ("global",), "fine_tuned"),
    ("gpt-oss-120B Outp DZone Tokens", "1K", ("gpt-oss-120b",),
     ("output",), ("data_zone",), "base"),
    ("Phi-4-Mini-FT Deployment Hosting Unit", "1/Hour", ("Phi-4-mini-instruct",),
     ("hosting",), ("standard",), None),
    ("Provisioned Managed Global Unit", "1/Hour", (), ("ptu_hour",), ("global_provisioned",), None),
]  # fmt: skip


# (meter name, unit): the readings the catalog also marks uncertain
UNCERTAIN_READINGS: list[tuple[str, str]] = [
    ("OSS-20b FT Tokens", "1K"),  # '… FT Tokens' read as training, untagged read as Global
    ("OSS 20b FT DZ Tokens", "1K"),  # training by analogy
    ("Llama3.3 70b-IN-FT Tokens", "1K"),  # untagged read as Global
    ("Mnstrl 3B FT Deployment Hosting Unit", "1/Hour"),
    ("Phi-4-Output-FT Tokens", "1K"),  # untagged read as the regional (serverless) price
]


@pytest.mark.parametrize(("meter", "unit"), UNCERTAIN_READINGS)
def test_untagged_open_weight_meters_are_uncertain(meter: str, unit: str) -> None:
    """An open-weight meter that names no tier or no kind is read, but marked uncertain."""
    use = _use(meter, unit)
    assert use.uncertain == frozenset(use.models)
    assert "read as" in use.note


def test_tagged_data_zone_meters_are_certain() -> None:
    """A Data Zone meter that names its kind is an ordinary reading."""
    assert _use("OSS 20b FT DZ Deployment Hosting Unit", "1/Hour").uncertain == frozenset()
    assert _use("4.1 ft hosting Dz Unit", "1 Hour").uncertain == frozenset()


@pytest.mark.parametrize(("meter", "unit", "models", "kinds", "tiers", "variant"), METERS)
def test_meter_names_map(
    meter: str,
    unit: str,
    models: tuple[str, ...],
    kinds: tuple[str, ...],
    tiers: tuple[str, ...],
    variant: str | None,
) -> None:
    """Each spelling of the meter abbreviations maps to its catalog slots."""
    use = _use(meter, unit)
    assert (use.models, use.kinds, use.tiers, use.variant) == (models, kinds, tiers, variant)


def test_units_scale_to_the_catalog_units() -> None:
    """Per-1K token prices are multiplied by 1,000, per-1M and hourly prices are kept."""
    assert _use("gpt-4.1 Inp glbl Tokens", "1K").per_unit == 1000
    assert _use("gpt-4.1 Inp glbl Tokens", "1M").per_unit == 1
    assert _use("gpt-4.1-ft hosting global Unit", "1 Hour").per_unit == 1


# (meter name, unit, the start of the reason)
REFUSED: list[tuple[str, str, str]] = [
    ("gpt-4o-0513-Inp-glbl Tokens", "1K", "unrecognised word(s) after the model name: 0513"),
    ("gpt-4o-realtime-preview Inp glbl Tokens", "1K", "unrecognised word(s)"),
    ("o3-pro ft model grader input Tokens", "1K", "unrecognised word(s) after the model name: pro"),
    ("o1-mini Inp glbl Tokens", "1K", "unrecognised word(s) after the model name: mini"),
    ("gpt-4.1 Inp glbl Tokens", "1 GB", "unit '1 GB' not understood"),
    ("gpt-4.1-ft hosting global Unit", "1K", "unit '1K' does not fit a hosting price"),
    ("gpt-4.1 Inp glbl Tokens", "1 Hour", "unit '1 Hour' does not fit a input price"),
    ("gpt-4.1-ft global Tokens", "1K", "no price kind"),
    ("gpt-4.1 Inp Tokens", "1K", "no tier"),
    ("gpt-5-codex Inp glbl Tokens", "1K", "unrecognised word(s) after the model name: codex"),
    ("5.4 longco inp Gl 1M Tokens", "1M", "unrecognised word(s) after the model name: longco"),
    ("4.1 pp inp Dz Tokens", "1K", "unrecognised word(s) after the model name: pp"),
    ("gpt-4.1-ft Batch inp glbl Tokens", "1K", "Batch meter for a fine-tuned model"),
    ("gpt 4.1 Batch Inp Tokens", "1K", "Batch meter with no tier"),
    ("Provisioned Managed Regional Unit", "1K", "unit '1K' does not fit a PTU-hour price"),
    ("Phi-4-Input Tokens", "1K", "no tier"),
    ("Llama 4 Maverick 17B Inp glbl Tokens", "1K", "no catalog model for this meter"),
    ("Virtual Machines D2s v5", "1 Hour", "no catalog model for this meter"),
]


@pytest.mark.parametrize(("meter", "unit", "reason"), REFUSED)
def test_meters_that_cannot_be_mapped_say_why(meter: str, unit: str, reason: str) -> None:
    """A meter with an unknown word, unit or model is refused with a reason, never guessed."""
    use = classify_meter(meter, unit)
    assert isinstance(use, str)
    assert use.startswith(reason)


_METER_NAMES = sorted({u.meter_name for u in RESULT.unmapped} | {
    item["meterName"] for _, d in PAGES for item in json.loads(d)["Items"]
})  # fmt: skip


@given(
    meter=st.sampled_from(_METER_NAMES),
    upper=st.lists(st.booleans(), min_size=60, max_size=60),
    seps=st.lists(st.sampled_from(["-", " ", "_", "  "]), min_size=20, max_size=20),
)
def test_classification_ignores_case_and_separators(
    meter: str, upper: list[bool], seps: list[str]
) -> None:
    """Changing letter case or the separators between words never changes the mapping."""
    words = normalise_meter(meter).split(" ")
    respelled = words[0]
    for i, word in enumerate(words[1:]):
        respelled += seps[i % len(seps)] + word
    respelled = "".join(c.upper() if upper[i % len(upper)] else c for i, c in enumerate(respelled))
    assert classify_meter(respelled, "1K") == classify_meter(meter, "1K")


def _page(items: list[dict[str, Any]], next_link: str | None = None) -> bytes:
    return json.dumps({"Items": items, "NextPageLink": next_link}).encode()


ITEM: dict[str, Any] = {
    "meterName": "gpt-4.1-mini FT Training global Tokens",
    "productName": "Azure OpenAI",
    "skuName": "gpt-4.1-mini FT Training global",
    "armRegionName": "eastus",
    "unitOfMeasure": "1K",
    "retailPrice": 0.005,
    "currencyCode": "USD",
    "effectiveStartDate": "2025-04-01T00:00:00Z",
}

# (case, page bytes, the start of the error message)
BAD_PAGES: list[tuple[str, bytes, str]] = [
    ("not json", b"<html>", "p.json: not a Retail Prices API page (JSON)"),
    ("empty file", b"", "p.json: not a Retail Prices API page (JSON)"),
    ("no Items", b'{"NextPageLink": null}', "p.json: Object missing required field `Items`"),
    ("item without a meter name", _page([{k: v for k, v in ITEM.items() if k != "meterName"}]),
     "p.json: Items[0]: Object missing required field `meterName`"),
    ("price as text", _page([ITEM, {**ITEM, "retailPrice": "cheap"}]),
     "p.json: Items[1].retailPrice: "),
    ("negative price", _page([{**ITEM, "retailPrice": -0.005}]),
     "p.json: Items[0].retailPrice: must be a finite price >= 0, got -0.005"),
    ("bad date", _page([{**ITEM, "effectiveStartDate": "April 2025"}]),
     "p.json: Items[0].effectiveStartDate: not a date: 'April 2025'"),
    ("two currencies", _page([ITEM, {**ITEM, "currencyCode": "EUR"}]),
     "p.json: Items[1].currencyCode: 'EUR' differs from 'USD' (p.json: Items[0])"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "message"), [c[1:] for c in BAD_PAGES], ids=[c[0] for c in BAD_PAGES]
)
def test_bad_pages_name_the_page_and_item(page: bytes, message: str) -> None:
    """Malformed pages are input errors naming the page, the item and the field."""
    with pytest.raises(InvalidInputError) as info:
        import_azure([("p.json", page)], as_of=AS_OF)
    assert str(info.value).startswith(message)


def test_byte_order_mark_is_accepted() -> None:
    """A page saved with a UTF-8 byte-order mark imports like one without."""
    name, data = PAGES[-1]
    with_bom = import_azure([(name, b"\xef\xbb\xbf" + data)], as_of=AS_OF)
    assert with_bom == import_azure([(name, data)], as_of=AS_OF)


def test_no_pages_is_an_error() -> None:
    """An import needs at least one page."""
    with pytest.raises(InvalidInputError):
        import_azure([], as_of=AS_OF)


def test_a_page_given_twice_changes_nothing() -> None:
    """Items repeated on two pages are counted once in the prices."""
    twice = import_azure([*PAGES, PAGES[0]], as_of=AS_OF)
    assert twice.provider_file.models == RESULT.provider_file.models
    assert twice.items_mapped == RESULT.items_mapped
    assert twice.items_repeated == len(json.loads(PAGES[0][1])["Items"])


def test_an_incomplete_download_is_flagged() -> None:
    """When the last page given links to another page, the import warns."""
    result = import_azure(PAGES[:1], as_of=AS_OF)
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("page-1.json (the last page given) links to a next page")


def test_another_currency_is_kept_with_its_code() -> None:
    """A EUR page gives a EUR file; values are converted per unit, not by exchange rate."""
    page = _page([{**ITEM, "currencyCode": "EUR", "retailPrice": 0.0046}])
    pf = import_azure([("eur.json", page)], as_of=AS_OF).provider_file
    assert pf.currency == "EUR"
    (model,) = pf.models
    assert model.id == "gpt-4.1-mini-2025-04-14"
    assert [(p.kind, p.tier, p.value) for p in model.prices] == [("training", "global", 4.6)]


def test_region_prices_other_than_the_us_price_become_overrides() -> None:
    """The reference is the price most US regions share; other regions get their own entry."""
    items = [
        {**ITEM, "armRegionName": "eastus", "retailPrice": 0.0055},
        {**ITEM, "armRegionName": "westus", "retailPrice": 0.0055},
        {**ITEM, "armRegionName": "southcentralus", "retailPrice": 0.006},
        {**ITEM, "armRegionName": "swedencentral", "retailPrice": 0.00605,
         "effectiveStartDate": "2025-05-01T00:00:00Z"},
        {**ITEM, "armRegionName": "francecentral", "retailPrice": 0.0055},
    ]  # fmt: skip
    (model,) = import_azure([("p.json", _page(items))], as_of=AS_OF).provider_file.models
    got = {p.region: (p.value, p.effective_from) for p in model.prices}
    assert got == {
        None: (5.5, dt.date(2025, 4, 1)),
        "southcentralus": (6.0, dt.date(2025, 4, 1)),
        "swedencentral": (6.05, dt.date(2025, 5, 1)),
    }


def test_written_toml_loads_as_a_price_sheet(tmp_path: Path) -> None:
    """The TOML written for the import parses back to the same file and works as an overlay."""
    text = dump_provider_file(RESULT.provider_file, header=["test"])
    assert parse_catalog(text.encode(), source="imported.toml") == RESULT.provider_file
    path = tmp_path / "imported.toml"
    path.write_text(text, encoding="utf-8")
    catalog = load_catalog(overlays=[path])
    entry = next(m for m in catalog.provider("azure").models if m.id == "gpt-4.1-mini-2025-04-14")
    price = find_price(entry, "training", "standard", region="swedencentral")
    assert (price.value, price.source) == (6.05, "ARP")
    assert entry.methods == ["sft", "dpo"]  # the shipped model's other fields are kept
