"""Serving benchmark: POST /v1/estimate against a bare litestar handler, granian vs uvicorn.

    .venv/bin/python benchmarks/bench_serve.py            # full run (several minutes)
    .venv/bin/python benchmarks/bench_serve.py --quick    # smoke run (seconds; used by tests)

Each configuration (server × workers) is started on a free 127.0.0.1 port with
``serve_target.py`` and loaded with wrk (bounded: ``--connections`` connections, ``--duration``
seconds, JSON POSTs from a Lua script; a small asyncio load generator stands in when wrk is not
installed). Three loads per configuration:

* ``bare``: the baseline, a litestar handler that reads the body and returns a constant JSON;
* ``estimate-repeat``: ftcost with one Scenario body over and over (per-worker cache hits);
* ``estimate-unique``: ftcost with a different body on every request (``traffic.
  requests_per_month`` counts up), so every request is a cache miss and runs the estimate.

Targets (per configuration): estimate ≥ 60 % of the bare handler's requests/s and p99 ≤ 1.5 ×
the bare handler's. The server and wrk share the machine's cores, so only ratios inside one
repeat mean much: each ratio is taken against the bare handler of the same repeat, and the table
shows the median ratio over ``--repeats`` repeats (and median figures). ``--in-process`` adds
the time of one estimate request through the app in-process for a unique and a repeated body.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
WRK = shutil.which("wrk")

SCENARIO = {
    "provider": "azure",
    "model": "gpt-4.1-mini",
    "training": {"method": "sft", "tier": "global", "tokens_per_epoch": 1000000, "epochs": 3},
    "deployment": {"type": "global", "count": 1, "hours_per_month": 730},
    "traffic": {"requests_per_month": 3000000},
    "base": {"prompt_tokens": 2500, "cached_prompt_tokens": 0, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500, "output_tokens": 200},
    "retrain_every_months": 6,
    "horizon_months": 12,
}
MARK = 987654321  # requests_per_month placeholder in the unique-body template


@dataclass(frozen=True)
class Load:
    """One measured load: requests/s and latency percentiles in milliseconds."""

    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def server(kind: str, app: str, workers: int, log_dir: Path) -> Iterator[int]:
    """Run serve_target.py in its own process group; yield its port once /healthz answers."""
    port = free_port()
    path = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(HERE)) if p)
    env = {**os.environ, "PYTHONPATH": path, "FTCOST_LOG_LEVEL": "warning"}
    env.pop("FTCOST_ACCESS_LOG", None)  # the ftcost app logs every request, as in production
    log = (log_dir / f"{kind}-{app}-{workers}.log").open("ab")
    cmd = [PYTHON, str(HERE / "serve_target.py"), "--server", kind, "--app", app,
           "--workers", str(workers), "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{kind}/{app} exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{kind}/{app} did not start; see {log.name}") from None
                time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def lua_script(unique: bool, body: bytes) -> str:
    """wrk script: JSON POSTs; with ``unique`` every request's body differs (its own volume)."""
    head = 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
    if not unique:
        return head + f"wrk.body = {json.dumps(body.decode())}\n"
    prefix, suffix = body.decode().split(str(MARK))
    return head + (
        "local thread_id = 0\n"
        "function setup(thread) thread:set('tid', thread_id); thread_id = thread_id + 1 end\n"
        "local n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        f"  local body = {json.dumps(prefix)} .. tostring(1000000 + tid * 100000000 + n)"
        f" .. {json.dumps(suffix)}\n"
        "  return wrk.format(nil, nil, nil, body)\n"
        "end\n"
    )


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([0-9.]+)(us|ms|s)", text)
    if m is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(g) for g in m.groups())
    return Load(rps=rps, p50_ms=p50, p99_ms=p99, errors=errors)


def run_wrk(port: int, script: Path, connections: int, duration_s: float) -> Load:
    threads = min(2, connections)
    cmd = [WRK or "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s",
           "--latency", "--timeout", "5s", "-s", str(script),
           f"http://127.0.0.1:{port}/v1/estimate"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=duration_s + 60)
    return parse_wrk(out.stdout)


