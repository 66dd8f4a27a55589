"""benchmarks/bench_serve.py keeps working: its wrk parsing, its Lua script and a --quick run."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_serve.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_serve", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_serve"] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


bench = _load()

WRK_OUTPUT = """\
Running 8s test @ http://127.0.0.1:40111/v1/estimate
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.91ms    3.02ms  61.20ms   88.02%
    Req/Sec     6.71k   512.33     7.90k    71.25%
  Latency Distribution
     50%  812us
     75%    5.50ms
     90%    7.91ms
     99%    1.02s
  107021 requests in 8.01s, 20.91MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  13360.93
Transfer/sec:      2.61MB
"""


def test_parse_wrk() -> None:
    """Requests/s, p50 and p99 (us, ms and s units) and every kind of error are read."""
    load = bench.parse_wrk(WRK_OUTPUT)
    assert load.rps == pytest.approx(13360.93)
    assert load.p50_ms == pytest.approx(0.812)
    assert load.p99_ms == pytest.approx(1020.0)
    assert load.errors == 4 + 2 + 1


def test_unique_body_script_varies_only_the_volume() -> None:
    """The unique-body Lua script splices a counter into requests_per_month of the scenario."""
    template = dict(bench.SCENARIO, traffic={"requests_per_month": bench.MARK})
    script = bench.lua_script(True, json.dumps(template).encode())
    assert str(bench.MARK) not in script
    m = re.search(r'local body = (".*") \.\. tostring\((.*)\) \.\. (".*")\n', script)
    assert m is not None
    prefix, suffix = json.loads(m.group(1)), json.loads(m.group(3))
    doc = json.loads(prefix + "1234567" + suffix)
    assert doc == dict(bench.SCENARIO, traffic={"requests_per_month": 1234567})
    repeat = bench.lua_script(False, json.dumps(bench.SCENARIO).encode())
    assert "request = function" not in repeat
    assert 'wrk.method = "POST"' in repeat


@pytest.mark.slow
def test_quick_run() -> None:
    """`bench_serve.py --quick` starts both servers, loads them and prints the ratio table."""
    assert shutil.which("wrk"), "wrk (Debian package) is part of the test environment"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    rows = re.findall(
        r"^(granian|uvicorn) ×1 (bare|estimate-repeat|estimate-unique)\s+(\d+)", done.stdout, re.M
    )
    assert {(server, case) for server, case, _ in rows} == {
        (s, c)
        for s in ("granian", "uvicorn")
        for c in ("bare", "estimate-repeat", "estimate-unique")
    }
    assert all(int(rps) > 0 for _, _, rps in rows)
    table = done.stdout.split("medians", 1)[1]
    assert "errors)" not in table  # every request of every load answered 2xx
