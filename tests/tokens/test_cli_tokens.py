"""``ftcost count`` and ``ftcost analyze``: output, JSON, errors, progress, a fresh process."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tiktoken
from dataset_data import chat_example, jsonl
from tokens_reference import num_tokens_from_messages, text_tokens

from ftcost.catalog import load_catalog
from ftcost.cli import cmd_tokens, main


def test_count_text(capsys: pytest.CaptureFixture[str], o200k: tiktoken.Encoding) -> None:
    """A text argument prints its token count, model and encoding."""
    text = "Réponds brièvement: où est ma commande 1234?"
    assert main(["count", "--model", "gpt-4.1-mini", text]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{text_tokens(o200k, text):,} tokens  gpt-4.1-mini-2025-04-14 (azure")
    assert "o200k_base" in out


def test_count_file_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cl100k: tiktoken.Encoding
) -> None:
    """--file counts a UTF-8 file (BOM skipped); --json gives the TokenCount document."""
    text = "line one\nline two ünïcödé\n" * 50
    path = tmp_path / "prompt.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert main(["count", "-m", "gpt-35-turbo-0125", "--file", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tokens"] == doc["text_tokens"] == text_tokens(cl100k, text)
    assert doc["encoding"] == "cl100k_base"
    assert doc["model"] == "gpt-35-turbo-0125"
    assert doc["catalog"]["version"]


def test_count_messages_with_tools(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], o200k: tiktoken.Encoding
) -> None:
    """--messages takes {"messages", "tools"}; the tool part is listed as an estimate."""
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    tools = [{"type": "function", "function": {"name": "f", "description": "Do f."}}]
    path = tmp_path / "chat.json"
    path.write_text(json.dumps({"messages": messages, "tools": tools}))
    assert main(["count", "-m", "gpt-4o", "--messages", str(path)]) == 0
    out = capsys.readouterr().out
    expected_messages = num_tokens_from_messages(o200k, messages)
    assert f"  {'messages':<10}{expected_messages:>12,}\n" in out
    assert "estimate: tool_definitions" in out


def test_count_messages_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--messages also takes a bare list of messages."""
    path = tmp_path / "m.json"
    path.write_text(json.dumps([{"role": "user", "content": "hello world"}]))
    assert main(["count", "-m", "gpt-4o", "--messages", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tokens"] == 3 + 1 + 2 + 3


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, ["--file", "{tmp}/missing.txt"], "cannot read file"),
        (b"\xff\xfe\x00", ["--file", "{tmp}/f"], "not UTF-8"),
        (b"{not json", ["--messages", "{tmp}/f"], "not valid JSON"),
        (b'{"messages": 3}', ["--messages", "{tmp}/f"], "must hold a list of messages"),
        (b'[{"content": "x"}]', ["--messages", "{tmp}/f"], "has no role"),
    ],
    ids=["missing file", "not utf-8", "bad json", "wrong shape", "no role"],
)
def test_count_errors_are_one_line(
    setup: bytes | None,
    args: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bad input is exit 1 with exactly one line on stderr."""
    if setup is not None:
        (tmp_path / "f").write_bytes(setup)
    argv = ["count", "-m", "gpt-4o", *[a.format(tmp=tmp_path) for a in args]]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ftcost: error: ")
    assert message in err


def test_count_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown model names the closest ones."""
    assert main(["count", "-m", "gpt-4.1-mimi", "x"]) == 1
    err = capsys.readouterr().err
    assert "unknown model 'gpt-4.1-mimi'" in err
    assert "gpt-4.1-mini" in err


def _dataset(tmp_path: Path, n: int = 60, seed: int = 0) -> tuple[Path, list[dict[str, Any]]]:
    rng = random.Random(seed)
    examples = [chat_example(rng) for _ in range(n)]
    path = tmp_path / "train.jsonl"
    path.write_bytes(jsonl(examples) + b"{broken\n")
    return path, examples


def test_analyze_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], o200k: tiktoken.Encoding
) -> None:
    """The readable summary shows examples, tokens, epochs, training tokens, cost per tier,
    issues by code with their first line numbers, and assumptions; a file that would be
    rejected exits 1 with one line on stderr naming the error and its line."""
    path, examples = _dataset(tmp_path)
    total = sum(num_tokens_from_messages(o200k, e["messages"]) for e in examples)
    assert main(["analyze", str(path), "--model", "gpt-4.1-mini", "--workers", "1"]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert (
        captured.err
        == f"ftcost: error: {path} would be rejected: 1 error (invalid_json at line 61)\n"
    )
    assert "examples         60" in out
    assert f"tokens           {total:,}" in out
    assert "epochs           3  (auto" in out
    assert f"training tokens  {3 * total:,}" in out
    for tier in ("standard", "global", "developer"):
        assert f"  {tier}" in out
    assert "error   invalid_json ×1: line 61\n" in out
    assert "issues: 1 error, 1 warning (the file would be rejected)" in out
    assert "assumptions" in out
    assert "catalog azure-" in out


def test_analyze_json_with_validation_and_epochs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints the DatasetReport; --epochs and --validation are applied."""
    path, _ = _dataset(tmp_path)
    valid = tmp_path / "valid.jsonl"
    valid.write_bytes(jsonl([chat_example(random.Random(5)) for _ in range(7)]))
    argv = ["analyze", str(path), "-m", "gpt-4.1-mini", "--epochs", "4", "--json"]
    assert main([*argv, "--validation", str(valid), "--provider", "openai"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False
    assert doc["epochs"] == {"value": 4, "auto": False, "rule": "given"}
    assert doc["training_tokens"] == 4 * doc["tokens"]["billed_per_epoch"]
    assert doc["validation"]["examples"] == 7
    assert doc["provider"] == "openai"
    assert [c["tier"] for c in doc["cost"]] == ["global"]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["{tmp}/missing.jsonl"], 1, "cannot read"),
        (["{tmp}/empty.jsonl"], 1, "empty"),
        (["{tmp}/train.jsonl", "--epochs", "0"], 2, "epochs must be from 1 to 1000"),
        (["{tmp}/train.jsonl", "--epochs", "many"], 2, "not a whole number"),
        (["{tmp}/train.jsonl", "--format", "csv"], 2, "invalid choice"),
        (["{tmp}/train.jsonl", "--workers", "0"], 1, "at least 1"),
    ],
    ids=["missing", "empty", "epochs 0", "epochs word", "format", "workers"],
)
def test_analyze_errors(
    argv: list[str],
    code: int,
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bad files and options exit non-zero with the reason on stderr, never a traceback."""
    _dataset(tmp_path)
    (tmp_path / "empty.jsonl").write_bytes(b"")
    args = ["analyze", *[a.format(tmp=tmp_path) for a in argv], "-m", "gpt-4.1-mini"]
    if code == 2:
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 2
    else:
        assert main(args) == code
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a terminal stderr shows a progress bar (cleared at the end); --json keeps it quiet."""
    path, _ = _dataset(tmp_path, n=3000)
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.setattr(cmd_tokens.time, "monotonic", iter(range(10_000)).__next__)
    assert main(["analyze", str(path), "-m", "gpt-4.1-mini", "--workers", "1"]) == 1
    drawn = term.getvalue().split("ftcost: error:")[0]
    assert "analyzing train.jsonl [" in drawn
    assert "100%" in drawn
    assert drawn.endswith("\r")
    term.seek(0)
    term.truncate()
    assert main(["analyze", str(path), "-m", "gpt-4.1-mini", "--json", "--workers", "1"]) == 1
    assert term.getvalue().startswith("ftcost: error: ")  # the verdict only, no bar
    assert term.getvalue().count("\n") == 1
    capsys.readouterr()


def test_fresh_process(tmp_path: Path) -> None:
    """``python -m ftcost analyze`` and ``count`` work in a new interpreter (workers included)."""
    path, examples = _dataset(tmp_path, n=40)
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(jsonl(examples))
    run = subprocess.run(
        [sys.executable, "-m", "ftcost", "analyze", str(clean), "-m", "gpt-4.1-mini", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    doc = json.loads(run.stdout)
    assert doc["examples"] == 40
    assert doc["ok"] is True
    assert run.stderr == ""
    rejected = subprocess.run(
        [sys.executable, "-m", "ftcost", "analyze", str(path), "-m", "gpt-4.1-mini", "--json"],
        capture_output=True,
        text=True,
    )
    assert rejected.returncode == 1
    assert json.loads(rejected.stdout)["examples"] == 40
    assert rejected.stderr.endswith("1 error (invalid_json at line 41)\n")
    count = subprocess.run(
        [sys.executable, "-m", "ftcost", "count", "-m", "gpt-4o", "hello world"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert count.stdout.startswith("2 tokens")
    bad = subprocess.run(
        [sys.executable, "-m", "ftcost", "analyze", str(tmp_path / "nope"), "-m", "gpt-4o"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stderr.count("\n") == 1


def test_analyze_file_helper_with_workers(tmp_path: Path) -> None:
    """analyze_file (used by other commands) reads a file in chunks with worker processes."""
    path, examples = _dataset(tmp_path, n=50, seed=3)
    report = cmd_tokens.analyze_file(path, catalog=load_catalog(), model="gpt-4o", workers=2)
    assert report.examples == len(examples)
