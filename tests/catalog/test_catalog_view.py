"""Headline figures, filters and JSON records of ``ftcost models``, against the reference tables
(pricing-facts.md §1, §2a, §3a, §3b)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec
import pytest

from ftcost.catalog import (
    Catalog,
    filter_models,
    headline,
    load_catalog,
    model_record,
    provider_summaries,
    resolve_model,
)
from ftcost.errors import InvalidInputError

PRICING = Path(__file__).resolve().parents[2] / "pricing"
CATALOG = load_catalog()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped catalog."""
    return CATALOG


def _values(provider: str, name: str, region: str | None = None) -> dict[str, object]:
    entry = resolve_model(CATALOG, name, provider).entry
    h = headline(provider, CATALOG.provider(provider), entry, region=region)

    def v(cell: object) -> object:
        if cell is None:
            return "-"
        value, status = cell.value, cell.status  # type: ignore[attr-defined]
        return "n/a" if value is None else (value, status)

    return {
        "std": v(h.training["standard"]),
        "glb": v(h.training["global"]),
        "dev": v(h.training["developer"]),
        "host": v(h.hosting),
        "deploy": h.deployment,
        "use": h.token_use,
        "in": v(h.tokens["input"]),
        "cached": v(h.tokens["cached_input"]),
        "out": v(h.tokens["output"]),
        "limit": h.training_example_tokens,
    }


V, D, U = "verified", "derived", "uncertain"

