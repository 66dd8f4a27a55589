"""Data Zone, Batch, provisioned (PTU) and prompt-caching figures against the research tables.

The rows are typed from the deployment research (§1.3 PTU prices, §1.4 reservations, §1.5 PTU
sizing, §2.2 Data Zone fine-tuning meters, §2.3 Developer training meters, §3.2 Azure Batch,
§3.3 OpenAI Batch, §5 caching), not generated from the catalog.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ftcost.catalog import (
    BATCH_TIERS,
    PROVISIONED_TIERS,
    Catalog,
    ModelEntry,
    Price,
    find_price,
    load_catalog,
)

GPT41 = "gpt-4.1-2025-04-14"
GPT41_MINI = "gpt-4.1-mini-2025-04-14"
GPT41_NANO = "gpt-4.1-nano-2025-04-14"
GPT4O = "gpt-4o-2024-08-06"
GPT4O_MINI = "gpt-4o-mini-2024-07-18"
O4_MINI = "o4-mini-2025-04-16"
AGP_AS_OF = dt.date(2026, 8, 11)
NEW_TIERS = ("data_zone", *BATCH_TIERS)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _entry(catalog: Catalog, provider: str, model: str) -> ModelEntry:
    return next(m for m in catalog.provider(provider).models if m.id == model)


def _price(entry: ModelEntry, kind: str, tier: str, variant: str | None) -> Price:
    (price,) = [
        p
        for p in entry.prices
        if (p.kind, p.tier, p.variant, p.region) == (kind, tier, variant, None)
    ]
    return price


# §2.2 Data Zone fine-tuning (AGP, effective 2026-05-01): training, hosting, FT in / cached / out
DATA_ZONE_FT: dict[str, tuple[float, float, float, float, float]] = {
    GPT41: (27.50, 1.70, 2.20, 0.55, 8.80),
    GPT41_MINI: (5.50, 1.70, 0.44, 0.11, 1.76),
    GPT41_NANO: (1.65, 1.70, 0.11, 0.028, 0.44),
    GPT4O: (27.50, 1.70, 2.75, 1.375, 11.00),
    GPT4O_MINI: (3.30, 1.70, 0.165, 0.083, 0.66),
    O4_MINI: (110.00, 1.70, 1.21, 0.303, 4.84),  # RFT: $ per hour
}


@pytest.mark.parametrize("model", list(DATA_ZONE_FT))
def test_data_zone_fine_tuning_prices(catalog: Catalog, model: str) -> None:
    """Data Zone training, hosting and fine-tuned tokens are the snapshot's Dz meters (US)."""
    entry = _entry(catalog, "azure", model)
    training, hosting, tin, tcached, tout = DATA_ZONE_FT[model]
    kind = "rft_training" if model == O4_MINI else "training"
    assert "data_zone" in entry.tiers
    assert "data_zone" in entry.deployments
    got = [
        find_price(entry, kind, "data_zone").value,
        find_price(entry, "hosting", "data_zone").value,
        *(
            find_price(entry, k, "data_zone", variant="fine_tuned").value  # type: ignore[arg-type]
            for k in ("input", "cached_input", "output")
        ),
    ]
    assert got == pytest.approx([training, hosting, tin, tcached, tout])
    for k in ("hosting", "input"):
        price = _price(entry, k, "data_zone", None if k == "hosting" else "fine_tuned")
        assert (price.source, price.as_of, price.status) == ("AGP", AGP_AS_OF, "verified")
        assert price.effective_from == dt.date(2026, 5, 1)


# §3.2 Azure Batch (base only): Global Batch in / out, Data Zone Batch in / out
AZURE_BATCH: dict[str, tuple[float, float, float, float]] = {
    GPT41: (1.00, 4.00, 1.10, 4.40),
    GPT41_MINI: (0.20, 0.80, 0.22, 0.88),
    GPT41_NANO: (0.05, 0.20, 0.055, 0.22),
    GPT4O: (1.25, 5.00, 1.375, 5.50),
    GPT4O_MINI: (0.075, 0.30, 0.083, 0.33),
    O4_MINI: (0.55, 2.20, 0.605, 2.42),
}


