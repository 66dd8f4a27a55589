"""Price sheets of the user's own laid over the shipped catalog: a negotiated discount, a custom
model, another currency; every output names the catalog versions, files and as-of dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftcost.catalog import find_price, load_catalog, resolve_model
from ftcost.cli import main

DISCOUNT = """\
schema_version = 1
provider = "azure"
version = "acme-2026-01"

[[sources]]
id = "ACME-EA"
title = "Acme enterprise agreement, schedule B (negotiated Azure OpenAI prices)"
date = "2026-01-15"

[[models]]
id = "gpt-4.1-mini"
prices = [
  { kind = "training", tier = "global", value = 4.0, source = "ACME-EA", as_of = 2026-01-15 },
  { kind = "hosting", tier = "global", value = 1.2, source = "ACME-EA", as_of = 2026-01-15 },
]
"""

CUSTOM = """\
schema_version = 1
provider = "openai"
version = "acme-models-1"

[[sources]]
id = "ACME-LAB"
title = "Acme lab measurements"
date = "2026-02-01"

[[models]]
id = "acme-distilled-mini"
aliases = ["acme-mini"]
encoding = "o200k_base"
methods = ["sft"]
tiers = ["global"]
deployments = ["global"]
prices = [
  { kind = "training", tier = "global", value = 2.0, source = "ACME-LAB", as_of = 2026-02-01 },
  { kind = "hosting", tier = "global", value = 0.0, source = "ACME-LAB", as_of = 2026-02-01 },
  { kind = "input", tier = "global", variant = "fine_tuned", value = 0.5, source = "ACME-LAB", \
as_of = 2026-02-01 },
  { kind = "output", tier = "global", variant = "fine_tuned", value = 2.0, source = "ACME-LAB", \
as_of = 2026-02-01, status = "uncertain", note = "lab estimate" },
]
"""

EURO = """\
schema_version = 1
provider = "openai"
version = "openai-eur-2026-03"
currency = "EUR"

[[sources]]
id = "EUR-1"
title = "Reseller price list in euros"
date = "2026-03-01"

[[models]]
id = "gpt-4.1-nano-2025-04-14"
aliases = ["gpt-4.1-nano"]
encoding = "o200k_base"
methods = ["sft"]
tiers = ["global"]
deployments = ["global"]
prices = [
  { kind = "training", tier = "global", value = 1.4, source = "EUR-1", as_of = 2026-03-01 },
  { kind = "hosting", tier = "global", value = 0.0, source = "EUR-1", as_of = 2026-03-01 },
  { kind = "input", tier = "global", variant = "fine_tuned", value = 0.19, source = "EUR-1", \
as_of = 2026-03-01 },
  { kind = "output", tier = "global", variant = "fine_tuned", value = 0.75, source = "EUR-1", \
as_of = 2026-03-01 },
]
"""


def _sheet(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_discount_replaces_only_the_prices_it_names(tmp_path: Path) -> None:
    """The negotiated prices win; every other price of the model stays the shipped one."""
    sheet = _sheet(tmp_path, "acme.toml", DISCOUNT)
    catalog = load_catalog(overlays=[sheet])
    entry = resolve_model(catalog, "gpt-4.1-mini", "azure").entry
    assert find_price(entry, "training", "global").value == 4.0
    assert find_price(entry, "training", "global").source == "ACME-EA"
    assert find_price(entry, "hosting", "global").value == 1.2
    # untouched: the reference figures ($5.50 regional training, $0.40 global input)
    assert find_price(entry, "training", "standard").value == 5.50
    assert find_price(entry, "input", "global", variant="fine_tuned").value == 0.40
    assert entry.aliases == ["gpt-4.1-mini"]
    assert entry.encoding == "o200k_base"
    info = next(i for i in catalog.info() if i.provider == "azure")
    assert info.version == "azure-2026-12-01+acme-2026-01"
    assert info.files == ["pricing/azure.toml", str(sheet)]
    assert info.as_of_max == "2026-08-11"  # the shipped catalog's latest (AGP snapshot) is later


def test_discount_shows_in_the_cli_with_the_overlay_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ftcost models MODEL --pricing`` shows the negotiated price, its source and the file."""
    sheet = _sheet(tmp_path, "acme.toml", DISCOUNT)
    assert main(["models", "gpt-4.1-mini", "--provider", "azure", "--pricing", str(sheet)]) == 0
    out = capsys.readouterr().out
    training_global = next(
        line for line in out.splitlines() if line.split()[:3] == ["training", "global", "-"]
    )
    assert "$4.00/1M tok" in training_global
    assert "ACME-EA" in training_global
    assert "Acme enterprise agreement" in out  # the sources section lists the overlay's row
    assert f"overlay {sheet}" in out
    assert "azure-2026-12-01+acme-2026-01" in out


