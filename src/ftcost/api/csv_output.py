"""``Accept: text/csv`` on estimate, sweep and compare: the same CSV as the CLI's ``--csv``.

An ASGI wrapper around the app: when a request to one of ``CSV_ROUTES`` prefers ``text/csv``
(over ``application/json`` and ``*/*``, by quality), a 200 JSON answer is decoded into its
result Struct and sent as CSV (``ftcost.export``) instead. Problems (``application/problem+json``)
and every other route pass through untouched, so errors stay RFC 9457 documents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from ftcost.engine import CompareResult, Projection, SweepResult
from ftcost.export import CSV_MEDIA_TYPE, compare_csv, series_csv, sweep_csv

__all__ = ["CSV_ROUTES", "CsvOutput", "prefers_csv"]

CSV_ROUTES: dict[str, tuple[type[Any], Callable[[Any], str]]] = {
    "/v1/estimate": (Projection, series_csv),
    "/v1/sweep": (SweepResult, sweep_csv),
    "/v1/compare": (CompareResult, compare_csv),
}
"""Path -> (the JSON result's type, its CSV): the monthly series, the grid, the rows."""


_VARY = (b"vary", b"accept")


def prefers_csv(accept: str) -> bool:
    """Whether an Accept header ranks ``text/csv`` above JSON (``*/*`` counts as JSON)."""
    best = {"csv": -1.0, "json": -1.0}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.lower()
        kind = "csv" if media in (CSV_MEDIA_TYPE, "text/*") else "json"
        if media in (CSV_MEDIA_TYPE, "application/json", "*/*", "application/*", "text/*"):
            best[kind] = max(best[kind], q)
    return best["csv"] > 0 and best["csv"] >= best["json"]


class CsvOutput:
    """ASGI middleware: JSON results of ``CSV_ROUTES`` as CSV when the client asks for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = scope["type"] == ScopeType.HTTP
        route = CSV_ROUTES.get(scope.get("path", "")) if http else None
        if route is None:
            await self.app(scope, receive, send)
            return
        accept = ""
        for key, value in scope.get("headers", []):
            if key == b"accept":
                accept += value.decode("latin-1") + ","
        if not prefers_csv(accept):

            async def vary(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), _VARY]}
                await send(message)

            await self.app(scope, receive, vary)
            return
        result_type, to_csv = route
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = list(start.get("headers", []))
            ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
            if start.get("status") == 200 and ctype.startswith(b"application/json"):
                result = msgspec.json.decode(body, type=result_type)
                body = to_csv(result).encode("utf-8")
                skip = {b"content-type", b"content-length"}
                headers = [(k, v) for k, v in headers if k.lower() not in skip]
                headers += [
                    (b"content-type", b"text/csv; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ]
            await send(cast("Message", {**start, "headers": [*headers, _VARY]}))
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, buffered)
