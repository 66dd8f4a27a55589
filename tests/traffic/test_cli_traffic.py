"""``ftcost traffic analyze`` and ``--traffic`` on estimate and simulate: the two-command path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import traffic_data as td
from traffic_ref import RefCounter

from ftcost.catalog import load_catalog
from ftcost.cli import main
from ftcost.cli.cmd_traffic import scenario_toml
from ftcost.engine import decode_scenario


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory, ref: RefCounter) -> Path:
    """A generated log on disk."""
    path = tmp_path_factory.mktemp("logs") / "log.jsonl"
    path.write_text(td.generate(300, counter=ref).text(), encoding="utf-8")
    return path


def test_table(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The summary names the volume, the token figures, the groups, the calibration and the
    scenario."""
    assert main(["traffic", "analyze", str(log_file), "--model", "gpt-4.1-mini",
                 "--workers", "1"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    for text in ("requests per month", "shared prefix", "You are a support agent",
                 "decode_tokens_per_s", "fine-tuned", "Assumptions"):  # fmt: skip
        assert text in out


def test_two_commands(log_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`traffic analyze --scenario-out plan.toml`, then `estimate --scenario plan.toml`."""
    plan = tmp_path / "plan.toml"
    assert main(["traffic", "analyze", str(log_file), "-m", "gpt-4.1-mini", "--json",
                 "--scenario-out", str(plan)]) == 0  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert decode_scenario(plan.read_bytes(), format="toml") == decode_scenario(
        json.dumps(report["scenario"]).encode()
    )
    assert main(["estimate", "--scenario", str(plan), "--json"]) == 0
    projection = json.loads(capsys.readouterr().out)
    assert projection["per_request"]["savings_usd"] > 0


def test_latency_out_is_a_price_sheet(
    log_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--latency-out writes a sheet that --pricing accepts, with the calibrated figures."""
    sheet = tmp_path / "latency.toml"
    assert main(["traffic", "analyze", str(log_file), "-m", "gpt-4.1-mini", "--json",
                 "--latency-out", str(sheet)]) == 0  # fmt: skip
    cal = json.loads(capsys.readouterr().out)["latency"]["calibration"]
    catalog = load_catalog(overlays=[sheet])
    entry = next(m for m in catalog.providers["azure"].models if m.id == "gpt-4.1-2025-04-14")
    assert entry.latency is not None
    assert entry.latency.t0_s.p50 == pytest.approx(cal["t0_s"]["p50"])
    assert entry.latency.decode_tokens_per_s.p50 == pytest.approx(td.DECODE_TOKENS_PER_S, rel=0.05)
    assert main(["catalog", "validate", str(sheet)]) == 0


def test_estimate_traffic_flags_win(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`estimate --traffic` fills the scenario from the log; flags still win."""
    assert main(["estimate", "--traffic", str(log_file), "--model", "gpt-4.1-mini",
                 "--requests-per-month", "2e6", "--json"]) == 0  # fmt: skip
    p = json.loads(capsys.readouterr().out)
    assert p["scenario"]["traffic"]["requests_per_month"] == 2e6  # the flag
    assert p["scenario"]["base"]["model"] == "gpt-4.1-2025-04-14"  # the log
    assert p["scenario"]["fine_tuned"]["prompt_tokens"] < p["scenario"]["base"]["prompt_tokens"]


def test_simulate_traffic_distributions(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`simulate --traffic` takes the log's distributions; --dist adds or replaces one."""
    assert main(["simulate", "--traffic", str(log_file), "--model", "gpt-4.1-mini",
                 "--dist", "traffic.requests_per_month=uniform:1e6:2e6",
                 "--samples", "300", "--json"]) == 0  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert result["fields"] == [
        "base.output_tokens",
        "base.prompt_tokens",
        "fine_tuned.prompt_tokens",
        "traffic.requests_per_month",
    ]


def test_simulate_needs_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --dist or --traffic, simulate says what to give."""
    assert main(["simulate", "--model", "gpt-4.1-mini", "--base-prompt-tokens", "100",
                 "--output-tokens", "10", "--ft-prompt-tokens", "10",
                 "--training-tokens", "1000"]) == 1  # fmt: skip
    assert "--dist" in capsys.readouterr().err


def test_traffic_needs_a_model(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--traffic` without a model is a one-line error."""
    assert main(["estimate", "--traffic", str(log_file)]) == 1
    assert "--model" in capsys.readouterr().err


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log that cannot be read is a one-line error naming it."""
    missing = tmp_path / "nope.jsonl"
    assert main(["traffic", "analyze", str(missing), "-m", "gpt-4.1-mini"]) == 1
    assert "nope.jsonl" in capsys.readouterr().err


def test_no_latency_to_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--latency-out on a log without timings is an error that says why."""
    log = tmp_path / "chat.jsonl"
    log.write_text(td.generate(5, shape="chat").text(), encoding="utf-8")
    out = tmp_path / "lat.toml"
    assert main(["traffic", "analyze", str(log), "-m", "gpt-4.1-mini",
                 "--latency-out", str(out)]) == 1  # fmt: skip
    assert "calibrate" in capsys.readouterr().err
    assert not out.exists()


def test_several_files_and_stdin_style(
    tmp_path: Path, ref: RefCounter, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several files are read as one log (a Batch input file and its output file)."""
    inp, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    inp.write_text(td.generate(8, shape="batch_input").text().rstrip("\n"), encoding="utf-8")
    out.write_text(td.generate(8, counter=ref, shape="batch_output").text(), encoding="utf-8")
    assert main(["traffic", "analyze", str(inp), str(out), "-m", "gpt-4.1-mini", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["records"] == {"batch_input": 8, "batch_output": 8}
    assert report["issues"] == []


def test_scenario_toml_round_trip() -> None:
    """The TOML writer writes what --scenario reads back to the same Scenario."""
    s = decode_scenario(
        b'{"model": "m", "base": {"prompt_tokens": 5, "output_tokens": 2}, '
        b'"fine_tuned": {"prompt_tokens": 1}, "start_date": "2026-01-02", '
        b'"traffic": {"requests_per_month": 12.5}}'
    )
    assert decode_scenario(scenario_toml(s).encode(), format="toml") == s


def test_estimate_writes_the_scenario_it_used(
    log_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`estimate --traffic LOG --scenario-out plan.toml` writes the filled scenario; estimating
    that file again gives the same projection."""
    plan = tmp_path / "plan.toml"
    args = ["--model", "gpt-4.1-mini", "--horizon", "24", "--json"]
    assert main(["estimate", "--traffic", str(log_file), *args, "--scenario-out", str(plan)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["estimate", "--scenario", str(plan), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again == first
    assert first["scenario"]["horizon_months"] == 24
