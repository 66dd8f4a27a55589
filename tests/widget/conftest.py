"""Browser-test fixtures: the real app on 127.0.0.1 (uvicorn in a thread), a second server for
host pages on another origin, and Debian's Chromium driven by Playwright.

Both servers listen on 127.0.0.1 only and live for the test session. The portal server is
reached as ``http://localhost:PORT`` (the origin on the API's CORS allow-list) and as
``http://127.0.0.1:PORT`` (the same server under an origin that is not on it).
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import types
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "widget"


# ---------------------------------------------------------------------------------------------
# Servers


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@dataclass
class PortalServer:
    """A plain static server standing in for an internal portal on another origin."""

    port: int
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def origin(self, host: str = "localhost") -> str:
        return f"http://{host}:{self.port}"

    def put(self, path: str, content_type: str, body: str) -> None:
        self.pages[path] = (content_type, body.encode("utf-8"))


def _portal_handler(
    pages: dict[str, tuple[str, bytes]],
) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            page = pages.get(self.path.split("?", 1)[0])
            if page is None:
                self.send_error(404)
                return
            content_type, body = page
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test output is the browser's, not the portal's access log."""

    return Handler


@pytest.fixture(scope="session")
def portal() -> Iterator[PortalServer]:
    """The portal server (started first: the API's allow-list names its origin)."""
    pages: dict[str, tuple[str, bytes]] = {}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _portal_handler(pages))
    thread = threading.Thread(target=server.serve_forever, name="portal", daemon=True)
    thread.start()
    yield PortalServer(port=server.server_address[1], pages=pages)
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@dataclass(frozen=True)
class LiveApi:
    """The real ftcost app, served over HTTP."""

    url: str
    allowed_origin: str

    def post(self, path: str, body: bytes) -> tuple[int, Any]:
        """POST JSON bytes to the API as a client would; returns (status, decoded body)."""
        req = urllib.request.Request(
            self.url + path, data=body, method="POST", headers={"content-type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as err:
            with err:
                return err.code, json.loads(err.read())

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with urllib.request.urlopen(self.url + path, timeout=30) as res:
            return res.status, dict(res.headers.items()), res.read()


@pytest.fixture(scope="session")
def live_api(portal: PortalServer) -> Iterator[LiveApi]:
    """``create_app()`` with the portal's localhost origin on the CORS allow-list."""
    from ftcost.api.app import create_app
    from ftcost.settings import Settings

    origin = portal.origin("localhost")
    app = create_app(Settings(cors_origins=(origin,), access_log=False))
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", ws="none", access_log=False, loop="asyncio"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="ftcost-api", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the ftcost API did not start")
        time.sleep(0.02)
    yield LiveApi(url=f"http://127.0.0.1:{port}", allowed_origin=origin)
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()


# ---------------------------------------------------------------------------------------------
# Browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@dataclass
class PageProbe:
    """A page plus what went wrong in it: uncaught errors and console errors."""

    page: Any
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def _console(self, msg: Any) -> None:
        # Failed loads are recorded with their URL by _response instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.console_errors.append(msg.text)

    def _response(self, response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.failed.append((response.status, response.url))


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., PageProbe]]:
    """Factory of fresh pages (own context each), closed after the test."""
    contexts: list[Any] = []

    def make(width: int = 1024, height: int = 900) -> PageProbe:
        ctx = browser.new_context(viewport={"width": width, "height": height})
        ctx.set_default_timeout(15_000)
        contexts.append(ctx)
        probe = PageProbe(page=ctx.new_page())
        probe.page.on("pageerror", lambda exc: probe.errors.append(str(exc)))
        probe.page.on("console", probe._console)
        probe.page.on("response", probe._response)
        return probe

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``artifacts/widget/`` at the repository root (git-ignored), for screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# ---------------------------------------------------------------------------------------------
# The widget's formatting rules, restated (README "Embedding the widget")


def _shortest(value: float) -> Decimal:
    """The shortest decimal that round-trips ``value`` (what the browser's Intl formats)."""
    return Decimal(repr(float(value)))


def _grouped(d: Decimal, places: int) -> str:
    return format(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP), f",.{places}f")


def _significant(d: Decimal, digits: int) -> str:
    exp = d.adjusted() - (digits - 1)
    q = d.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_UP)
    if q.adjusted() > d.adjusted():  # 0.0009996 -> 0.00100, not 0.001000
        q = d.quantize(Decimal(1).scaleb(exp + 1), rounding=ROUND_HALF_UP)
    return format(q, "f")


def fmt_usd(value: float | None) -> str:
    """USD: 2 decimals from $0.995 up and for 0, otherwise 3 significant digits."""
    if value is None:
        return "—"
    d = abs(_shortest(value))
    sign = "-" if value < 0 else ""
    text = _grouped(d, 2) if d == 0 or d >= Decimal("0.995") else _significant(d, 3)
    return f"{sign}${text}"


def fmt_count(value: float) -> str:
    """Whole numbers with thousands separators (half away from zero)."""
    return _grouped(_shortest(value), 0)


def fmt_months(value: float) -> str:
    """Months: 1 decimal from 1 up, else 2 significant digits."""
    d = _shortest(value)
    text = _grouped(d, 1) if abs(d) >= 1 or d == 0 else _significant(d, 2)
    return f"{text} {'month' if text == '1.0' else 'months'}"


def fmt_duration(months: float) -> str:
    """A duration in months: whole hours under 2 days, whole days under 2 months, else months."""
    hours = months * 730
    if hours < 1:
        return "under 1 hour"
    if hours < 47.5:
        n = int(Decimal(hours).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return f"{n} {'hour' if n == 1 else 'hours'}"
    days = hours / 24
    if days < 59.5:
        return f"{int(Decimal(days).quantize(Decimal(1), rounding=ROUND_HALF_UP))} days"
    return fmt_months(months)


def fmt_seconds(value: float) -> str:
    """Seconds with 2 decimals."""
    return f"{_grouped(_shortest(value), 2)} s"


@pytest.fixture(scope="session")
def fmt() -> types.SimpleNamespace:
    """The formatting rules above, for the tests: ``fmt.usd``, ``fmt.count``, ``fmt.duration``…"""
    return types.SimpleNamespace(
        usd=fmt_usd,
        count=fmt_count,
        months=fmt_months,
        duration=fmt_duration,
        seconds=fmt_seconds,
    )
