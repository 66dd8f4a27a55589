"""The README's examples print what the commands print today.

Every fenced block whose first line is ``$ ftcost …`` is run in-process, in a folder holding
the README's ``plan.toml`` and the files in ``tests/readme/`` (the examples name their start
date, so they print the same on any day), and its lines are compared with the output. A line
``…`` stands for lines left out; a line ending in ``…`` must begin a real line. Everything
else must match exactly, in order, and a block that ends without ``…`` must show the output to
its end.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from ftcost.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FILES = Path(__file__).resolve().parent / "readme"
_COMMENT = re.compile(r"\s{2,}#\s.*$")


def _blocks() -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", README, flags=re.S | re.M)


def _examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every ``$ ftcost`` line of the README."""
    out: list[tuple[str, list[str]]] = []
    for block in _blocks():
        lines = block.splitlines()
        if not lines or not lines[0].startswith("$ ftcost "):
            continue
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), lines[i]
            command = _COMMENT.sub("", lines[i][2:])
            while command.endswith("\\"):
                i += 1
                command = command[:-1] + lines[i].strip()
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            while expected and not expected[-1].strip():
                expected.pop()
            out.append((command, expected))
    return out


def _plan() -> str:
    return next(b for b in _blocks() if b.startswith("# plan.toml"))


def _matches(expected: list[str], actual: list[str]) -> str | None:
    """None when ``expected`` (with ``…`` gaps) is ``actual``; else what differs."""
    j, gap = 0, False
    for e in expected:
        if e.strip() in ("…", "..."):
            gap = True
            continue
        prefix = e[:-1].rstrip() if e.endswith("…") else None
        while j < len(actual):
            hit = actual[j].startswith(prefix) if prefix is not None else actual[j] == e
            if hit:
                break
            if not gap:
                return f"README line {e!r} != output line {actual[j]!r}"
            j += 1
        else:
            return f"README line {e!r} not in the output"
        j += 1
        gap = False
    if not gap and j < len(actual):
        return f"output goes on after the README's last line: {actual[j]!r}"
    return None


EXAMPLES = _examples()


def test_the_readme_has_examples() -> None:
    """The README shows the main commands with their output."""
    commands = " ".join(c.split()[1] for c, _ in EXAMPLES)
    for name in ("estimate", "solve", "sweep", "compare", "simulate", "count", "analyze", "models"):
        assert name in commands


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c[:60] for c, _ in EXAMPLES])
def test_example_output_is_current(
    command: str,
    expected: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's output of the command is what the command prints."""
    for f in FILES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "plan.toml").write_text(_plan(), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    argv = shlex.split(command)
    assert argv[0] == "ftcost"
    main(argv[1:])
    captured = capsys.readouterr()
    actual = (captured.out + captured.err).rstrip("\n").splitlines()
    problem = _matches(expected, actual)
    assert problem is None, f"{command}: {problem}\n--- output ---\n" + "\n".join(actual)
