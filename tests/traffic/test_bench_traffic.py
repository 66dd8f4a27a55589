"""benchmarks/bench_traffic.py keeps working: its generator, its baseline and a --quick run."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from ftcost import tokens
from ftcost.catalog import Catalog
from ftcost.traffic import analyze_traffic

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "bench_traffic.py"


def _load() -> ModuleType:
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("bench_traffic", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_and_plain_loop(tmp_path: Path, catalog: Catalog) -> None:
    """The generated log has the requested size, and the plain loop finds the prompt tokens the
    analysis finds."""
    bench = _load()
    path = tmp_path / "log.jsonl"
    records = bench.generate(path, 200_000)
    assert path.stat().st_size >= 200_000
    assert len(path.read_bytes().splitlines()) == records
    _, total = bench.plain_loop(path, tokens.default_counter().encoding("o200k_base"))
    report = analyze_traffic([path.read_bytes()], catalog=catalog, model="gpt-4.1-mini")
    assert report.requests == records
    assert round(report.prompt_tokens.mean * report.prompt_tokens.count) == total
    assert report.span_days == 30.0
    assert 1 <= len(report.groups) <= 8  # one per application seen


def test_quick_run(tmp_path: Path) -> None:
    """``--quick`` prints both rows, the speed-up and the memory figures."""
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    out = run.stdout
    assert "ftcost traffic analyze (whole process)" in out
    assert "plain loop" in out
    assert re.search(r"speed-up of ftcost over the plain loop: \d+\.\d+x", out), out
    assert re.search(r"peak RSS \(largest process\): \d+ MiB", out)
    assert list(tmp_path.iterdir()) == []
