"""Reproductions 2, 3, 4, 6 and 7 from the command line: one line on stderr, exit 1 (or the
right answer), never a Rust panic, a traceback, a hang or exit 70."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from live import HOST, free_port, ftcost, serve

HUGE_PRICE = """\
schema_version = 1
provider = "azure"
version = "huge"

[[sources]]
id = "X"
title = "x"
date = "2026-01-15"

[[models]]
id = "gpt-4.1-mini"
prices = [
  { kind = "training", tier = "global", value = 1e308, source = "X", as_of = 2026-01-15 },
]
"""


def one_error_line(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The run failed with exit 1 and exactly one 'ftcost: error:' line holding ``needles``."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ftcost: error: ")
    for needle in needles:
        assert needle in lines[0]
    assert "panicked" not in result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def test_count_a_million_spaces(tmp_path: Path) -> None:
    """`ftcost count --file` of ~1 MB of spaces prints the count: no Rust panic."""
    f = tmp_path / "spaces.txt"
    f.write_text(" " * 1_000_427)
    result = ftcost("count", "--model", "gpt-4.1-mini", "--file", str(f), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["tokens"] == 7817
    assert result.stderr == ""


def test_count_uncountable_run_is_one_line(tmp_path: Path) -> None:
    """A mixed whitespace run over the limit is one error line, exit 1."""
    f = tmp_path / "mixed.txt"
    f.write_text("x" + " \t" * 60_000)
    one_error_line(
        ftcost("count", "--model", "gpt-4.1-mini", "--file", str(f)), "whitespace characters"
    )


def test_analyze_deeply_nested_line(tmp_path: Path) -> None:
    """`ftcost analyze` on a line nested 1,000 deep reports invalid_json on that line and
    exits 1 (file rejected), not 70 (internal error)."""
    good = json.dumps(
        {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}
    )
    f = tmp_path / "deep.jsonl"
    f.write_text("\n".join([good] * 12 + ['{"messages": ' + "[" * 1000 + "]" * 1000 + "}"]))
    result = ftcost("analyze", str(f), "--model", "gpt-4.1-mini")
    line = one_error_line(result, "invalid_json at line 13")
    assert "would be rejected" in line


@pytest.mark.parametrize("kind", ["dev-zero", "link-to-dev-zero", "fifo", "directory", "large"])
@pytest.mark.parametrize("use", ["pricing", "scenario", "validate"])
def test_unreadable_files_are_one_line(tmp_path: Path, kind: str, use: str) -> None:
    """A price sheet or scenario that is /dev/zero (or links to it), a FIFO, a directory or
    over 8 MiB is refused at once with one line naming the file: no hang, no OOM."""
    path = tmp_path / "sheet.toml"
    if kind == "dev-zero":
        path = Path("/dev/zero")
    elif kind == "link-to-dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b"#" * (8 * 1024 * 1024 + 1))
    if use == "pricing":
        args = ["models", "--pricing", str(path)]
    elif use == "scenario":
        args = ["estimate", "--scenario", str(path)]
    else:
        args = ["catalog", "validate", str(path)]
    one_error_line(ftcost(*args, timeout=20), str(path))


def test_serve_refuses_an_unreadable_sheet() -> None:
    """`ftcost serve` with FTCOST_PRICING=/dev/zero stops with one line, before serving."""
    result = ftcost(
        "serve", "--port", str(free_port()), env={"FTCOST_PRICING": "/dev/zero"}, timeout=20
    )
    one_error_line(result, "/dev/zero", "not a regular file")


def test_overflowing_price_is_refused(tmp_path: Path) -> None:
    """A price of 1e308 is refused when the sheet is read (never a null or $inf figure)."""
    sheet = tmp_path / "huge.toml"
    sheet.write_text(HUGE_PRICE)
    one_error_line(
        ftcost("models", "gpt-4.1-mini", "--pricing", str(sheet)),
        "huge.toml",
        "models[0].prices[0].value",
    )


def test_serve_on_a_used_port_is_one_line() -> None:
    """`ftcost serve` on a port another socket listens on: one line, exit 1, and it never
    claims to be serving."""
    with socket.socket() as other:
        other.bind((HOST, 0))
        other.listen()
        port = other.getsockname()[1]
        result = ftcost("serve", "--host", HOST, "--port", str(port), timeout=30)
    line = one_error_line(result, f"{HOST}:{port}", "already in use")
    assert "serving on" not in line


def test_second_server_never_shares_the_port() -> None:
    """With a two-worker server running (granian listens with SO_REUSEPORT), a second
    `ftcost serve` on the same port refuses to start instead of sharing it."""
    port = free_port()
    with serve(workers=2, port=port) as live:
        result = ftcost(
            "serve", "--port", str(port), "--workers", "2", env={"FTCOST_HOST": HOST}, timeout=30
        )
        one_error_line(result, "already in use")
        assert live.get("/healthz")[0] == 200


@pytest.mark.parametrize("workers", ["0", "65", "100000"])
def test_workers_are_bounded(workers: str) -> None:
    """`--workers` outside 1-64 is one line, exit 1."""
    one_error_line(ftcost("serve", "--workers", workers, timeout=20), "FTCOST_WORKERS", "1 and 64")
