"""Reproduction 5: amplification and starvation. Bounded correctness only (the latencies are
measured by benchmarks/bench_hostile.py): the sweep limit over HTTP, the heavy-work limit
(503 + Retry-After), the request deadline, work off the event loop, the cache's byte bound."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import pytest
from litestar.testing import TestClient
from live import Live, serve

from ftcost.api.app import create_app
from ftcost.api.cache import ResponseCache
from ftcost.api.limits import HeavyWork
from ftcost.catalog import Catalog, load_catalog
from ftcost.settings import Settings

SCENARIO: dict[str, Any] = {
    "model": "gpt-4.1-mini",
    "training": {"tokens_per_epoch": 1000000},
    "traffic": {"requests_per_month": 3000000},
    "base": {"prompt_tokens": 2500, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500},
}


def sweep(n1: int, n2: int) -> dict[str, Any]:
    return {
        "scenario": SCENARIO,
        "axes": [
            {"field": "traffic.requests_per_month", "start": 1e5, "stop": 1e7, "num": n1},
            {"field": "fine_tuned.prompt_tokens", "start": 100, "stop": 2000, "num": n2},
        ],
    }


class Gate:
    """A token counter that blocks until released (a stand-in for a long count)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def count(self, text: str, encoding: str) -> int:
        self.entered.set()
        self.release.wait(10)
        return len(text.split())


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with serve() as server:
        yield server


def test_sweep_over_the_http_limit_is_a_422(live: Live) -> None:
    """The 331-byte request for a 10^6-point sweep (98 MB of JSON) is refused before any work:
    over HTTP a sweep has at most 20,000 points."""
    body = json.dumps(sweep(1000, 1000)).encode()
    assert len(body) < 500
    start = time.monotonic()
    status, _, data = live.post("/v1/sweep", body)
    assert status == 422
    assert json.loads(data)["field"] == "axes"
    assert "at most 20,000" in json.loads(data)["detail"]
    assert time.monotonic() - start < 1.0


def test_four_maximal_sweeps_and_healthz(live: Live) -> None:
    """Four maximal sweeps (20,000 points) in flight: each is answered (200, or 503 with
    Retry-After when the worker's heavy slots are full), answers stay under 3 MB, and
    /healthz keeps answering meanwhile."""
    body = json.dumps(sweep(100, 200)).encode()
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(live.post, "/v1/sweep", body) for _ in range(4)]
        probes = [live.get("/healthz", timeout=2.0) for _ in range(10)]
        answers = [f.result(timeout=60) for f in futures]
    assert all(status == 200 for status, _, _ in probes)
    for status, headers, data in answers:
        assert status in (200, 503)
        if status == 200:
            assert len(data) < 3_000_000
            assert json.loads(data)["points"] == 20_000
        else:
            assert headers["retry-after"] == "1"


def _post_in_thread(
    client: TestClient[Any], path: str, body: dict[str, Any]
) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(client.post(path, json=body)))
    thread.start()
    return thread, out


def test_heavy_limit_answers_503_with_retry_after(catalog: Catalog) -> None:
    """With every heavy slot taken (here one), the next heavy request is a 503 problem with
    Retry-After at once; an estimate from token counts and /healthz still answer; an estimate
    that counts prompt text is heavy work too."""
    gate = Gate()
    app = create_app(Settings(max_heavy=1), catalog=catalog, counter=gate)
    with TestClient(app) as client:
        thread, first = _post_in_thread(
            client, "/v1/tokens/count", {"model": "gpt-4.1-mini", "text": "a b"}
        )
        assert gate.entered.wait(5)
        refused = client.post("/v1/tokens/count", json={"model": "gpt-4.1-mini", "text": "x"})
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["limit"] == 1
        text = {**SCENARIO, "base": {"prompt": "hello there", "output_tokens": 200}}
        assert client.post("/v1/estimate", json=text).status_code == 503
        assert client.post("/v1/estimate", json=SCENARIO).status_code == 200
        assert client.get("/healthz").status_code == 200
        gate.release.set()
        thread.join(10)
        assert first[0].status_code == 200
        assert client.post("/v1/estimate", json=text).status_code == 200


