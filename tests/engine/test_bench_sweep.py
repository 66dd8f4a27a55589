"""The sweep benchmark keeps working: its --quick mode runs and its loops agree with the sweep."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_sweep.py"


def test_quick_benchmark_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """bench_sweep.py --quick exits 0 (its loops matched the sweep) and prints its table."""
    spec = importlib.util.spec_from_file_location("bench_sweep", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "10,000 points (100 x 100)" in out
    for label in ("sweep() (core call", "loop of costs.evaluate", "loop of estimate", "inlined"):
        assert label in out