@pytest.mark.parametrize("model", list(AZURE_BATCH))
def test_azure_batch_base_prices(catalog: Catalog, model: str) -> None:
    """Global Batch and Data Zone Batch base prices; no Batch cached-input meter (not_found)."""
    entry = _entry(catalog, "azure", model)
    gin, gout, din, dout = AZURE_BATCH[model]
    for tier, (vin, vout) in (("batch", (gin, gout)), ("data_zone_batch", (din, dout))):
        assert find_price(entry, "input", tier, variant="base").value == pytest.approx(vin)  # type: ignore[arg-type]
        assert find_price(entry, "output", tier, variant="base").value == pytest.approx(vout)  # type: ignore[arg-type]
        cached = _price(entry, "cached_input", tier, "base")
        assert (cached.status, cached.value) == ("not_found", None)
        assert cached.note


def test_azure_has_no_batch_for_fine_tuned_models(catalog: Catalog) -> None:
    """Azure Batch is for base models only (BAT FAQ): no fine-tuned Batch price, no deployment."""
    for entry in catalog.provider("azure").models:
        assert not set(entry.deployments) & set(BATCH_TIERS), entry.id
        assert not [p for p in entry.prices if p.tier in BATCH_TIERS and p.variant != "base"], (
            entry.id
        )


# §3.3 OpenAI Batch: fine-tuned in / cached / out (None: no cached price), base in / out
OPENAI_BATCH: dict[str, tuple[tuple[float, float | None, float], tuple[float, float] | None]] = {
    GPT41: ((1.50, 0.50, 6.00), (1.00, 4.00)),
    GPT41_MINI: ((0.40, 0.10, 1.60), (0.20, 0.80)),
    GPT41_NANO: ((0.10, 0.025, 0.40), (0.05, 0.20)),
    O4_MINI: ((2.00, 0.50, 8.00), (0.55, 2.20)),
    GPT4O: ((2.225, 0.90, 12.50), (1.25, 5.00)),
    GPT4O_MINI: ((0.15, 0.075, 0.60), (0.075, 0.30)),
    "gpt-3.5-turbo-0125": ((1.50, None, 3.00), None),
    "davinci-002": ((6.00, None, 6.00), None),
    "babbage-002": ((0.80, None, 0.90), None),
}
# O2 rows that are not 50 % of the standard price (possible page errors): flagged uncertain
OPENAI_BATCH_UNCERTAIN = {
    (GPT41, "cached_input"),
    (GPT4O, "input"),
    (GPT4O, "cached_input"),
    (GPT4O, "output"),
    ("babbage-002", "output"),
}


@pytest.mark.parametrize("model", list(OPENAI_BATCH))
def test_openai_batch_prices(catalog: Catalog, model: str) -> None:
    """OpenAI Batch prices from O2; the non-50 % rows are uncertain with a note."""
    entry = _entry(catalog, "openai", model)
    ft, base = OPENAI_BATCH[model]
    assert "batch" in entry.deployments
    assert find_price(entry, "hosting", "batch").value == 0.0
    for kind, value in zip(("input", "cached_input", "output"), ft, strict=True):
        if value is None:
            assert not [p for p in entry.prices if (p.kind, p.tier) == (kind, "batch")]
            continue
        price = _price(entry, kind, "batch", "fine_tuned")
        assert price.value == pytest.approx(value)
        assert price.source == "O2"
        want = "uncertain" if (model, kind) in OPENAI_BATCH_UNCERTAIN else "verified"
        assert price.status == want
        assert want == "verified" or price.note
    if base is not None:
        assert _price(entry, "input", "batch", "base").value == pytest.approx(base[0])
        assert _price(entry, "output", "batch", "base").value == pytest.approx(base[1])
        assert _price(entry, "cached_input", "batch", "base").status == "not_found"


# §2.3 Developer training, verified from the meters (AGP, effective 2025-12-01)
DEVELOPER_TRAINING = {
    GPT41: 12.50,
    GPT41_MINI: 2.50,
    GPT41_NANO: 0.75,
    GPT4O: 12.50,
    GPT4O_MINI: 1.50,
}


