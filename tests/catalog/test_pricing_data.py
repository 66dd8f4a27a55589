"""The shipped pricing catalog against the reference price tables (pricing-facts.md).

Each row of ``PRICE_ROWS`` is one figure of the reference's tables: §1 Azure training, §1a RFT
graders, §2a hosting, §3a Azure inference (fine-tuned = base), §3b OpenAI. ``LIMIT_ROWS`` is
§4a. The rows are typed from the reference, not generated from the catalog, so a slip on either
side shows up here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from ftcost.catalog import (
    LIFECYCLE_EVENTS,
    PROVISIONED_TIERS,
    Catalog,
    ModelEntry,
    Price,
    ProviderFile,
    find_price,
    load_catalog,
    parse_catalog,
)

PRICING = Path(__file__).resolve().parents[2] / "pricing"

GPT41 = "gpt-4.1-2025-04-14"
GPT41_MINI = "gpt-4.1-mini-2025-04-14"
GPT41_NANO = "gpt-4.1-nano-2025-04-14"
GPT4O = "gpt-4o-2024-08-06"
GPT4O_MINI = "gpt-4o-mini-2024-07-18"
O4_MINI = "o4-mini-2025-04-16"
SWE = "swedencentral"
SEA = "southeastasia"

# (provider, model, kind, tier, region, variant, expected value)
Row = tuple[str, str, str, str, str | None, str | None, float]


def _tri(
    provider: str,
    model: str,
    tier: str,
    region: str | None,
    variant: str,
    values: tuple[float, ...],
) -> list[Row]:
    """Input / cached input / output rows (two values: input and output only)."""
    kinds = ("input", "cached_input", "output") if len(values) == 3 else ("input", "output")
    return [
        (provider, model, kind, tier, region, variant, value)
        for kind, value in zip(kinds, values, strict=True)
    ]


def _ft_and_base(model: str, tier: str, region: str | None, values: tuple[float, ...]) -> list[Row]:
    """Azure §3a: the fine-tuned rate equals the base rate for the same deployment type."""
    return _tri("azure", model, tier, region, "fine_tuned", values) + _tri(
        "azure", model, tier, region, "base", values
    )


# §1 Azure training (per 1M training tokens; RFT per hour)
AZURE_TRAINING: list[Row] = [
    ("azure", "gpt-35-turbo-0125", "training", "standard", None, None, 8.00),
    ("azure", "gpt-35-turbo-0125", "training", "standard", "eastus2", None, 8.00),
    ("azure", "gpt-35-turbo-0125", "training", "standard", "northcentralus", None, 8.00),
    ("azure", "gpt-35-turbo-0125", "training", "standard", SWE, None, 8.00),
    ("azure", "gpt-35-turbo-0125", "training", "standard", "switzerlandwest", None, 8.00),
    ("azure", "gpt-35-turbo-1106", "training", "standard", None, None, 8.00),
    ("azure", "gpt-35-turbo-0613", "training", "standard", None, None, 8.00),
    ("azure", GPT4O_MINI, "training", "standard", None, None, 3.30),
    ("azure", GPT4O_MINI, "training", "standard", "northcentralus", None, 3.30),
    ("azure", GPT4O_MINI, "training", "standard", SWE, None, 3.30),
    ("azure", GPT4O_MINI, "training", "standard", SEA, None, 3.96),
    ("azure", GPT4O_MINI, "training", "global", None, None, 3.00),
    ("azure", GPT4O_MINI, "training", "developer", None, None, 1.50),
    ("azure", GPT4O, "training", "standard", None, None, 27.50),
    ("azure", GPT4O, "training", "standard", "eastus2", None, 27.50),
    ("azure", GPT4O, "training", "standard", SWE, None, 27.50),
    ("azure", GPT4O, "training", "standard", SEA, None, 33.00),
    ("azure", GPT4O, "training", "global", None, None, 25.00),
    ("azure", GPT4O, "training", "developer", None, None, 12.50),
    ("azure", GPT41, "training", "standard", None, None, 27.50),
    ("azure", GPT41, "training", "standard", SWE, None, 30.25),
    ("azure", GPT41, "training", "global", None, None, 25.00),
    ("azure", GPT41, "training", "developer", None, None, 12.50),
    ("azure", GPT41_MINI, "training", "standard", None, None, 5.50),
    ("azure", GPT41_MINI, "training", "standard", SWE, None, 6.05),
    ("azure", GPT41_MINI, "training", "global", None, None, 5.00),
    ("azure", GPT41_MINI, "training", "developer", None, None, 2.50),
    ("azure", GPT41_NANO, "training", "standard", None, None, 1.65),
    ("azure", GPT41_NANO, "training", "standard", SWE, None, 1.815),
    ("azure", GPT41_NANO, "training", "global", None, None, 1.50),
    ("azure", GPT41_NANO, "training", "developer", None, None, 0.75),
    ("azure", O4_MINI, "rft_training", "standard", None, None, 110.0),
    ("azure", O4_MINI, "rft_training", "standard", SWE, None, 121.0),
    ("azure", O4_MINI, "rft_training", "global", None, None, 100.0),
    ("azure", "babbage-002", "training", "standard", None, None, 0.40),
    ("azure", "babbage-002", "training", "standard", SWE, None, 0.40),
    ("azure", "babbage-002", "training", "global", None, None, 0.40),
    ("azure", "davinci-002", "training", "standard", None, None, 6.00),
    ("azure", "davinci-002", "training", "standard", SWE, None, 6.00),
    ("azure", "davinci-002", "training", "global", None, None, 6.00),
    ("azure", "gpt-4-0613", "training", "standard", None, None, 80.00),
    ("azure", "gpt-4-0613", "training", "standard", SWE, None, 80.00),
]

# §1a Azure RFT grader token prices (per 1M): input / cached input / output
GRADERS: dict[str, tuple[float, ...]] = {
    GPT4O: (2.75, 1.375, 11.00),
    GPT4O_MINI: (0.165, 0.083, 0.66),
    GPT41: (2.20, 0.55, 8.80),
    GPT41_MINI: (0.44, 0.11, 1.76),
    GPT41_NANO: (0.11, 0.028, 0.44),
    "o1": (16.50, 8.25, 66.00),
    # the o3 grader meter fell to the Data Zone rate on 2025-09-01 (AGP snapshot 2026-08-11,
    # 'o3-ft mdl grdr inpt / cchd inpt / opt'); the reference's $11 / $2.75 / $44 is the
    # 2025-05-01 meter (deployment research §2.3)
    "o3": (2.20, 0.55, 8.80),
    "o3-mini": (1.21, 0.605, 4.84),
    O4_MINI: (1.21, 0.303, 4.84),
}
AZURE_GRADERS: list[Row] = [
    row
    for model, values in GRADERS.items()
    for tier in ("standard", "global")
    for row in _tri("azure", model, tier, None, "grader", values)
] + [
    ("azure", "text-embedding-3-large", "input", tier, None, "grader", 0.13)
    for tier in ("standard", "global")
]

# §2a Azure hosting (per hour per deployment); Developer "None" is stored as 0.0
AZURE_HOSTING: list[Row] = [
    *[
        ("azure", m, "hosting", tier, None, None, value)
        for m in (GPT41, GPT41_MINI, GPT41_NANO)
        for tier, value in (("standard", 1.70), ("global", 1.70), ("developer", 0.0))
    ],
    ("azure", O4_MINI, "hosting", "standard", None, None, 1.70),
    ("azure", O4_MINI, "hosting", "global", None, None, 1.70),
    *[
        ("azure", m, "hosting", tier, region, None, value)
        for m in (GPT4O, GPT4O_MINI)
        for tier, region, value in (
            ("standard", None, 1.70),
            ("standard", "northcentralus", 1.70),
            ("standard", SWE, 1.70),
            ("standard", SEA, 2.04),
            ("global", None, 1.70),
            ("developer", None, 0.0),
        )
    ],
    *[
        ("azure", m, "hosting", tier, None, None, 1.70)
        for m in ("gpt-35-turbo-0125", "gpt-35-turbo-1106", "gpt-35-turbo-0613")
        for tier in ("standard", "global")
    ],
    *[
        ("azure", m, "hosting", tier, None, None, 1.70)
        for m in ("babbage-002", "davinci-002")
        for tier in ("standard", "global")
    ],
    ("azure", "gpt-4-0613", "hosting", "standard", None, None, 5.00),
    ("azure", "gpt-4-0613", "hosting", "global", None, None, 5.00),
]

# §3a Azure inference per 1M (fine-tuned = base for the same deployment type)
AZURE_INFERENCE: list[Row] = [
    *_ft_and_base(GPT41, "global", None, (2.00, 0.50, 8.00)),
    *_tri("azure", GPT41, "developer", None, "fine_tuned", (2.00, 0.50, 8.00)),
    *_ft_and_base(GPT41, "standard", None, (2.20, 0.55, 8.80)),
    *_ft_and_base(GPT41, "standard", SWE, (2.42, 0.605, 9.68)),
    *_ft_and_base(GPT41_MINI, "global", None, (0.40, 0.10, 1.60)),
    *_tri("azure", GPT41_MINI, "developer", None, "fine_tuned", (0.40, 0.10, 1.60)),
    *_ft_and_base(GPT41_MINI, "standard", None, (0.44, 0.11, 1.76)),
    *_ft_and_base(GPT41_MINI, "standard", SWE, (0.484, 0.121, 1.936)),
    *_ft_and_base(GPT41_NANO, "global", None, (0.10, 0.025, 0.40)),
    *_tri("azure", GPT41_NANO, "developer", None, "fine_tuned", (0.10, 0.025, 0.40)),
    *_ft_and_base(GPT41_NANO, "standard", None, (0.11, 0.028, 0.44)),
    *_ft_and_base(GPT41_NANO, "standard", SWE, (0.121, 0.031, 0.484)),
    *_ft_and_base(GPT4O, "global", None, (2.50, 1.25, 10.00)),
    *_ft_and_base(GPT4O, "standard", None, (2.75, 1.375, 11.00)),
    *_ft_and_base(GPT4O, "standard", SWE, (2.75, 1.513, 11.00)),
    *_ft_and_base(GPT4O, "standard", SEA, (3.30, 1.65, 13.20)),
    *_ft_and_base(GPT4O_MINI, "global", None, (0.15, 0.075, 0.60)),
    *_ft_and_base(GPT4O_MINI, "standard", None, (0.165, 0.083, 0.66)),
    *_ft_and_base(GPT4O_MINI, "standard", SWE, (0.165, 0.091, 0.66)),
    *_ft_and_base(O4_MINI, "global", None, (1.10, 0.275, 4.40)),
    *_ft_and_base(O4_MINI, "standard", None, (1.21, 0.303, 4.84)),
    *_ft_and_base(O4_MINI, "standard", SWE, (1.331, 0.333, 5.324)),
    *_tri("azure", "gpt-35-turbo-0125", "global", None, "fine_tuned", (0.50, 1.50)),
    *[
        row
        for region in (None, "eastus2", "northcentralus", SWE, "switzerlandwest")
        for row in _tri(
            "azure", "gpt-35-turbo-0125", "standard", region, "fine_tuned", (0.50, 1.50)
        )
    ],
    *_tri("azure", "gpt-35-turbo-0125", "standard", None, "base", (0.50, 1.50)),
    *_tri("azure", "gpt-35-turbo-1106", "standard", None, "base", (1.00, 2.00)),
    *_tri("azure", "babbage-002", "global", None, "fine_tuned", (0.40, 0.40)),
    ("azure", "babbage-002", "output", "standard", None, "fine_tuned", 0.40),
    *_tri("azure", "davinci-002", "global", None, "fine_tuned", (2.00, 2.00)),
    ("azure", "davinci-002", "output", "standard", None, "fine_tuned", 2.00),
]


def _openai(
    model: str,
    training: float,
    ft: tuple[float, ...],
    base: tuple[float, ...] | None,
    kind: str = "training",
) -> list[Row]:
    rows: list[Row] = [("openai", model, kind, "global", None, None, training)]
    rows += [("openai", model, "hosting", "global", None, None, 0.0)]
    rows += _tri("openai", model, "global", None, "fine_tuned", ft)
    if base is not None:
        rows += _tri("openai", model, "global", None, "base", base)
    return rows


# §3b OpenAI (single list price, stored under tier "global"; no hosting fee)
OPENAI: list[Row] = [
    *_openai(GPT41, 25.00, (3.00, 0.75, 12.00), (2.00, 0.50, 8.00)),
    *_openai(GPT41_MINI, 5.00, (0.80, 0.20, 3.20), (0.40, 0.10, 1.60)),
    *_openai(GPT41_NANO, 1.50, (0.20, 0.05, 0.80), (0.10, 0.025, 0.40)),
    *_openai(O4_MINI, 100.0, (4.00, 1.00, 16.00), (1.10, 0.275, 4.40), kind="rft_training"),
    *_openai(GPT4O, 25.00, (3.75, 1.875, 15.00), (2.50, 1.25, 10.00)),
    *_openai(GPT4O_MINI, 3.00, (0.30, 0.15, 1.20), (0.15, 0.075, 0.60)),
    *_openai("gpt-3.5-turbo-0125", 8.00, (3.00, 6.00), (0.50, 1.50)),
    *_openai("gpt-3.5-turbo-1106", 8.00, (3.00, 6.00), (1.00, 2.00)),
    *_openai("gpt-3.5-turbo-0613", 8.00, (3.00, 6.00), None),
    *_openai("davinci-002", 6.00, (12.00, 12.00), (2.00, 2.00)),
    *_openai("babbage-002", 0.40, (1.60, 1.60), (0.40, 0.40)),
]

PRICE_ROWS: list[Row] = AZURE_TRAINING + AZURE_GRADERS + AZURE_HOSTING + AZURE_INFERENCE + OPENAI

# §4a max training-example tokens (Azure sources)
LIMIT_ROWS: list[tuple[str, str, int]] = [
    ("azure", GPT4O_MINI, 65536),
    ("azure", GPT4O, 65536),
    ("azure", GPT41, 65536),
    ("azure", GPT41_MINI, 65536),
    ("azure", GPT41_NANO, 32768),
    ("azure", O4_MINI, 65536),
    ("azure", "gpt-35-turbo-1106", 16385),
    ("azure", "gpt-35-turbo-0125", 16385),
    ("azure", "gpt-35-turbo-0613", 4096),
    ("azure", "babbage-002", 16384),
    ("azure", "davinci-002", 16384),
    ("azure", "gpt-4-0613", 8192),
]

# Reference rows with no figure (pricing-facts §6, "Not found" 2)
DEVELOPER_AS_GLOBAL_ROWS: list[tuple[str, str, str, str, str | None]] = [
    ("azure", model, kind, "developer", "fine_tuned")
    for model in (GPT4O, GPT4O_MINI)
    for kind in ("input", "cached_input", "output")
]


def _row_id(row: tuple[Any, ...]) -> str:
    return "-".join(str(part) for part in row[:-1] if part is not None)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The catalog as shipped in ``pricing/``, through the real loader."""
    return load_catalog(PRICING)


