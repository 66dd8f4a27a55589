"""``/docs``: Swagger UI served from ftcost itself, so the API's documentation works offline.

The Swagger UI files come from the pinned ``swagger-ui-py`` wheel (its ``static`` folder, read
as files; the package is never imported); the page and its start-up script are ftcost's own
(``api/static``). The page loads nothing from another origin and runs no inline script, so its
Content-Security-Policy (``DOCS_CSP``) allows exactly ``'self'``.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import PathParameter
from litestar.status_codes import HTTP_304_NOT_MODIFIED

__all__ = ["DOCS_CSP", "OfflineSwaggerPlugin"]

DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""Scripts, styles and the spec from this server only; SVG icons inlined as data: URIs."""

_MAX_AGE_S = 3600
# name under /docs/assets/ -> (where it lives, media type)
_ASSETS: dict[str, tuple[str, str]] = {
    "swagger-ui-bundle.js": ("swagger_ui", "text/javascript"),
    "swagger-ui.css": ("swagger_ui", "text/css"),
    "favicon-32x32.png": ("swagger_ui", "image/png"),
    "docs.js": ("ftcost", "text/javascript"),
    "docs.css": ("ftcost", "text/css"),
}

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="stylesheet" href="{assets}/docs.css">
</head>
<body>
<div id="swagger-ui" data-spec="{spec}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js"></script>
</body>
</html>
"""


def _swagger_static() -> Path:
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise NotFoundException("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


@cache
def _asset(name: str) -> tuple[bytes, str, str]:
    """Bytes, media type and strong ETag of a docs asset (read once per process)."""
    owner, media_type = _ASSETS[name]
    if owner == "swagger_ui":
        data = (_swagger_static() / name).read_bytes()
    else:
        data = (resources.files("ftcost") / "api" / "static" / name).read_bytes()
    return data, media_type, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


@get("/assets/{name:str}", include_in_schema=False, sync_to_thread=False)
def docs_asset(
    request: Request[Any, Any, Any], name: Annotated[str, PathParameter(max_length=64)]
) -> Response[bytes]:
    """One file of the docs UI (cacheable; revalidated by ETag)."""
    if name not in _ASSETS:
        raise NotFoundException(f"no docs asset {name!r}")
    data, media_type, etag = _asset(name)
    headers = {"Cache-Control": f"public, max-age={_MAX_AGE_S}", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(data, media_type=media_type, headers=headers)


class OfflineSwaggerPlugin(OpenAPIRenderPlugin):
    """litestar's docs page at ``/docs``, with Swagger UI's files served under ``/docs/assets``."""

    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        root = str(request.scope.get("root_path", "")).rstrip("/")
        spec = self.get_openapi_json_route(request)
        title = str(openapi_schema.get("info", {}).get("title", "API"))
        page = _PAGE.format(
            title=html.escape(f"{title} · API documentation"),
            assets=html.escape(f"{root}{spec.rsplit('/', 1)[0]}/assets", quote=True),
            spec=html.escape(root + spec, quote=True),
        )
        return page.encode("utf-8")

    def receive_router(self, router: Router) -> None:
        router.register(docs_asset)
