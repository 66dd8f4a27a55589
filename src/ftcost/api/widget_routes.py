"""The embeddable widget: ``GET /widget/ftcost-widget.js`` (the ES module), ``GET /widget`` (a
page for iframes) and ``GET /widget/widget.css`` (that page's stylesheet).

The files are package data in ``ftcost/widget``. The script is public and credential-free, so it
is served to any origin (``Access-Control-Allow-Origin: *``: a module script is fetched in CORS
mode); the API calls it makes are still subject to the service's CORS allow-list. The page gets a
strict Content-Security-Policy whose ``frame-ancestors`` and ``connect-src`` name the allow-listed
origins.
"""

from __future__ import annotations

import hashlib
import html
import re
from functools import cache
from importlib import resources
from typing import Any

from litestar import Request, Response, get
from litestar.status_codes import HTTP_304_NOT_MODIFIED

__all__ = ["WIDGET_ROUTES", "page_csp"]

_ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
_SCRIPT_MAX_AGE_S = 300


@cache
def _asset(name: str) -> tuple[bytes, str]:
    """The bytes of a widget file and a strong ETag for them (read once per process)."""
    data = (resources.files("ftcost") / "widget" / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _allowed_origins(request: Request[Any, Any, Any]) -> list[str]:
    """Origins of the app's CORS allow-list that are safe to quote in a CSP header."""
    config = request.app.cors_config
    if config is None:
        return []
    return [o for o in config.allow_origins if o == "*" or _ORIGIN.match(o)]


def page_csp(origins: list[str]) -> str:
    """The page's policy: own scripts and styles only; framing by the allow-listed origins."""
    extra = " ".join(origins)
    connect = f"'self' {extra}".strip()
    ancestors = "*" if "*" in origins else f"'self' {extra}".strip()
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src {connect}; frame-ancestors {ancestors}; "
        "base-uri 'none'; form-action 'none'; object-src 'none'"
    )


def _static(request: Request[Any, Any, Any], name: str, media_type: str) -> Response[bytes]:
    data, etag = _asset(name)
    headers = {
        "Cache-Control": f"public, max-age={_SCRIPT_MAX_AGE_S}",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "Vary": "Origin",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(data, media_type=media_type, headers=headers)


@get(
    "/widget/ftcost-widget.js",
    operation_id="GetWidgetScript",
    summary="The <ftcost-estimator> web component",
    description=(
        "A dependency-free ES module defining the `<ftcost-estimator>` element. It calls only "
        "`GET /v1/models`, `POST /v1/tokens/count` and `POST /v1/estimate`."
    ),
    tags=["widget"],
    media_type="text/javascript",
    sync_to_thread=False,
)
def widget_script(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Serve the widget module (cacheable, loadable from any origin)."""
    return _static(request, "ftcost-widget.js", "text/javascript")


@get(
    "/widget/widget.css",
    operation_id="GetWidgetStylesheet",
    summary="Stylesheet of the standalone widget page",
    tags=["widget"],
    media_type="text/css",
    sync_to_thread=False,
)
def widget_stylesheet(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Serve the page's stylesheet (the element styles itself inside its shadow root)."""
    return _static(request, "widget.css", "text/css")


@get(
    "/widget",
    operation_id="GetWidgetPage",
    summary="A page with the estimator, for iframe embedding",
    description=(
        "Query parameters prefill the card; their names are the element's attributes "
        "(`provider`, `model`, `tier`, `deployment`, `requests-per-month`, …)."
    ),
    tags=["widget"],
    media_type="text/html",
    sync_to_thread=False,
)
def widget_page(request: Request[Any, Any, Any]) -> Response[str]:
    """Serve the iframe page with a strict Content-Security-Policy."""
    data, _ = _asset("widget.html")
    root = html.escape(str(request.scope.get("root_path", "")).rstrip("/"), quote=True)
    body = data.decode("utf-8").replace("{root}", root)
    return Response(
        body,
        media_type="text/html",
        headers={
            "Content-Security-Policy": page_csp(_allowed_origins(request)),
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


WIDGET_ROUTES = [widget_script, widget_stylesheet, widget_page]