def _entry(catalog: Catalog, provider: str, model: str) -> ModelEntry:
    for entry in catalog.provider(provider).models:
        if entry.id == model:
            return entry
    raise AssertionError(f"{provider}: no model {model!r}")


def _lookup(
    entry: ModelEntry, kind: str, tier: str, region: str | None, variant: str | None
) -> Price:
    """The price a region sees: its own entry, else the tier's reference entry (no region)."""
    candidates = [
        p
        for p in entry.prices
        if p.kind == kind and p.tier == tier and p.variant == variant and p.method is None
    ]
    for wanted in (region, None):
        found = [p for p in candidates if p.region == wanted]
        if found:
            assert len(found) == 1
            return found[0]
    raise AssertionError(f"{entry.id}: no {variant or ''} {kind} price for {tier}/{region}")


def _region_is_listed(entry: ModelEntry, kind: str, tier: str, region: str | None) -> bool:
    if region is None or entry.regions is None:
        return True
    training = kind in ("training", "rft_training")
    name = {
        ("standard", True): "standard_training",
        ("global", True): "global_training",
        ("standard", False): "standard_deployment",
        ("global", False): "global_deployment",
        ("developer", False): "developer_deployment",
    }.get((tier, training))
    allowed: list[str] = getattr(entry.regions, name) if name else []
    return not allowed or region in allowed