# (provider, model, region, expected headline) with figures from the reference tables
# Developer training is verified from the meters (AGP, 2026-08-11), no longer derived.
HEADLINES: list[tuple[str, str, str | None, dict[str, object]]] = [
    ("azure", "gpt-4.1-mini", None, {
        "std": (5.50, V), "glb": (5.00, V), "dev": (2.50, V), "host": (1.70, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (0.40, V), "cached": (0.10, V), "out": (1.60, V), "limit": 65536}),
    ("azure", "gpt-4.1-mini", "swedencentral", {
        "std": (6.05, V), "glb": (5.00, V), "dev": (2.50, V), "host": (1.70, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (0.40, V), "cached": (0.10, V), "out": (1.60, V), "limit": 65536}),
    ("azure", "gpt-4o", "southeastasia", {  # standard training is not offered there (docs)
        "std": "-", "glb": (25.00, V), "dev": (12.50, V), "host": (1.70, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (2.50, V), "cached": (1.25, V), "out": (10.00, V), "limit": 65536}),
    ("azure", "o4-mini", None, {
        "std": (110.0, V), "glb": (100.0, V), "dev": "-", "host": (1.70, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (1.10, V), "cached": (0.275, V), "out": (4.40, V), "limit": 65536}),
    ("azure", "gpt-35-turbo-1106", None, {
        "std": (8.00, V), "glb": "-", "dev": "-", "host": (1.70, V),
        "deploy": "standard", "use": "fine_tuned",
        "in": (0.50, U), "cached": "-", "out": (1.50, U), "limit": 16385}),
    ("azure", "o3-mini", None, {
        "std": "-", "glb": "-", "dev": "-", "host": "-", "deploy": "global", "use": "grader",
        "in": (1.21, V), "cached": (0.605, V), "out": (4.84, V), "limit": None}),
    ("openai", "gpt-4.1-mini", None, {
        "std": "-", "glb": (5.00, V), "dev": "-", "host": (0.0, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (0.80, V), "cached": (0.20, V), "out": (3.20, V), "limit": 65536}),
    ("openai", "o4-mini", None, {
        "std": "-", "glb": (100.0, V), "dev": "-", "host": (0.0, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (4.00, V), "cached": (1.00, V), "out": (16.00, V), "limit": 65536}),
    ("openai", "gpt-4o-mini", None, {  # verified from the pricing-page copy (O1)
        "std": "-", "glb": (3.00, V), "dev": "-", "host": (0.0, V),
        "deploy": "global", "use": "fine_tuned",
        "in": (0.30, V), "cached": (0.15, V), "out": (1.20, V), "limit": 65536}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("provider", "model", "region", "expected"),
    HEADLINES,
    ids=[f"{p}-{m}-{r or 'ref'}" for p, m, r, _ in HEADLINES],
)
def test_headline_figures(
    provider: str, model: str, region: str | None, expected: dict[str, object]
) -> None:
    """Each headline cell is the reference figure with its status, '-' where not offered."""
    assert _values(provider, model, region) == expected


def test_not_found_cells_stay_not_found(catalog: Catalog) -> None:
    """A figure the sources lack is a cell without a value, not a missing cell or a guess."""
    entry = resolve_model(catalog, "gpt-4o", "azure").entry
    pf = catalog.provider("azure")
    missing = [
        msgspec.structs.replace(p, value=None, status="not_found", note="not in the sources")
        if p.tier == "developer" and p.kind in ("input", "cached_input", "output")
        else p
        for p in entry.prices
    ]
    dev = msgspec.structs.replace(entry, deployments=["developer"], prices=missing)
    h = headline("azure", pf, dev)
    assert h.deployment == "developer"
    for kind in ("input", "cached_input", "output"):
        cell = h.tokens[kind]
        assert cell is not None
        assert (cell.value, cell.status) == (None, "not_found")
    assert h.hosting is not None
    assert h.hosting.value == 0.0  # developer deployments have no hosting fee (S2)


FILTERS: list[tuple[dict[str, str], set[str]]] = [
    # gpt-5 (2025-08-07): RFT, gated, prices not published (S4; research models2026 §3.1)
    ({"provider": "azure", "method": "rft"},
     {"azure/o4-mini-2025-04-16", "azure/gpt-5-2025-08-07"}),
    ({"provider": "openai", "method": "dpo"},
     {"openai/gpt-4.1-2025-04-14", "openai/gpt-4.1-mini-2025-04-14",
      "openai/gpt-4.1-nano-2025-04-14"}),
    ({"method": "rft"},
     {"azure/o4-mini-2025-04-16", "openai/o4-mini-2025-04-16", "azure/gpt-5-2025-08-07"}),
    ({"region": "switzerlandwest", "method": "sft"},  # S17 regional training, S4 global training
     {"azure/gpt-35-turbo-0125", "azure/gpt-35-turbo-1106", "azure/gpt-35-turbo-0613",
      "azure/babbage-002", "azure/davinci-002", "azure/gpt-4.1-2025-04-14",
      "azure/gpt-4.1-mini-2025-04-14", "azure/gpt-4.1-nano-2025-04-14",
      "azure/gpt-4o-2024-08-06", "azure/gpt-4o-mini-2024-07-18"}),
    ({"region": "SwedenCentral", "method": "rft"},  # gpt-5 RFT trains in Sweden Central (S4)
     {"azure/o4-mini-2025-04-16", "azure/gpt-5-2025-08-07"}),
]  # fmt: skip


@pytest.mark.parametrize(("filters", "expected"), FILTERS)
def test_filters(catalog: Catalog, filters: dict[str, str], expected: set[str]) -> None:
    """Provider, method and region filters keep exactly the matching models."""
    got = {f"{p}/{m.id}" for p, m in filter_models(catalog, **filters)}  # type: ignore[arg-type]
    assert got == expected


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"region": "swedencentrl"}, "unknown region 'swedencentrl'; closest: swedencentral"),
        ({"region": "mars"}, "unknown region 'mars'"),
        ({"provider": "aws"}, "unknown provider 'aws'; known: azure, openai"),
    ],
)
def test_unknown_filter_values(catalog: Catalog, filters: dict[str, str], message: str) -> None:
    """An unknown region or provider is an input error naming the closest known values."""
    with pytest.raises(InvalidInputError) as info:
        filter_models(catalog, **filters)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("provider", ["azure", "openai"])
def test_records_carry_every_price_of_the_file(catalog: Catalog, provider: str) -> None:
    """A JSON record has every price of its TOML entry (read here with tomllib), with units."""
    raw = tomllib.loads((PRICING / f"{provider}.toml").read_text(encoding="utf-8"))
    for model in raw["models"]:
        entry = resolve_model(catalog, model["id"], provider).entry
        record = msgspec.to_builtins(model_record(catalog, provider, entry))
        assert (record["provider"], record["id"]) == (provider, model["id"])
        prices = record["prices"]
        assert len(prices) == len(model.get("prices", []))
        for got, want in zip(prices, model.get("prices", []), strict=True):
            assert got["kind"] == want["kind"]
            assert got["value"] == want.get("value")
            assert got["status"] == want.get("status", "verified")
            assert got["source"] == want["source"]
            assert got["as_of"] == want["as_of"].isoformat()
            assert got["unit"] == (
                "usd_per_hour" if want["kind"] in ("hosting", "rft_training") else "usd_per_mtok"
            )
        cited = {p["source"] for p in prices}
        assert cited <= {s["id"] for s in record["sources"]}
        assert record["catalog"]["version"] == raw["version"]


def test_summaries_count_prices_by_status() -> None:
    """``catalog info`` counts equal a count over the TOML files read with tomllib."""
    for s in provider_summaries(CATALOG):
        raw = tomllib.loads((PRICING / f"{s.provider}.toml").read_text(encoding="utf-8"))
        statuses: dict[str, int] = {}
        for model in raw["models"]:
            for p in model.get("prices", []):
                status = p.get("status", "verified")
                statuses[status] = statuses.get(status, 0) + 1
        assert s.statuses == statuses
        assert s.models == len(raw["models"])
        assert [x.id for x in s.sources] == [x["id"] for x in raw["sources"]]
        assert s.version == raw["version"]