@pytest.mark.parametrize("model", list(DEVELOPER_TRAINING))
def test_developer_training_is_verified_from_the_meters(catalog: Catalog, model: str) -> None:
    """The Developer training figures are the dev training meters, no longer derived."""
    price = _price(_entry(catalog, "azure", model), "training", "developer", None)
    assert price.value == DEVELOPER_TRAINING[model]
    assert (price.status, price.source, price.effective_from) == (
        "verified",
        "AGP",
        dt.date(2025, 12, 1),
    )


def test_o3_grader_is_the_2025_09_meter(catalog: Catalog) -> None:
    """The o3 grader bills $2.20 / $0.55 / $8.80 from 2025-09-01; the note names the old meter."""
    entry = _entry(catalog, "azure", "o3")
    for tier in ("standard", "global"):
        for kind, value in (("input", 2.20), ("cached_input", 0.55), ("output", 8.80)):
            price = _price(entry, kind, tier, "grader")
            assert (price.value, price.status, price.source) == (value, "verified", "AGP")
            assert price.effective_from == dt.date(2025, 9, 1)
            assert "S1 meter" in price.note


# §1.3 / §1.4 PTU prices: (kind, tier, region, value or None for not_found, status)
PTU_PRICES: list[tuple[str, str, str | None, float | None, str]] = [
    ("ptu_hour", "provisioned", None, 2.00, "verified"),
    ("ptu_hour", "provisioned", "swedencentral", 2.20, "verified"),
    ("ptu_hour", "global_provisioned", None, 1.00, "verified"),
    ("ptu_hour", "data_zone_provisioned", None, 1.10, "verified"),
    ("ptu_month", "global_provisioned", None, 260.0, "uncertain"),
    ("ptu_year", "global_provisioned", None, 2652.0, "uncertain"),
    ("ptu_month", "data_zone_provisioned", None, 286.0, "uncertain"),
    ("ptu_year", "data_zone_provisioned", None, 2916.0, "uncertain"),
    ("ptu_month", "provisioned", None, None, "not_found"),
    ("ptu_year", "provisioned", None, None, "not_found"),
]


@pytest.mark.parametrize(("kind", "tier", "region", "value", "status"), PTU_PRICES)
def test_ptu_prices(
    catalog: Catalog, kind: str, tier: str, region: str | None, value: float | None, status: str
) -> None:
    """Provider-level PTU prices: hourly from the meters, reservations secondary or not found."""
    pf = catalog.provider("azure")
    (price,) = [
        p for p in pf.provisioned_prices if (p.kind, p.tier, p.region) == (kind, tier, region)
    ]
    assert (price.value, price.status) == (value, status)
    assert price.source
    assert price.as_of
    assert status == "verified" or price.note
    if status == "uncertain":
        assert price.source == "RES2"


def test_ptu_price_table_is_complete(catalog: Catalog) -> None:
    """No PTU price beyond the research table, and the OpenAI file has none."""
    assert len(catalog.provider("azure").provisioned_prices) == len(PTU_PRICES)
    assert catalog.provider("openai").provisioned_prices == []


# §1.5 sizing: input TPM per PTU, regional min / increment (Global and Data Zone 15 / 5, output
# weight 4), fine-tuned PTU regions
PTU_SIZING: dict[str, tuple[float, int, int, list[str]]] = {
    GPT41: (3000, 50, 50, ["swedencentral"]),
    GPT41_MINI: (14900, 25, 25, []),
    GPT41_NANO: (59400, 25, 25, []),
    O4_MINI: (5400, 25, 25, []),
    GPT4O: (2500, 50, 50, ["northcentralus", "swedencentral"]),
    GPT4O_MINI: (37000, 25, 25, ["northcentralus", "swedencentral"]),
}