@pytest.mark.parametrize(
    ("provider", "model", "kind", "tier", "region", "variant", "expected"),
    PRICE_ROWS,
    ids=[_row_id(r) for r in PRICE_ROWS],
)
def test_reference_price(
    catalog: Catalog,
    provider: str,
    model: str,
    kind: str,
    tier: str,
    region: str | None,
    variant: str | None,
    expected: float,
) -> None:
    """The catalog holds the reference's figure for this model, kind, tier, region and variant."""
    entry = _entry(catalog, provider, model)
    price = _lookup(entry, kind, tier, region, variant)
    assert price.status != "not_found"
    assert price.value == pytest.approx(expected, rel=1e-9, abs=1e-12)
    if _region_is_listed(entry, kind, tier, region):
        found = find_price(entry, kind, tier, region=region, variant=variant)  # type: ignore[arg-type]
        assert found.value == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("provider", "model", "expected"), LIMIT_ROWS, ids=[_row_id(r) for r in LIMIT_ROWS]
)
def test_reference_training_example_limit(
    catalog: Catalog, provider: str, model: str, expected: int
) -> None:
    """The per-example training token limit matches the reference's §4a table."""
    limit = _entry(catalog, provider, model).limits.training_example_tokens
    assert limit is not None
    assert limit.value == expected


