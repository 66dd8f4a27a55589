"""Start-up costs, each measured in fresh processes: `ftcost --help`, `ftcost --version`, and the
first token count in a process (parsed-rank cache warm, against the cold path that parses the
rank file as before the cache existed).

    .venv/bin/python benchmarks/bench_start.py --repeat 7
    .venv/bin/python benchmarks/bench_start.py --quick      # what tests/ runs

Each figure is the median of ``--repeat`` fresh processes; the first count is timed inside the
process, from just before ``TiktokenCounter().count(...)`` (tiktoken import included) to its
return, in wall-clock and in CPU time (the CPU figure is the cost; on a shared machine the wall
clock also counts waiting for a core, so the load average is printed too). The cold baseline
uses an empty cache directory each time, so it parses the rank file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_COUNT = """
import json, sys, time
from pathlib import Path
from ftcost.tokens import TiktokenCounter
cache = Path(sys.argv[1]) if len(sys.argv) > 1 else None
t0, c0 = time.perf_counter(), time.process_time()
n = TiktokenCounter(cache_dir=cache).count("You are a support agent for Contoso.", "o200k_base")
t1, c1 = time.perf_counter(), time.process_time()
heavy = [m for m in ("numpy", "litestar") if m in sys.modules]
print(json.dumps({"s": t1 - t0, "cpu": c1 - c0, "tokens": n, "heavy": heavy}))
"""


def _first_count(cache: Path) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", FIRST_COUNT, str(cache)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result = json.loads(done.stdout)
    assert result["tokens"] == 9, result
    return float(result["s"]), float(result["cpu"])


def _cli(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ftcost", *args], capture_output=True, check=True, timeout=120
    )
    return time.perf_counter() - t0


def run(repeat: int) -> dict[str, float]:
    """Medians in seconds: help, version, first count warm and cold, bare interpreter."""
    with tempfile.TemporaryDirectory(prefix="ftcost-bench-") as tmp:
        warm = Path(tmp) / "warm"
        _first_count(warm)  # fills the cache
        figures: dict[str, list[float]] = {
            "python -c pass": [],
            "ftcost --help": [],
            "ftcost --version": [],
            "first count, cache warm": [],
            "first count, cold (parse)": [],
            "first count, cache warm, CPU": [],
            "first count, cold (parse), CPU": [],
        }
        for i in range(repeat):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            figures["python -c pass"].append(time.perf_counter() - t0)
            figures["ftcost --help"].append(_cli(["--help"]))
            figures["ftcost --version"].append(_cli(["--version"]))
            wall, cpu = _first_count(warm)
            figures["first count, cache warm"].append(wall)
            figures["first count, cache warm, CPU"].append(cpu)
            wall, cpu = _first_count(Path(tmp) / f"cold{i}")
            figures["first count, cold (parse)"].append(wall)
            figures["first count, cold (parse), CPU"].append(cpu)
    return {name: statistics.median(values) for name, values in figures.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="one repeat (for the tests)")
    args = parser.parse_args()
    medians = run(1 if args.quick else args.repeat)
    for name, seconds in medians.items():
        print(f"{name:32} {seconds * 1000:8.0f} ms")
    ratio = medians["first count, cold (parse)"] / medians["first count, cache warm"]
    print(f"{'cold / warm first count':32} {ratio:8.2f} x")
    print(f"{'load average (1 min)':32} {os.getloadavg()[0]:8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