@pytest.mark.parametrize("model", list(PTU_SIZING))
def test_ptu_sizing(catalog: Catalog, model: str) -> None:
    """Sizing figures per model; only gpt-4o, gpt-4o-mini and gpt-4.1 allow fine-tuned PTU."""
    entry = _entry(catalog, "azure", model)
    pv = entry.provisioned
    assert pv is not None
    tpm, rmin, rinc, regions = PTU_SIZING[model]
    assert (pv.input_tpm_per_ptu, pv.output_weight) == (tpm, 4.0)
    assert (pv.regional_min_ptu, pv.regional_increment) == (rmin, rinc)
    assert (pv.global_min_ptu, pv.global_increment) == (15, 5)
    assert pv.fine_tuned_regions == regions
    assert pv.fine_tuned == (["provisioned"] if regions else [])
    assert ("provisioned" in entry.deployments) == bool(regions)
    assert (pv.source, pv.as_of) == ("PTS", dt.date(2026, 5, 21))


def test_smallest_fine_tuned_ptu_deployments(catalog: Catalog) -> None:
    """Research §1.5: minimum regional PTUs × the hourly price of the fine-tuned PTU regions."""
    pf = catalog.provider("azure")
    hourly = {
        p.region: p.value
        for p in pf.provisioned_prices
        if (p.kind, p.tier) == ("ptu_hour", "provisioned")
    }
    expect = {
        (GPT4O_MINI, "northcentralus"): 50.00,
        (GPT4O_MINI, "swedencentral"): 55.00,
        (GPT4O, "northcentralus"): 100.00,
        (GPT4O, "swedencentral"): 110.00,
        (GPT41, "swedencentral"): 110.00,
    }
    for (model, region), cost in expect.items():
        pv = _entry(catalog, "azure", model).provisioned
        assert pv is not None
        assert pv.regional_min_ptu is not None
        rate = hourly.get(region, hourly[None])
        assert rate is not None
        assert pv.regional_min_ptu * rate == pytest.approx(cost)


def test_prompt_caching_rules(catalog: Catalog) -> None:
    """Both providers cache from 1,024 prompt tokens in 128-token steps; OpenAI's step is
    uncertain (the current guide may no longer state it)."""
    azure = catalog.provider("azure").caching
    openai = catalog.provider("openai").caching
    assert azure is not None
    assert openai is not None
    assert (azure.min_prompt_tokens, azure.increment_tokens, azure.status) == (
        1024,
        128,
        "verified",
    )
    assert (azure.source, azure.as_of) == ("PC", dt.date(2026, 3, 19))
    assert (openai.min_prompt_tokens, openai.increment_tokens) == (1024, 128)
    assert openai.status == "uncertain"
    assert openai.note


@pytest.mark.parametrize("provider", ["azure", "openai"])
def test_every_new_tier_price_is_sourced_and_dated(catalog: Catalog, provider: str) -> None:
    """Each Data Zone, Batch and PTU price names a listed source and an as-of date; snapshot
    prices carry the snapshot date and the meter's effective date."""
    pf = catalog.provider(provider)
    known = {s.id for s in pf.sources}
    prices = [p for m in pf.models for p in m.prices if p.tier in NEW_TIERS]
    prices += list(pf.provisioned_prices)
    assert prices
    for p in prices:
        assert p.source in known, p
        assert p.as_of is not None, p
        assert p.status == "not_found" or p.value is not None
        if p.source == "AGP":
            assert p.as_of == AGP_AS_OF
            assert p.status == "not_found" or p.effective_from is not None, p
    assert not [p for m in pf.models for p in m.prices if p.tier in PROVISIONED_TIERS]


@pytest.mark.parametrize("model", list(DATA_ZONE_FT))
def test_data_zone_base_prices_equal_the_fine_tuned_rates(catalog: Catalog, model: str) -> None:
    """The base Data Zone meters (AGP) carry the same rates as the Dz fine-tuning meters: Azure
    bills fine-tuned tokens at the base rate of the deployment type (S2)."""
    entry = _entry(catalog, "azure", model)
    for kind, want in zip(
        ("input", "cached_input", "output"), DATA_ZONE_FT[model][2:], strict=True
    ):
        base = _price(entry, kind, "data_zone", "base")
        assert base.value == pytest.approx(want)
        assert (base.source, base.status) == ("AGP", "verified")
        assert base.note.startswith("meter '")
