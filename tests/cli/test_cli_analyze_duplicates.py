"""`ftcost analyze` names the line an example duplicates (line 42 repeats line 2, not line 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftcost.cli import main


def _example(i: int) -> str:
    return json.dumps(
        {
            "messages": [
                {"role": "user", "content": f"Where is order {i}?"},
                {"role": "assistant", "content": f"Order {i} ships tomorrow."},
            ]
        }
    )


@pytest.mark.parametrize("workers", ["1", "2"])
def test_duplicate_names_the_line_it_repeats(
    workers: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Line 42 equal to line 2 (and line 60 equal to line 43) is reported as such."""
    lines = [_example(i) for i in range(1, 121)]
    lines[41] = lines[1]
    lines[59] = lines[42]
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    main(["analyze", str(path), "--model", "gpt-4.1-mini", "--workers", workers, "--json"])
    issues = json.loads(capsys.readouterr().out)["issues"]
    dups = {(i["line"], i["message"]) for i in issues if i["code"] == "duplicate"}
    assert dups == {(42, "duplicate of line 2"), (60, "duplicate of line 43")}
