"""The outermost ASGI layers: request id, security headers and one access-log line per request.

``RequestContext`` wraps the whole application (routing, CORS and exception handling included),
so 404s, 405s, CORS preflights and problem documents get the same headers and log line as
answers. ``RefusedPreflight`` turns litestar's plain-text answer to a refused CORS preflight
into a 400 problem document, like every other error.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import msgspec
from litestar.config.cors import CORSConfig
from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware._internal.cors import CORSMiddleware
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from ftcost.api.docs import DOCS_CSP

__all__ = ["RefusedPreflight", "RequestContext", "security_headers"]

access_logger = logging.getLogger("ftcost.access")

_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")
# Control characters in a logged path would forge log lines; they are shown as '?'.
_CONTROL = dict.fromkeys((*range(0x20), 0x7F), "?")

_API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def _widget_csp(origins: tuple[str, ...]) -> str:
    ancestors = " ".join(("'self'", *origins))
    return (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        f"object-src 'none'; base-uri 'none'; frame-ancestors {ancestors}"
    )


def security_headers(path: str, origins: tuple[str, ...]) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to ``path``.

    ``/widget`` may be framed by the allow-listed portals (CSP ``frame-ancestors``, no
    X-Frame-Options); everything else refuses to be framed.
    """
    common = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    if path == "/widget" or path.startswith("/widget/"):
        return [*common, (b"content-security-policy", _widget_csp(origins).encode())]
    csp = DOCS_CSP if path == "/docs" or path.startswith("/docs/") else _API_CSP
    return [
        *common,
        (b"content-security-policy", csp.encode()),
        (b"x-frame-options", b"DENY"),
    ]


class RequestContext:
    """ASGI middleware: sets ``scope['state']['request_id']``, adds headers, logs the request."""

    def __init__(self, app: ASGIApp, *, cors_origins: tuple[str, ...], access_log: bool) -> None:
        self.app = app
        self.access_log = access_log
        self._api = security_headers("/", cors_origins)
        self._docs = security_headers("/docs", cors_origins)
        self._widget = security_headers("/widget", cors_origins)

    def _headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        if path == "/widget" or path.startswith("/widget/"):
            return self._widget
        if path == "/docs" or path.startswith("/docs/"):
            return self._docs
        return self._api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        rid = _request_id(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid
        extra = [*self._headers_for(scope["path"]), (b"x-request-id", rid.encode())]
        start = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if self.access_log:
                _log(scope, status, time.perf_counter() - start, rid)


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if _REQUEST_ID.match(value):
                return value.decode("ascii")
            break
    return uuid.uuid4().hex


def _log(scope: HTTPScope, status: int, elapsed_s: float, rid: str) -> None:
    client = scope.get("client")
    host = client[0] if client else "-"
    query = scope.get("query_string", b"")
    target = scope["path"] + ("?" + query.decode("latin-1") if query else "")
    target = target.translate(_CONTROL)
    access_logger.info(
        '%s "%s %s HTTP/%s" %d %.1fms request_id=%s',
        host,
        scope["method"],
        target,
        scope.get("http_version", "1.1"),
        status,
        elapsed_s * 1000.0,
        rid,
    )


class RefusedPreflight:
    """ASGI middleware: a CORS preflight litestar refuses becomes a 400 problem document.

    litestar's CORS layer (inside this one) decides; this layer only asks it the same question
    first and, on a refusal, answers with ``application/problem+json`` instead of plain text.
    """

    def __init__(self, app: ASGIApp, config: CORSConfig) -> None:
        self.app = app
        self._cors = CORSMiddleware(app=app, config=config)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        headers = Headers.from_scope(scope=scope)
        origin = headers.get("origin")
        if not origin:
            await self.app(scope, receive, send)
            return
        verdict = self._cors._create_preflight_response(origin=origin, request_headers=headers)
        if (verdict.status_code or 200) < 400:
            await self.app(scope, receive, send)
            return
        refused = str(verdict.content).removeprefix("Disallowed CORS ").lower() or "request"
        state = scope.get("state") or {}
        body = msgspec.json.encode(
            {
                "type": "https://ftcost.dev/problems/cors-refused",
                "title": "CORS request refused",
                "status": 400,
                "detail": f"cross-origin request from {origin!r} refused: {refused} not allowed",
                "request_id": state.get("request_id"),
            }
        )
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})