async def _python_load(
    port: int, unique: bool, body: bytes, connections: int, duration_s: float
) -> Load:
    """A small keep-alive HTTP/1.1 load generator (used when wrk is missing)."""
    latencies: list[float] = []
    errors = 0
    counter = 0
    stop = time.perf_counter() + duration_s
    prefix, _, suffix = body.partition(str(MARK).encode())

    async def worker() -> None:
        nonlocal errors, counter
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop:
            counter += 1
            payload = prefix + str(1000000 + counter).encode() + suffix if unique else body
            request = (
                b"POST /v1/estimate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/json\r\nContent-Length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
                + payload
            )
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))  # type: ignore[union-attr]
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - t0) * 1000.0)
            if not head.startswith(b"HTTP/1.1 2"):
                errors += 1
        writer.close()

    t_start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    elapsed = time.perf_counter() - t_start
    latencies.sort()
    return Load(
        rps=len(latencies) / elapsed,
        p50_ms=latencies[len(latencies) // 2],
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        errors=errors,
    )


def measure(
    port: int, unique: bool, body: bytes, connections: int, duration_s: float, tmp: Path
) -> Load:
    if WRK:
        script = tmp / f"load-{'unique' if unique else 'repeat'}.lua"
        script.write_text(lua_script(unique, body), encoding="utf-8")
        run_wrk(port, script, connections, min(1.0, duration_s))  # warm-up, not recorded
        return run_wrk(port, script, connections, duration_s)
    asyncio.run(_python_load(port, unique, body, connections, min(1.0, duration_s)))
    return asyncio.run(_python_load(port, unique, body, connections, duration_s))


def check_answer(port: int, body: bytes, app: str) -> None:
    """The server answers the benchmark's body correctly before it is measured."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/estimate",
        data=body,
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        doc = json.loads(res.read())
    if app == "ftcost" and "break_even" not in doc:
        raise RuntimeError(f"unexpected answer: {doc}")


def in_process_ms(samples: int) -> tuple[float, float]:
    """Median ms of one estimate request through the app in-process: (unique body, repeat)."""
    from litestar.testing import TestClient

    from ftcost.api.app import create_app
    from ftcost.settings import Settings

    app = create_app(Settings(access_log=False))
    headers = {"content-type": "application/json"}
    times: dict[bool, list[float]] = {True: [], False: []}
    with TestClient(app) as client:
        for unique in (True, False):
            for i in range(samples + 5):
                doc = json.loads(json.dumps(SCENARIO))
                if unique:
                    doc["traffic"]["requests_per_month"] = 1_000_000 + i
                t0 = time.perf_counter()
                response = client.post("/v1/estimate", content=json.dumps(doc), headers=headers)
                elapsed = (time.perf_counter() - t0) * 1000.0
                assert response.status_code == 200, response.text
                if i >= 5:
                    times[unique].append(elapsed)
    return statistics.median(times[True]), statistics.median(times[False])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="POST /v1/estimate vs a bare handler")
    parser.add_argument("--quick", action="store_true", help="smoke run: seconds, 4 connections")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--servers", default="granian,uvicorn")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--in-process", action="store_true", help="also time one request")
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.duration, args.connections = 1, 1.0, 4
        args.servers, args.workers = "granian,uvicorn", "1"
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    worker_counts = [int(w) for w in args.workers.split(",") if w.strip()]
    body = json.dumps(SCENARIO).encode()
    template = json.loads(body)
    template["traffic"]["requests_per_month"] = MARK
    unique_body = json.dumps(template).encode()

    print(
        f"load: {'wrk' if WRK else 'python load generator'}, {args.connections} connections, "
        f"{args.duration:g} s per load, {args.repeats} repeat(s); {os.cpu_count()} CPUs shared "
        "by server and load generator",
        flush=True,
    )
    runs: dict[tuple[str, int, str], list[Load]] = {}
    with tempfile.TemporaryDirectory(prefix="ftcost-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for repeat in range(args.repeats):
            for kind in servers:
                for workers in worker_counts:
                    for app in ("bare", "ftcost"):
                        with server(kind, app, workers, tmp) as port:
                            check_answer(port, body, app)
                            cases = [("bare", False)] if app == "bare" else [
                                ("estimate-repeat", False), ("estimate-unique", True)
                            ]  # fmt: skip
                            for case, unique in cases:
                                load = measure(
                                    port,
                                    unique,
                                    unique_body if unique else body,
                                    args.connections,
                                    args.duration,
                                    tmp,
                                )
                                runs.setdefault((kind, workers, case), []).append(load)
                                print(
                                    f"  run {repeat + 1}: {kind} ×{workers} {case:16s} "
                                    f"{load.rps:9.0f} req/s  p50 {load.p50_ms:7.2f} ms  "
                                    f"p99 {load.p99_ms:7.2f} ms  errors {load.errors}",
                                    flush=True,
                                )

    print()
    print("medians".ljust(28) + "req/s     p50 ms   p99 ms   req/s ÷ bare   p99 ÷ bare   target")
    print("(ratios: median over repeats of the ratio to the same repeat's bare handler)")
    failed = 0
    for kind in servers:
        for workers in worker_counts:
            bare = runs[(kind, workers, "bare")]
            for case in ("bare", "estimate-repeat", "estimate-unique"):
                loads = runs[(kind, workers, case)]
                rps = statistics.median(x.rps for x in loads)
                p50 = statistics.median(x.p50_ms for x in loads)
                p99 = statistics.median(x.p99_ms for x in loads)
                errors = sum(x.errors for x in loads)
                # Ratios against the bare handler measured in the same repeat (seconds apart),
                # then the median over repeats: drift in the machine's load cancels out.
                ratio = statistics.median(x.rps / b.rps for x, b in zip(loads, bare, strict=True))
                p99_ratio = statistics.median(
                    x.p99_ms / b.p99_ms for x, b in zip(loads, bare, strict=True)
                )
                verdict = "-"
                if case != "bare":
                    ok = ratio >= 0.6 and p99_ratio <= 1.5
                    verdict = "met" if ok else "MISSED"
                    failed += not ok
                extra = f"  ({errors} errors)" if errors else ""
                print(
                    f"{kind} ×{workers} {case:17s} {rps:9.0f} {p50:9.2f} {p99:8.2f}"
                    f" {ratio:12.2f} {p99_ratio:12.2f}   {verdict}{extra}"
                )
    if args.in_process:
        unique_ms, repeat_ms = in_process_ms(50 if args.quick else 300)
        print(
            f"\nin-process, one request: unique body {unique_ms:.3f} ms, "
            f"repeated body {repeat_ms:.3f} ms"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {f"{k}/{w}/{c}": [x.__dict__ for x in v] for (k, w, c), v in runs.items()},
                indent=1,
            ),
            encoding="utf-8",
        )
    print(f"\n{failed} configuration(s) missed a target" if failed else "\nall targets met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
