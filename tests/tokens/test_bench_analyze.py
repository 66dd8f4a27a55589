"""benchmarks/bench_analyze.py keeps working: its generator, its baselines and a --quick run."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import tiktoken
from tokens_reference import num_tokens_from_messages

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_analyze.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_analyze", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_and_cookbook_loop(tmp_path: Path, o200k: tiktoken.Encoding) -> None:
    """The generated file has the requested size and the script's cookbook loop counts it as the
    reference method does."""
    bench = _load()
    path = tmp_path / "chat.jsonl"
    examples = bench.generate(path, 50_000)
    assert path.stat().st_size >= 50_000
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == examples
    expected = sum(num_tokens_from_messages(o200k, json.loads(x)["messages"]) for x in lines)
    _, total = bench.cookbook_loop(path, o200k)
    assert total == expected


def test_quick_run(tmp_path: Path) -> None:
    """``--quick`` prints the three rows, the speed-ups and the memory figures."""
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    out = run.stdout
    for row in ("ftcost analyze (whole process)", "cookbook loop", "raw tiktoken"):
        assert re.search(re.escape(row) + r".*\d+\.\d+x", out), out
    assert re.search(r"peak RSS \(largest process\): \d+ MiB", out)
    assert list(tmp_path.iterdir()) == []  # the generated file is removed
