"""benchmarks/bench_hostile.py keeps working: a --quick run measures every load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_hostile.py"


def test_quick_run_measures_every_load() -> None:
    """A --quick run (one worker, half a second per load) prints a row for each load, with
    /healthz answered under every one and the loads' requests answered 200."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    assert [row[1] for row in rows] == ["idle", "sweeps", "prompts", "stalled"]
    for row in rows:
        assert int(row[2]) > 0  # probes answered
        assert float(row[5]) < 10_000.0  # no probe failed
    assert rows[1][6].startswith("200:")
    assert rows[2][6].startswith("200:")