def test_environment_variable_lays_sheets_over_the_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FTCOST_PRICING works like --pricing; both together stack, environment first."""
    discount = _sheet(tmp_path, "acme.toml", DISCOUNT)
    custom = _sheet(tmp_path, "custom.toml", CUSTOM)
    monkeypatch.setenv("FTCOST_PRICING", str(discount))
    assert main(["models", "--json", "--pricing", str(custom)]) == 0
    records = json.loads(capsys.readouterr().out)
    by_key = {(r["provider"], r["id"]): r for r in records}
    mini = by_key[("azure", "gpt-4.1-mini-2025-04-14")]
    training = [p for p in mini["prices"] if p["kind"] == "training" and p["tier"] == "global"]
    assert [p["value"] for p in training] == [4.0]
    assert mini["catalog"]["files"] == ["pricing/azure.toml", str(discount)]
    assert ("openai", "acme-distilled-mini") in by_key
    assert by_key[("openai", "acme-distilled-mini")]["catalog"]["files"] == [
        "pricing/openai.toml",
        str(custom),
    ]


def test_custom_model_is_listed_and_resolves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model the catalog does not have is added, resolves by alias and shows its marks."""
    sheet = _sheet(tmp_path, "custom.toml", CUSTOM)
    catalog = load_catalog(overlays=[sheet])
    resolved = resolve_model(catalog, "ACME-MINI")
    assert (resolved.provider, resolved.entry.id) == ("openai", "acme-distilled-mini")
    # the 20 shipped models (11 fine-tunable, 9 gpt-5.x base models) and this one
    assert len(list(catalog.models("openai"))) == 21
    assert main(["models", "--provider", "openai", "--pricing", str(sheet), "--wide"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("acme-distilled-mini"))
    # training global 2.00, hosting 0.00, input 0.50, no cached price, uncertain output 2.00?
    assert row.split() == ["acme-distilled-mini", "ok", "sft", "-", "2.00", "-", "0.00", "global",
                           "0.50", "-", "2.00?", "-"]  # fmt: skip
    assert "openai-2026-12-01+acme-models-1" in out


def test_another_currency_replaces_the_providers_prices(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sheet in EUR replaces the provider's USD models and every output names the currency."""
    sheet = _sheet(tmp_path, "eur.toml", EURO)
    catalog = load_catalog(overlays=[sheet])
    openai = catalog.provider("openai")
    assert openai.currency == "EUR"
    assert [m.id for m in openai.models] == ["gpt-4.1-nano-2025-04-14"]
    assert catalog.provider("azure").currency == "USD"  # the other provider is untouched
    assert main(["models", "--provider", "openai", "--pricing", str(sheet), "--wide"]) == 0
    out = capsys.readouterr().out
    assert "training EUR/1M tok" in out
    assert "Catalog openai-eur-2026-03 (EUR, prices as of 2026-03-01 to 2026-03-01)" in out
    assert main(["models", "gpt-4.1-nano", "--provider", "openai", "--pricing", str(sheet)]) == 0
    detail = capsys.readouterr().out
    assert "EUR 1.40/1M tok" in detail
    assert main(["catalog", "info", "--json", "--pricing", str(sheet)]) == 0
    info = {s["provider"]: s for s in json.loads(capsys.readouterr().out)}
    assert info["openai"]["currency"] == "EUR"
    assert info["azure"]["currency"] == "USD"


def test_bad_sheet_is_one_error_line_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sheet with a negative price stops the CLI with one line naming the file and field."""
    sheet = _sheet(tmp_path, "bad.toml", DISCOUNT.replace("value = 4.0", "value = -4.0"))
    assert main(["models", "--pricing", str(sheet)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"ftcost: error: {sheet}: models[0].prices[0].value: ")