@pytest.mark.parametrize(
    ("provider", "model", "kind", "tier", "variant"),
    DEVELOPER_AS_GLOBAL_ROWS,
    ids=["-".join(str(p) for p in r) for r in DEVELOPER_AS_GLOBAL_ROWS],
)
def test_developer_tokens_derived_from_global(
    catalog: Catalog, provider: str, model: str, kind: str, tier: str, variant: str
) -> None:
    """Developer fine-tuned tokens of gpt-4o / 4o-mini are derived = Global ("Same as Global
    Standard", S2), with the rule stated; the meters' own figures are implausible."""
    entry = _entry(catalog, provider, model)
    price = _lookup(entry, kind, tier, None, variant)
    assert price.status == "derived"
    assert price.rule
    glob = find_price(entry, kind, "global", variant=variant)  # type: ignore[arg-type]
    assert price.value == glob.value


# ---------------------------------------------------------------------------------------------
# Structural checks over every file


def _provider_files() -> list[tuple[str, ProviderFile]]:
    out = []
    for path in sorted(PRICING.glob("*.toml")):
        out.append((path.name, parse_catalog(path.read_bytes(), source=path.name)))
    return out


FILES = _provider_files()
FILE_IDS = [name for name, _ in FILES]


def _figures(pf: ProviderFile) -> Iterator[tuple[str, Any]]:
    """Every sourced object of a file, with a readable path."""
    for model in pf.models:
        for i, price in enumerate(model.prices):
            yield f"{model.id}.prices[{i}]", price
        for field in msgspec.structs.fields(model.limits):
            fig = getattr(model.limits, field.name)
            if fig is not None:
                yield f"{model.id}.limits.{field.name}", fig
        if model.latency is not None:
            for field in msgspec.structs.fields(model.latency):
                yield f"{model.id}.latency.{field.name}", getattr(model.latency, field.name)
        if model.regions is not None:
            yield f"{model.id}.regions", model.regions
        if model.lifecycle is not None:
            for field in msgspec.structs.fields(model.lifecycle):
                fact = getattr(model.lifecycle, field.name)
                if fact is not None:
                    yield f"{model.id}.lifecycle.{field.name}", fact


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_every_model_has_lifecycle(name: str, pf: ProviderFile) -> None:
    """Every model carries its lifecycle: dates, or an explicit none_published with its source."""
    for model in pf.models:
        lc = model.lifecycle
        assert lc is not None, f"{name}: {model.id} has no lifecycle"
        dated = [getattr(lc, f) for f in LIFECYCLE_EVENTS if getattr(lc, f) is not None]
        assert dated or lc.none_published is not None, f"{name}: {model.id}"
        for fact in [*dated, lc.none_published]:
            if fact is not None:
                assert fact.source
                assert fact.as_of is not None


