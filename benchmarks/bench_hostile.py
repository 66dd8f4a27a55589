"""/healthz latency while hostile clients load ``ftcost serve``, against the same server idle.

    .venv/bin/python benchmarks/bench_hostile.py                 # full run (about a minute)
    .venv/bin/python benchmarks/bench_hostile.py --quick         # smoke run (used by tests)

``ftcost serve`` (default settings, 1 and 2 workers) is started on a free 127.0.0.1 port. A
probe sends ``GET /healthz`` on a new connection every few milliseconds for ``--duration``
seconds and records each latency, under these loads, one at a time:

* ``idle``: nothing else (the baseline of the same run);
* ``sweeps``: four clients each sending maximal sweeps (the HTTP limit, 20,000 grid points,
  ~1.6 MB answers) back to back, so four are always in flight;
* ``prompts``: four clients each sending an estimate whose prompt is 1 MB of text to count;
* ``stalled``: 2,000 connections that send nothing, half a header or half a body.

Load clients run in their own processes (so their JSON parsing does not slow the probe) and
share the machine's cores with the server, as real clients on the same host would. The table
gives p50 / p99 / max of /healthz in milliseconds and the load's answers by status.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing as mp
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator

PYTHON = sys.executable
HOST = "127.0.0.1"
SCENARIO = {
    "model": "gpt-4.1-mini",
    "training": {"tokens_per_epoch": 1000000},
    "traffic": {"requests_per_month": 3000000},
    "base": {"prompt_tokens": 2500, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500},
}


def sweep_body(points: int) -> bytes:
    """A two-axis sweep of ``points`` grid points (100 × points/100)."""
    return json.dumps(
        {
            "scenario": SCENARIO,
            "axes": [
                {"field": "traffic.requests_per_month", "start": 1e5, "stop": 1e7, "num": 100},
                {"field": "fine_tuned.prompt_tokens", "start": 100, "stop": 2000,
                 "num": points // 100},
            ],
        }
    ).encode()  # fmt: skip


def prompt_body(chars: int, n: int) -> bytes:
    """An estimate whose base prompt is ``chars`` characters of prose (differs by ``n``)."""
    words = f"the quick brown fox jumps over the lazy dog {n} " * (chars // 45 + 1)
    scenario = {**SCENARIO, "base": {"prompt": words[:chars], "output_tokens": 200}}
    return json.dumps(scenario).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def server(workers: int, extra: dict[str, str] | None = None) -> Iterator[int]:
    """``ftcost serve`` with default settings (and ``extra``); yields its port once /healthz
    answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTCOST_")}
    env.update({"FTCOST_PORT": str(port), "FTCOST_ACCESS_LOG": "false", **(extra or {})})
    log = tempfile.TemporaryFile()  # noqa: SIM115 - open for the server's whole life
    proc = subprocess.Popen(
        [PYTHON, "-m", "ftcost", "serve", "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"ftcost serve exited: {log.read().decode()}")
            try:
                get(port, "/healthz", 1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("ftcost serve did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def get(port: int, path: str, timeout: float) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def post(port: int, path: str, body: bytes, timeout: float = 60.0) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("POST", path, body, {"content-type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except OSError:
        return 0
    finally:
        conn.close()


def _client(port: int, kind: str, arg: int, until: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    statuses: Counter[int] = Counter()
    n = 0
    while time.monotonic() < until:
        n += 1
        if kind == "sweeps":
            statuses[post(port, "/v1/sweep", sweep_body(arg))] += 1
        else:
            statuses[post(port, "/v1/estimate", prompt_body(arg, n + os.getpid()))] += 1
    out.put(dict(statuses))


def probe(port: int, duration: float, interval: float = 0.005) -> list[float]:
    """/healthz latencies (ms) over ``duration`` seconds; a failed probe counts as 10 s."""
    took: list[float] = []
    until = time.monotonic() + duration
    while time.monotonic() < until:
        start = time.monotonic()
        try:
            ok = get(port, "/healthz", 10.0) == 200
        except OSError:
            ok = False
        took.append((time.monotonic() - start) * 1000.0 if ok else 10_000.0)
        time.sleep(interval)
    return took


Load = Callable[[int, float], tuple[list[float], dict[int, int]]]


def with_clients(kind: str, arg: int, clients: int) -> Load:
    def run(port: int, duration: float) -> tuple[list[float], dict[int, int]]:
        queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
        until = time.monotonic() + duration + 0.5
        procs = [
            mp.Process(target=_client, args=(port, kind, arg, until, queue)) for _ in range(clients)
        ]
        for p in procs:
            p.start()
        time.sleep(0.5)  # the clients have their requests in flight
        took = probe(port, duration)
        statuses: Counter[int] = Counter()
        for _ in procs:
            statuses.update(queue.get(timeout=120))
        for p in procs:
            p.join(timeout=30)
        return took, dict(statuses)

    return run


def stalled(count: int) -> Load:
    def run(port: int, duration: float) -> tuple[list[float], dict[int, int]]:
        socks = []
        for i in range(count):
            s = socket.create_connection((HOST, port), timeout=10)
            if i % 3 == 1:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            elif i % 3 == 2:
                s.sendall(
                    b"POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                    b"\r\nContent-Length: 999\r\n\r\n{"
                )
            socks.append(s)
        try:
            return probe(port, duration), {}
        finally:
            for s in socks:
                s.close()

    return run


def idle(port: int, duration: float) -> tuple[list[float], dict[int, int]]:
    return probe(port, duration), {}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per load")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--loads", default="idle,sweeps,prompts,stalled", help="loads to run")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs of each load (the table shows medians)"
    )
    parser.add_argument(
        "--sweep-points", type=int, default=20_000, help="points of each sweep (and the limit)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096 <= hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (4096, hard))
    duration = 0.5 if args.quick else args.duration
    loads = {
        "idle": idle,
        "sweeps": with_clients("sweeps", 200 if args.quick else args.sweep_points, 4),
        "prompts": with_clients("prompts", 10_000 if args.quick else 1_000_000, 4),
        "stalled": stalled(30 if args.quick else 2000),
    }
    head = f"{'workers':>7}  {'load':<8} {'probes':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>8}"
    print(head + "  answers" + (f"  (medians of {args.repeats} runs)" if args.repeats > 1 else ""))
    extra = {"FTCOST_MAX_SWEEP_POINTS": str(max(20_000, args.sweep_points))}
    counts = [1] if args.quick else [int(w) for w in args.workers.split(",")]
    names = [n for n in args.loads.split(",") if n in loads]
    for workers in counts:
        for name in names:
            runs = []
            for _ in range(1 if args.quick else args.repeats):
                with server(workers, extra) as port:
                    runs.append(loads[name](port, duration))
            took = [t for t, _ in runs]
            statuses: Counter[int] = Counter()
            for _, st in runs:
                statuses.update(st)
            print(
                f"{workers:>7}  {name:<8} {statistics.median(len(t) for t in took):>6.0f} "
                f"{statistics.median(statistics.median(t) for t in took):>7.1f} "
                f"{statistics.median(pct(t, 99) for t in took):>7.1f} "
                f"{statistics.median(max(t) for t in took):>8.1f}  "
                + (" ".join(f"{k}:{v}" for k, v in sorted(statuses.items())) or "-"),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
