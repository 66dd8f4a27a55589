"""Reproduction 1: stalled and idle connections must not stop ``ftcost serve`` answering."""

from __future__ import annotations

import selectors
import socket
import time

from live import HOST, Live, serve

STALLED = 2000  # the reproduction stopped a worker at about 1,030
PARTIAL_HEADERS = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
PARTIAL_BODY = (
    b"POST /v1/estimate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b'Content-Length: 1000\r\n\r\n{"model": '
)


def _open(port: int, count: int) -> list[socket.socket]:
    """``count`` connections: a third send nothing, a third half a header, a third half a
    body; none of them ever sends more."""
    socks = []
    for i in range(count):
        s = socket.create_connection((HOST, port), timeout=10)
        if i % 3 == 1:
            s.sendall(PARTIAL_HEADERS)
        elif i % 3 == 2:
            s.sendall(PARTIAL_BODY)
        s.setblocking(False)
        socks.append(s)
    return socks


def _wait_closed(socks: list[socket.socket], within_s: float) -> tuple[int, dict[int, bytes]]:
    """How many of ``socks`` the server closed within ``within_s``, and what each received."""
    received: dict[int, bytes] = {}
    open_ = {s.fileno(): s for s in socks}
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    closed = 0
    deadline = time.monotonic() + within_s
    while open_ and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = open_.get(key.fd)
            if s is None:
                continue
            try:
                data = s.recv(65536)
            except (ConnectionResetError, BlockingIOError) as exc:
                if isinstance(exc, BlockingIOError):
                    continue
                data = b""
            if data:
                received[key.fd] = received.get(key.fd, b"") + data
                continue
            closed += 1
            sel.unregister(s)
            del open_[key.fd]
    sel.close()
    return closed, received


def _healthz_within(live: Live, seconds: float, times: int = 5) -> list[float]:
    took = []
    for _ in range(times):
        status, _, elapsed = live.get("/healthz", timeout=seconds)
        assert status == 200
        took.append(elapsed)
    return took


def test_two_thousand_stalled_connections_do_not_stop_healthz() -> None:
    """With the default backpressure, 2,000 stalled connections (nothing, half a header, half
    a body) leave /healthz answering within a second, and the server closes every one of them
    by itself: idle and half-header ones at the header timeout, half-body ones with a 408."""
    with serve({"FTCOST_HEADER_TIMEOUT": "3", "FTCOST_BODY_TIMEOUT": "3"}) as live:
        socks = _open(live.port, STALLED)
        try:
            took = _healthz_within(live, 1.0)
            assert max(took) < 1.0, took
            closed, received = _wait_closed(socks, within_s=15.0)
            assert closed == STALLED
            answers = list(received.values())
            timeouts = [a for a in answers if a.startswith(b"HTTP/1.1 408")]
            assert len(timeouts) == STALLED // 3
            assert all(b"application/problem+json" in a for a in timeouts)
            assert all(b"request-timeout" in a for a in timeouts)
            assert live.get("/healthz", timeout=1.0)[0] == 200
        finally:
            for s in socks:
                s.close()


def test_more_idle_connections_than_the_backpressure_are_shed() -> None:
    """Over the backpressure limit (lowered to 64 here), the idle connections holding every
    slot are closed at the header timeout, batch after batch, so a /healthz queued behind 200
    of them is answered after about 200 / 64 header timeouts, not never."""
    env = {"FTCOST_BACKPRESSURE": "64", "FTCOST_HEADER_TIMEOUT": "1", "FTCOST_BODY_TIMEOUT": "1"}
    with serve(env) as live:
        socks = _open(live.port, 200)
        try:
            status, _, elapsed = live.get("/healthz", timeout=10.0)
            assert status == 200
            assert elapsed < 8.0
            closed, _ = _wait_closed(socks, within_s=10.0)
            assert closed == 200
        finally:
            for s in socks:
                s.close()


def test_idle_keep_alive_connection_is_closed() -> None:
    """A keep-alive connection that goes quiet after an answer is closed at the header
    timeout (granian's HTTP/1.1 keep-alive idle timeout)."""
    with serve({"FTCOST_HEADER_TIMEOUT": "1"}) as live:
        s = socket.create_connection((HOST, live.port), timeout=5)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            first = s.recv(65536)
            assert first.startswith(b"HTTP/1.1 200")
            start = time.monotonic()
            s.settimeout(5)
            rest = b""
            while chunk := s.recv(65536):
                rest += chunk
            assert time.monotonic() - start < 4.0
        finally:
            s.close()