def test_pricing_dir_is_data_only() -> None:
    """``pricing/`` holds exactly the two provider files and the README."""
    assert sorted(p.name for p in PRICING.iterdir()) == ["README.md", "azure.toml", "openai.toml"]


def test_both_providers_load(catalog: Catalog) -> None:
    """The loader finds one file per provider with the documented version and currency."""
    assert sorted(catalog.providers) == ["azure", "openai"]
    for name, pf in catalog.providers.items():
        assert pf.version == f"{name}-2026-12-01"
        assert pf.currency == "USD"
        assert pf.schema_version == 1
    assert catalog.provider("openai").reference_tier == "global"


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_every_source_id_is_in_the_sources_table(name: str, pf: ProviderFile) -> None:
    """Every figure names a source listed in its own file's sources table."""
    known = {s.id for s in pf.sources}
    missing = [(where, fig.source) for where, fig in _figures(pf) if fig.source not in known]
    assert not missing


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_sources_table_lists_s1_to_s18(name: str, pf: ProviderFile) -> None:
    """Both files carry the reference's sources S1..S18, each with a title and a date."""
    by_id = {s.id: s for s in pf.sources}
    for n in range(1, 19):
        source = by_id[f"S{n}"]
        assert source.title
        assert source.date


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_derived_figures_state_a_rule(name: str, pf: ProviderFile) -> None:
    """A derived figure says how it was derived."""
    bad = [where for where, fig in _figures(pf) if fig.status == "derived" and not fig.rule]
    assert not bad


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_not_found_figures_have_a_note_and_no_value(name: str, pf: ProviderFile) -> None:
    """A not_found figure has no value and a note saying what is missing."""
    bad = [
        where
        for where, fig in _figures(pf)
        if fig.status == "not_found" and (getattr(fig, "value", None) is not None or not fig.note)
    ]
    assert not bad


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_uncertain_figures_have_a_note_or_rule(name: str, pf: ProviderFile) -> None:
    """An uncertain figure says why (a note) or how it was obtained (a rule)."""
    bad = [
        where
        for where, fig in _figures(pf)
        if fig.status == "uncertain" and not (fig.note or fig.rule)
    ]
    assert not bad


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_names_are_unique(name: str, pf: ProviderFile) -> None:
    """Model ids and aliases are unique within a provider, ignoring case."""
    names = [n.lower() for m in pf.models for n in (m.id, *m.aliases)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_prices_are_unique_per_key(name: str, pf: ProviderFile) -> None:
    """No model has two prices for the same kind, tier, region, variant and method."""
    for model in pf.models:
        keys = [(p.kind, p.tier, p.region, p.variant, p.method) for p in model.prices]
        assert len(keys) == len(set(keys)), model.id


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_fine_tunable_models_price_every_listed_tier(name: str, pf: ProviderFile) -> None:
    """Every training tier a model lists has a training (or RFT hourly) price, or says it has
    none: a not_found entry with a note (gpt-5 RFT, Qwen-32B), so an estimate names the gap."""
    for model in pf.models:
        if not model.methods:
            continue
        kind = "rft_training" if model.methods == ["rft"] else "training"
        assert model.tiers, model.id
        for tier in model.tiers:
            priced = [
                p
                for p in model.prices
                if p.kind == kind
                and p.tier == tier
                and p.region is None
                and (p.value is not None or (p.status == "not_found" and p.note))
            ]
            assert priced, f"{model.id}: no {kind} price for tier {tier}"


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_fine_tunable_models_price_every_deployment(name: str, pf: ProviderFile) -> None:
    """Every deployment type a model lists has a hosting price and fine-tuned token prices."""
    for model in pf.models:
        if not model.methods:
            continue
        assert model.deployments, model.id
        for tier in model.deployments:
            if tier in PROVISIONED_TIERS:
                # billed in PTU-hours, not hosting and tokens: the model's sizing figures allow
                # the type for a fine-tune and the file has the PTU-hour price of that type
                assert model.provisioned is not None, model.id
                assert tier in model.provisioned.fine_tuned, model.id
                assert model.provisioned.fine_tuned_regions, model.id
                assert any(
                    p.tier == tier and p.kind == "ptu_hour" and p.region is None
                    for p in pf.provisioned_prices
                ), (model.id, tier)
                continue
            for kind, variant in (
                ("hosting", None),
                ("input", "fine_tuned"),
                ("output", "fine_tuned"),
            ):
                found = [
                    p
                    for p in model.prices
                    if p.kind == kind
                    and p.tier == tier
                    and p.variant == variant
                    and p.region is None
                ]
                assert found, f"{model.id}: no {kind} price for deployment {tier}"


@pytest.mark.parametrize(("name", "pf"), FILES, ids=FILE_IDS)
def test_encodings_follow_the_model_family(name: str, pf: ProviderFile) -> None:
    """gpt-4o, gpt-4.1 and o-series use o200k_base; gpt-3.5, babbage and davinci cl100k_base."""
    for model in pf.models:
        if model.id.startswith(("gpt-4o", "gpt-4.1", "gpt-5", "gpt-oss", "o1", "o3", "o4")):
            assert model.encoding == "o200k_base", model.id
        elif model.id.startswith(("gpt-35", "gpt-3.5", "babbage", "davinci")):
            assert model.encoding == "cl100k_base", model.id


def test_grader_prices_do_not_depend_on_the_training_tier(catalog: Catalog) -> None:
    """A grader meter has one rate: the standard and global entries agree."""
    for entry in catalog.provider("azure").models:
        graders = {(p.kind, p.tier): p.value for p in entry.prices if p.variant == "grader"}
        for (kind, tier), value in graders.items():
            if tier == "standard":
                assert graders[(kind, "global")] == value, entry.id


def test_rft_models_carry_the_job_cap(catalog: Catalog) -> None:
    """Azure RFT models carry the $5,000 per-job cap."""
    for entry in catalog.provider("azure").models:
        if "rft" in entry.methods:
            cap = entry.limits.rft_job_cap_usd
            assert cap is not None
            assert cap.value == 5000.0


OPEN_WEIGHT = {
    "gpt-oss-20b",
    "Llama-3.3-70B-Instruct",
    "Ministral-3B",
    "Qwen-32B",
    "Qwen3.6-35B-A3B",
    "Qwen3.8-27B",
    "Muse-Glimmer-30B",
    "gpt-oss-120b",
    "Phi-4",
    "Phi-4-mini-instruct",
    "Phi-4-multimodal-instruct",
}


def test_azure_limits_from_the_quota_docs(catalog: Catalog) -> None:
    """Azure OpenAI fine-tunable models carry the file size, minimum examples and job limits.
    The open-weight and Phi models do not: those quota docs are Azure OpenAI's."""
    for entry in catalog.provider("azure").models:
        if entry.id in OPEN_WEIGHT:
            assert entry.limits.job_hours is None, entry.id
            assert entry.limits.file_bytes is None, entry.id
            continue
        if not entry.methods:
            continue
        limits = entry.limits
        assert limits.file_bytes is not None
        assert limits.file_bytes.value == 536870912
        assert limits.min_examples is not None
        assert limits.min_examples.value == 10
        assert limits.job_hours is not None
        assert limits.job_hours.value == 720
        assert limits.job_tokens is not None
        assert limits.job_tokens.value == 2_000_000_000


def test_aliases_resolve_to_the_dated_models(catalog: Catalog) -> None:
    """Short names resolve to the documented snapshot on both providers."""
    from ftcost.catalog import resolve_model

    expected = {
        "gpt-4o": GPT4O,
        "gpt-4o-mini": GPT4O_MINI,
        "gpt-4.1": GPT41,
        "gpt-4.1-mini": GPT41_MINI,
        "gpt-4.1-nano": GPT41_NANO,
        "o4-mini": O4_MINI,
    }
    for provider in ("azure", "openai"):
        for alias, model_id in expected.items():
            assert resolve_model(catalog, alias, provider).entry.id == model_id
    assert resolve_model(catalog, "gpt-35-turbo", "azure").entry.id == "gpt-35-turbo-0125"
    assert resolve_model(catalog, "gpt-3.5-turbo-0125", "azure").entry.id == "gpt-35-turbo-0125"
    assert resolve_model(catalog, "gpt-35-turbo-0125", "openai").entry.id == "gpt-3.5-turbo-0125"
