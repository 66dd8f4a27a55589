"""The gpt-5.x base models and the newly fine-tunable Azure models against the research tables.

Rows typed from the models research (§2.1 Azure gpt-5.x meters, §2.2 OpenAI Standard and Batch,
§2.4 lifecycle, §3 open-weight and Phi fine-tuning), not generated from the catalog.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ftcost.catalog import (
    LIFECYCLE_EVENTS,
    Catalog,
    ModelEntry,
    Price,
    find_price,
    load_catalog,
    resolve_model,
)
from ftcost.errors import PriceUnavailableError

Tri = tuple[float, float, float]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _entry(catalog: Catalog, provider: str, model: str) -> ModelEntry:
    return resolve_model(catalog, model, provider).entry


def _base(entry: ModelEntry, tier: str) -> list[float | None]:
    out = []
    for kind in ("input", "cached_input", "output"):
        (p,) = [
            p
            for p in entry.prices
            if (p.kind, p.tier, p.variant, p.region) == (kind, tier, "base", None)
        ]
        out.append(p.value)
    return out


# §2.1 Azure (AGP, US reference): Global, Data Zone, Global Batch, Data Zone Batch; effective
AZURE_GPT5: dict[str, tuple[Tri, Tri, Tri, Tri, str]] = {
    "gpt-5": ((1.25, 0.125, 10.00), (1.375, 0.1375, 11.00), (0.625, 0.0625, 5.00),
              (0.6875, 0.06875, 5.50), "2025-08-01"),
    "gpt-5-mini": ((0.25, 0.025, 2.00), (0.275, 0.0275, 2.20), (0.125, 0.0125, 1.00),
                   (0.1375, 0.01375, 1.10), "2025-08-01"),
    "gpt-5-nano": ((0.05, 0.005, 0.40), (0.055, 0.0055, 0.44), (0.025, 0.0025, 0.20),
                   (0.0275, 0.00275, 0.22), "2025-08-01"),
    "gpt-5.1": ((1.25, 0.125, 10.00), (1.375, 0.1375, 11.00), (0.625, 0.0625, 5.00),
                (0.6875, 0.06875, 5.50), "2025-11-01"),
    "gpt-5.2": ((1.75, 0.175, 14.00), (1.925, 0.1925, 15.40), (0.875, 0.0875, 7.00),
                (0.9625, 0.09625, 7.70), "2025-12-01"),
    "gpt-5.4": ((2.50, 0.25, 15.00), (2.75, 0.275, 16.50), (1.25, 0.13, 7.50),
                (1.375, 0.143, 8.25), "2026-03-01"),
    "gpt-5.4-mini": ((0.75, 0.075, 4.50), (0.825, 0.0825, 4.95), (0.375, 0.0375, 2.25),
                     (0.4125, 0.04125, 2.475), "2026-03-01"),
    "gpt-5.4-nano": ((0.20, 0.02, 1.25), (0.22, 0.022, 1.375), (0.10, 0.01, 0.625),
                     (0.11, 0.011, 0.6875), "2026-03-01"),
    "gpt-5.5": ((5.00, 0.50, 30.00), (5.50, 0.55, 33.00), (2.50, 0.25, 15.00),
                (2.75, 0.275, 16.50), "2026-05-01"),
}  # fmt: skip

# §2.4 Azure retirement (A11, 2026-09-02)
AZURE_RETIREMENT = {
    "gpt-5": "2027-02-09", "gpt-5-mini": "2027-02-09", "gpt-5-nano": "2027-02-09",
    "gpt-5.1": "2027-05-15", "gpt-5.2": "2027-06-08", "gpt-5.4": "2027-09-02",
    "gpt-5.4-mini": "2027-09-21", "gpt-5.4-nano": "2027-09-21", "gpt-5.5": "2027-10-26",
}  # fmt: skip


@pytest.mark.parametrize("model", list(AZURE_GPT5))
def test_azure_gpt5_base_prices(catalog: Catalog, model: str) -> None:
    """Global, Data Zone and both Batch tiers from the snapshot meters; no regional price."""
    entry = _entry(catalog, "azure", model)
    glb, dz, batch, dzb, eff = AZURE_GPT5[model]
    for tier, want in (
        ("global", glb),
        ("data_zone", dz),
        ("batch", batch),
        ("data_zone_batch", dzb),
    ):
        assert _base(entry, tier) == pytest.approx(list(want)), tier
    for p in entry.prices:
        if p.variant == "base":
            assert (p.source, p.as_of, p.status) == ("AGP", dt.date(2026, 8, 11), "verified")
            assert p.effective_from == dt.date.fromisoformat(eff)
            assert p.note.startswith("meter '")
    assert not [p for p in entry.prices if p.tier == "standard" and p.variant == "base"]
    assert entry.encoding == "o200k_base"
    assert entry.lifecycle is not None
    assert entry.lifecycle.base_retirement is not None
    assert entry.lifecycle.base_retirement.date == dt.date.fromisoformat(AZURE_RETIREMENT[model])


# §2.2 OpenAI Standard (tier "global") and Batch
OPENAI_GPT5: dict[str, tuple[Tri, Tri]] = {
    "gpt-5": ((1.25, 0.125, 10.00), (0.625, 0.0625, 5.00)),
    "gpt-5-mini": ((0.25, 0.025, 2.00), (0.125, 0.0125, 1.00)),
    "gpt-5-nano": ((0.05, 0.005, 0.40), (0.025, 0.0025, 0.20)),
    "gpt-5.1": ((1.25, 0.125, 10.00), (0.625, 0.0625, 5.00)),
    "gpt-5.2": ((1.75, 0.175, 14.00), (0.875, 0.0875, 7.00)),
    "gpt-5.4": ((2.50, 0.25, 15.00), (1.25, 0.13, 7.50)),
    "gpt-5.4-mini": ((0.75, 0.075, 4.50), (0.375, 0.0375, 2.25)),
    "gpt-5.4-nano": ((0.20, 0.02, 1.25), (0.10, 0.01, 0.625)),
    "gpt-5.5": ((5.00, 0.50, 30.00), (2.50, 0.25, 15.00)),
}
# §2.4 OpenAI shutdowns: date and status, or None where no date is published
OPENAI_SHUTDOWN: dict[str, tuple[str, str] | None] = {
    "gpt-5": ("2026-12-11", "verified"),
    "gpt-5-mini": ("2026-12-11", "verified"),
    "gpt-5-nano": ("2026-12-11", "verified"),
    "gpt-5.1": ("2027-04-01", "uncertain"),
    "gpt-5.2": None,
    "gpt-5.4": None,
    "gpt-5.4-mini": None,
    "gpt-5.4-nano": ("2027-04-01", "uncertain"),
    "gpt-5.5": None,
}


@pytest.mark.parametrize("model", list(OPENAI_GPT5))
def test_openai_gpt5_prices_and_lifecycle(catalog: Catalog, model: str) -> None:
    """Standard and Batch base prices from the pricing page copy; shutdown dates or none."""
    entry = _entry(catalog, "openai", model)
    std, batch = OPENAI_GPT5[model]
    assert _base(entry, "global") == pytest.approx(list(std))
    assert _base(entry, "batch") == pytest.approx(list(batch))
    assert entry.methods == []
    assert {p.source for p in entry.prices} == {"OAI26"}
    lc = entry.lifecycle
    assert lc is not None
    shutdown = OPENAI_SHUTDOWN[model]
    if shutdown is None:
        assert lc.none_published is not None
        assert lc.none_published.note
    else:
        assert lc.base_retirement is not None
        assert (lc.base_retirement.date.isoformat(), lc.base_retirement.status) == shutdown


def test_azure_gpt5_rft_is_gated_and_unpriced(catalog: Catalog) -> None:
    """gpt-5 RFT: tiers and regions from the docs, training and hosting not found, so an
    estimate stops with the price-unavailable error; the notes say it is gated."""
    entry = _entry(catalog, "azure", "gpt-5")
    assert entry.methods == ["rft"]
    assert entry.tiers == ["standard", "global", "developer", "data_zone"]
    assert any("gated" in n for n in entry.notes)
    assert entry.regions is not None
    assert entry.regions.standard_training == ["northcentralus", "swedencentral"]
    for tier in entry.tiers:
        with pytest.raises(PriceUnavailableError):
            find_price(entry, "rft_training", tier)  # type: ignore[arg-type]
    with pytest.raises(PriceUnavailableError):
        find_price(entry, "hosting", "global")
    assert entry.limits.rft_job_cap_usd is not None
    assert entry.limits.rft_job_cap_usd.value == 5000.0


# §3.4 open-weight fine-tuning (AGP): training, hosting, FT in, FT out per tier; training and
# the untagged (Global) meters are uncertain
OPEN_WEIGHT: dict[str, dict[str, tuple[float, float, float, float]]] = {
    "gpt-oss-20b": {"global": (3.60, 0.30, 0.07, 0.30), "data_zone": (4.00, 0.33, 0.077, 0.33)},
    "Llama-3.3-70B-Instruct": {
        "global": (4.50, 0.30, 0.71, 0.71),
        "data_zone": (4.95, 0.33, 0.781, 0.781),
    },
    "Ministral-3B": {"global": (1.00, 0.65, 0.05, 0.15), "data_zone": (1.10, 0.715, 0.055, 0.17)},
}


def _one(entry: ModelEntry, kind: str, tier: str, variant: str | None) -> Price:
    (p,) = [
        p
        for p in entry.prices
        if (p.kind, p.tier, p.variant, p.region) == (kind, tier, variant, None)
    ]
    return p


@pytest.mark.parametrize("model", list(OPEN_WEIGHT))
def test_open_weight_fine_tuning_prices(catalog: Catalog, model: str) -> None:
    """SFT on Global and Data Zone (US); the snapshot's hosting and token meters; every training
    figure uncertain (no document says '… FT Tokens' is training)."""
    entry = _entry(catalog, "azure", model)
    assert entry.methods == ["sft"]
    assert entry.tiers == ["global", "data_zone"]
    for tier, (training, hosting, fin, fout) in OPEN_WEIGHT[model].items():
        tr = _one(entry, "training", tier, None)
        assert (tr.value, tr.status) == (training, "uncertain")
        host = _one(entry, "hosting", tier, None)
        assert host.value == hosting
        assert host.status == ("uncertain" if tier == "global" else "verified")
        assert _one(entry, "input", tier, "fine_tuned").value == fin
        assert _one(entry, "output", tier, "fine_tuned").value == fout
    assert entry.encoding == "o200k_base"
    assert any("o200k" in n for n in entry.notes)


def test_qwen_32b_has_no_price_and_an_estimate_stops(catalog: Catalog) -> None:
    """Qwen-32B: offered (S4) but unpriced: every price not_found with a note."""
    entry = _entry(catalog, "azure", "Qwen-32B")
    assert entry.prices
    assert all(p.status == "not_found" and p.value is None and p.note for p in entry.prices)
    with pytest.raises(PriceUnavailableError):
        find_price(entry, "training", "global")
    assert entry.limits.training_example_tokens is not None
    assert entry.limits.training_example_tokens.value == 8192


@pytest.mark.parametrize("model", ["Qwen3.6-35B-A3B", "Qwen3.8-27B", "Muse-Glimmer-30B"])
def test_footnote_models_are_listed_without_methods(catalog: Catalog, model: str) -> None:
    """Named for Global managed fine-tuning only: no methods, no prices, regions from S4."""
    entry = _entry(catalog, "azure", model)
    assert (entry.methods, entry.prices) == ([], [])
    assert entry.regions is not None
    assert "uaenorth" in entry.regions.global_training


# §3.4 Phi serverless fine-tuning (S1, 2025-08-25): training, hosting, FT in, FT out
PHI = {
    "Phi-4": (3.00, 0.80, 0.125, 0.50),
    "Phi-4-mini-instruct": (3.00, 0.80, 0.075, 0.30),
    "Phi-4-multimodal-instruct": (3.00, 0.80, 0.08, 0.32),
}


@pytest.mark.parametrize("model", list(PHI))
def test_phi_serverless_prices(catalog: Catalog, model: str) -> None:
    """Phi prices are the 2025-08-25 meters (the 2026 snapshot lacks Phi), all uncertain."""
    entry = _entry(catalog, "azure", model)
    training, hosting, fin, fout = PHI[model]
    got = (
        _one(entry, "training", "standard", None),
        _one(entry, "hosting", "standard", None),
        _one(entry, "input", "standard", "fine_tuned"),
        _one(entry, "output", "standard", "fine_tuned"),
    )
    assert tuple(p.value for p in got) == (training, hosting, fin, fout)
    assert {(p.source, p.status) for p in got} == {("S1", "uncertain")}


@pytest.mark.parametrize("provider", ["azure", "openai"])
def test_every_model_has_sourced_lifecycle(catalog: Catalog, provider: str) -> None:
    """Every model of both catalogs has dated lifecycle facts or none_published, each sourced."""
    pf = catalog.provider(provider)
    known = {s.id for s in pf.sources}
    for entry in pf.models:
        lc = entry.lifecycle
        assert lc is not None, entry.id
        facts = [getattr(lc, f) for f in LIFECYCLE_EVENTS if getattr(lc, f) is not None]
        assert bool(facts) != (lc.none_published is not None), entry.id
        for fact in [*facts, lc.none_published]:
            if fact is not None:
                assert fact.source in known, entry.id
                assert fact.as_of is not None
        if lc.none_published is not None:
            assert lc.none_published.note, entry.id