def test_deadline_answers_503_and_keeps_the_slot_until_the_work_ends(catalog: Catalog) -> None:
    """A request still running at its deadline gets a 503 deadline-exceeded problem with
    Retry-After; its thread cannot be stopped, so its slot stays taken until it finishes."""
    gate = Gate()
    app = create_app(Settings(max_heavy=1, request_timeout_s=0.3), catalog=catalog, counter=gate)
    heavy: HeavyWork = app.state["services"].heavy
    with TestClient(app) as client:
        start = time.monotonic()
        late = client.post("/v1/tokens/count", json={"model": "gpt-4.1-mini", "text": "a b"})
        assert time.monotonic() - start < 3.0
        assert late.status_code == 503
        assert late.json()["type"] == "https://ftcost.dev/problems/deadline-exceeded"
        assert late.headers["retry-after"] == "1"
        assert "x-request-id" in late.headers
        assert heavy.busy == 1
        gate.release.set()
        deadline = time.monotonic() + 5
        while heavy.busy and time.monotonic() < deadline:
            time.sleep(0.01)
        assert heavy.busy == 0


def test_heavy_work_runs_off_the_event_loop() -> None:
    """HeavyWork runs the function in another thread and refuses a second one at the limit."""
    gate = threading.Event()
    seen: list[int] = []
    work = HeavyWork(1)

    def job() -> int:
        seen.append(threading.get_ident())
        gate.wait(5)
        return 7

    async def main() -> None:
        async with anyio.create_task_group() as tg:
            results: list[int] = []

            async def first() -> None:
                results.append(await work.run(job))

            tg.start_soon(first)
            while not seen:
                await anyio.sleep(0.01)
            with pytest.raises(Exception, match="busy"):
                await work.run(job)
            gate.set()
        assert results == [7]
        assert seen[0] != threading.get_ident()
        assert work.busy == 0

    anyio.run(main)


def test_response_cache_is_bounded_in_bytes(catalog: Catalog) -> None:
    """Thousands of distinct estimates never hold more than FTCOST_CACHE_BYTES in the cache."""
    limit = 256 * 1024
    app = create_app(Settings(cache_bytes=limit), catalog=catalog)
    cache: ResponseCache = app.state["services"].cache
    with TestClient(app) as client:
        for n in range(300):
            body = {**SCENARIO, "traffic": {"requests_per_month": 1000 + n}}
            assert client.post("/v1/estimate", json=body).status_code == 200
            assert cache.bytes <= limit
    assert 0 < len(cache) < 300


def test_cache_drops_least_recent_first() -> None:
    """The byte-bounded cache evicts the least recently used entries."""
    cache = ResponseCache(max_bytes=8 * 1024)
    for i in range(20):
        cache.put(i, b"x" * 500, size=10)
    assert cache.bytes <= 8 * 1024
    assert cache.get(19) is not None
    assert cache.get(0) is None
    cache.put("huge", b"x" * 2000, size=10)  # over an eighth of the budget: not kept
    assert cache.get("huge") is None


def test_slow_dataset_upload_holds_no_heavy_slot() -> None:
    """A dataset upload whose bytes are still travelling holds no heavy-work slot: with the
    worker's only slot (FTCOST_MAX_HEAVY=1), a token count is answered meanwhile, and the
    upload is then analysed in full."""
    line = (
        b'{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}\n'
    )
    first, rest = line * 10, line * 10
    with (
        serve({"FTCOST_MAX_HEAVY": "1"}) as live,
        socket.create_connection(("127.0.0.1", live.port), timeout=20) as s,
    ):
        s.sendall(
            b"POST /v1/datasets/analyze?model=gpt-4.1-mini HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/jsonl\r\n"
            b"Content-Length: %d\r\n\r\n" % (len(first) + len(rest)) + first
        )
        time.sleep(0.3)
        body = json.dumps({"model": "gpt-4.1-mini", "text": "hi"}).encode()
        status, _, data = live.post("/v1/tokens/count", body)
        assert status == 200, data
        s.sendall(rest)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["examples"] == 20
