"""Every command works on an ASCII terminal (``LC_ALL=C``, ``PYTHONIOENCODING=ascii``).

Each command runs in-process with stdout and stderr as ASCII text streams, as Python sets them
up under ``LC_ALL=C``; the output must be produced (exit code as on a UTF-8 terminal) and be
pure ASCII. One real subprocess under ``LC_ALL=C`` checks the environment-driven path as well.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ftcost.cli import main

PLAN = """\
model = "gpt-4.1-mini"
[training]
tokens_per_epoch = 1_000_000
[traffic]
requests_per_month = 3_000_000
[base]
prompt_tokens = 2500
output_tokens = 200
[fine_tuned]
prompt_tokens = 500
"""

ESTIMATE = [
    "--model",
    "gpt-4.1-mini",
    "--requests-per-month",
    "3e6",
    "--base-prompt-tokens",
    "2500",
    "--ft-prompt-tokens",
    "500",
    "--output-tokens",
    "200",
    "--training-tokens",
    "1e6",
]


def _dataset(path: Path) -> Path:
    line = {
        "messages": [
            {"role": "system", "content": "You are Contoso’s agent — answer in one line…"},
            {"role": "user", "content": "Price × 3 → total?"},
            {"role": "assistant", "content": "It is 3 × the price."},
        ]
    }
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for _ in range(12)) + "\n")
    return path


COMMANDS: dict[str, list[str]] = {
    "models": ["models"],
    "models-wide": ["models", "--provider", "azure"],
    "models-one": ["models", "gpt-4.1-mini"],
    "models-unknown": ["models", "gpt-4.2-mini"],
    "catalog-info": ["catalog", "info"],
    "count": ["count", "--model", "gpt-4.1-mini", "Prix × 3 → total…"],
    "analyze": ["analyze", "{dataset}", "--model", "gpt-4.1-mini"],
    "estimate": ["estimate", *ESTIMATE],
    "solve": ["solve", "traffic.requests_per_month", "--scenario", "{plan}"],
    "sweep": [
        "sweep",
        "--axis",
        "traffic.requests_per_month=5e5:8e6:4:log",
        "--scenario",
        "{plan}",
    ],
    "compare": ["compare", "--tiers", "standard,global,developer", "--scenario", "{plan}"],
    "simulate": [
        "simulate",
        "--dist",
        "traffic.requests_per_month=lognormal:1e6:5e6",
        "--samples",
        "2000",
        "--scenario",
        "{plan}",
    ],
    "help": ["--help"],
    "estimate-help": ["estimate", "--help"],
}


def _run(argv: list[str], encoding: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes]:
    raw_out, raw_err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw_out, encoding=encoding))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(raw_err, encoding=encoding))
    try:
        code = main(argv)
    except SystemExit as exc:  # --help
        code = int(exc.code or 0)
    sys.stdout.flush()
    sys.stderr.flush()
    return code, raw_out.getvalue() + raw_err.getvalue()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_command_on_an_ascii_terminal(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command exits as it does on UTF-8 and prints only ASCII (no UnicodeEncodeError)."""
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN)
    dataset = _dataset(tmp_path / "train.jsonl")
    argv = [a.format(plan=plan, dataset=dataset) for a in COMMANDS[name]]
    utf8_code, utf8_text = _run(argv, "utf-8", monkeypatch)
    code, text = _run(argv, "ascii", monkeypatch)
    assert b"UnicodeEncodeError" not in text
    assert code == utf8_code, text.decode("ascii")
    assert code in (0, 1), text.decode("ascii")
    text.decode("ascii")  # raises if anything is not ASCII
    assert len(text.splitlines()) >= len(utf8_text.splitlines()) - 1


def test_lc_all_c_subprocess(tmp_path: Path) -> None:
    """Under LC_ALL=C (a real process) `catalog info` and `models MODEL` print and exit 0."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    env.update(LC_ALL="C", PYTHONIOENCODING="ascii", PYTHONUTF8="0")
    for args in (["catalog", "info"], ["models", "gpt-4.1-mini"]):
        done = subprocess.run(
            [sys.executable, "-m", "ftcost", *args],
            env=env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        done.stdout.decode("ascii")
