"""Live ``ftcost serve`` processes and CLI runs for the hostile-client tests (127.0.0.1 only).

``serve(env)`` starts the real command on a free loopback port, waits for ``/healthz`` and
stops it (SIGINT, then SIGKILL) when the block ends; its stderr is kept for assertions.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Live:
    """A running server: its port, process and stderr file."""

    port: int
    proc: subprocess.Popen[bytes]
    stderr: Path

    def get(self, path: str, *, timeout: float = 5.0) -> tuple[int, bytes, float]:
        """(status, body, seconds) of one GET on a new connection."""
        start = time.monotonic()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, body, time.monotonic() - start
        finally:
            conn.close()

    def post(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of one POST on a new connection."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request("POST", path, body, {"content-type": content_type, **(headers or {})})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()


def server_env(extra: dict[str, str], port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FTCOST_")}
    env.update(
        {
            "FTCOST_HOST": HOST,
            "FTCOST_PORT": str(port),
            "FTCOST_ACCESS_LOG": "false",
            "FTCOST_LOG_LEVEL": "warning",
            "RUST_BACKTRACE": "0",
        }
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def serve(
    extra: dict[str, str] | None = None, *, workers: int = 1, port: int | None = None
) -> Iterator[Live]:
    """``ftcost serve`` with ``extra`` FTCOST_* settings, stopped when the block ends."""
    port = port or free_port()
    with tempfile.NamedTemporaryFile(prefix="ftcost-serve-", suffix=".log", delete=False) as f:
        log = Path(f.name)
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "ftcost", "serve", "--workers", str(workers)],
            env=server_env(extra or {}, port),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    live = Live(port=port, proc=proc, stderr=log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"ftcost serve exited: {log.read_text()}")
            try:
                if live.get("/healthz", timeout=1.0)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"ftcost serve did not start: {log.read_text()}")
            time.sleep(0.1)
        yield live
    finally:
        stop(proc)
        log.unlink(missing_ok=True)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def ftcost(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60.0, stdin: bytes = b""
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh process (bounded in time), capturing both streams."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("FTCOST_")}
    base["RUST_BACKTRACE"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "ftcost", *args],
        env={**base, **(env or {})},
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
