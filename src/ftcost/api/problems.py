"""Every error as an RFC 9457 ``application/problem+json`` document.

``PROBLEM_CONVERTERS`` is the one table from exception type to problem: it feeds litestar's
``ProblemDetailsConfig``, so domain errors, litestar's own HTTP errors (validation, 404, 405,
413, 415) and anything unforeseen all leave as problem documents. The catch-all logs the
traceback on the server and returns a 500 problem without it.

``type`` is an absolute URI ``https://ftcost.dev/problems/<slug>``: a stable identifier clients
compare as a string (it is the same on every deployment); the README lists the slugs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException
from litestar.response import Response

from ftcost.errors import (
    CatalogError,
    FtcostError,
    InvalidInputError,
    ModelRetiredError,
    NoBreakEvenError,
    PriceUnavailableError,
    RefreshError,
    TokenizerUnavailableError,
    UnknownModelError,
)

__all__ = [
    "PROBLEM_CONVERTERS",
    "PROBLEM_MEDIA_TYPE",
    "PROBLEM_TYPE_BASE",
    "Problem",
    "ProblemDetail",
    "problem_config",
    "problem_responses",
    "problem_type",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://ftcost.dev/problems/"

logger = logging.getLogger("ftcost.api")

# Slugs of litestar's own HTTP errors, by status.
_HTTP_SLUGS: dict[int, tuple[str, str]] = {
    400: ("malformed-request", "Malformed request"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    408: ("request-timeout", "Request timeout"),
    413: ("body-too-large", "Request body too large"),
    414: ("uri-too-long", "URI too long"),
    415: ("unsupported-media-type", "Unsupported media type"),
    431: ("headers-too-large", "Request header fields too large"),
    429: ("too-many-requests", "Too many requests"),
    500: ("internal-error", "Internal server error"),
    503: ("service-unavailable", "Service unavailable"),
}


def problem_type(slug: str) -> str:
    """The ``type`` URI of a problem slug."""
    return PROBLEM_TYPE_BASE + slug


class ProblemDetail(msgspec.Struct, kw_only=True):
    """An RFC 9457 problem document; extension members depend on the problem type."""

    type: str
    title: str
    status: int
    detail: str
    request_id: str | None = None
    field: str | None = None


class Problem(ProblemDetailsException):
    """A problem document that also carries the request id of the request it answers."""

    def to_response(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        response = super().to_response(request)
        state = request.scope.get("state") or {}
        if (rid := state.get("request_id")) is not None and isinstance(response.content, dict):
            response.content.setdefault("request_id", rid)
        return response


def _extensions(values: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _domain(exc: FtcostError, *, status: int) -> Problem:
    return Problem(
        detail=exc.detail,
        status_code=status,
        type_=problem_type(exc.slug),
        title=exc.title,
        extra=_extensions(exc.extensions()),
    )


def _validation(exc: ValidationException) -> Problem:
    """400 with the field path: ``field`` from our body decoder, ``errors`` from litestar's."""
    extra: dict[str, object] = {}
    detail = exc.detail
    if isinstance(exc.extra, Mapping):
        extra.update(exc.extra)
    elif isinstance(exc.extra, list) and exc.extra:
        errors = [
            {"field": str(e.get("key", "")), "message": str(e.get("message", ""))}
            for e in exc.extra
            if isinstance(e, Mapping)
        ]
        if errors:
            extra["errors"] = errors
            first = errors[0]
            extra["field"] = first["field"]
            if first["field"] == "data" and first["message"] == "'data'":
                detail = "the request body is empty: send a JSON object"
                extra = {"field": "$"}
            else:
                detail = f"{first['message']} - at `{first['field']}`"
    return Problem(
        detail=detail,
        status_code=400,
        type_=problem_type("malformed-request"),
        title="Malformed request",
        extra=_extensions(extra),
    )


def _http(exc: HTTPException) -> Problem:
    slug, title = _HTTP_SLUGS.get(exc.status_code, ("", ""))
    if not slug:
        try:
            title = HTTPStatus(exc.status_code).phrase
        except ValueError:
            title = "HTTP error"
    extra = _extensions(exc.extra) if isinstance(exc.extra, Mapping) else {}
    return Problem(
        detail=exc.detail,
        status_code=exc.status_code,
        headers=exc.headers,
        type_=problem_type(slug) if slug else "about:blank",
        title=title,
        extra=extra,
    )


def _internal(exc: Exception) -> Problem:
    logger.error("unhandled error", exc_info=exc)
    return Problem(
        detail="the server could not answer this request; the error has been logged",
        status_code=500,
        type_=problem_type("internal-error"),
        title="Internal server error",
    )


def _convert(status: int) -> Callable[[FtcostError], Problem]:
    return functools.partial(_domain, status=status)


# The one table: exception type -> problem. Lookup follows the exception's MRO, so the most
# specific entry wins (PriceUnavailableError before InvalidInputError before FtcostError).
PROBLEM_CONVERTERS: dict[type[Exception], Callable[[Any], ProblemDetailsException]] = {
    UnknownModelError: _convert(404),
    PriceUnavailableError: _convert(422),
    ModelRetiredError: _convert(422),
    NoBreakEvenError: _convert(422),
    InvalidInputError: _convert(422),
    TokenizerUnavailableError: _convert(503),
    RefreshError: _convert(502),
    CatalogError: _convert(500),
    FtcostError: _convert(500),
    ValidationException: _validation,
    HTTPException: _http,
    Exception: _internal,
}


def problem_config() -> ProblemDetailsConfig:
    """The problem-details plugin configuration of the app."""
    return ProblemDetailsConfig(
        enable_for_all_http_exceptions=True,
        exception_to_problem_detail_map=PROBLEM_CONVERTERS,
    )


# ---------------------------------------------------------------------------------------------
# OpenAPI documentation of the problems each operation can answer with

_EXAMPLES: dict[int, tuple[str, str, str, dict[str, object]]] = {
    400: (
        "malformed-request",
        "Malformed request",
        "Expected `int`, got `str` - at `$.traffic.requests_per_month`",
        {"field": "traffic.requests_per_month"},
    ),
    404: (
        "unknown-model",
        "Unknown model",
        "unknown model 'gpt-4.1-mimi'; closest: gpt-4.1-mini, gpt-4.1-nano",
        {"model_id": "gpt-4.1-mimi", "closest": ["gpt-4.1-mini", "gpt-4.1-nano"], "field": "model"},
    ),
    408: (
        "request-timeout",
        "Request timeout",
        "the request body stalled: no data for 10 s",
        {"timeout_s": 10.0},
    ),
    413: (
        "body-too-large",
        "Request body too large",
        "the request body is over the limit of 1048576 bytes",
        {"limit_bytes": 1048576},
    ),
    415: (
        "unsupported-media-type",
        "Unsupported media type",
        "send the body as application/json",
        {"accepted": ["application/json"]},
    ),
    422: (
        "price-unavailable",
        "Price not available",
        "gpt-4.1-mini has no training price (usd_per_mtok) for tier 'standard'",
        {"field": "training.tier"},
    ),
    503: (
        "tokenizer-unavailable",
        "Tokenizer unavailable",
        "encoding 'o200k_base' unavailable: rank file not installed",
        {"encoding": "o200k_base"},
    ),
}

_DESCRIPTIONS: dict[int, str] = {
    400: "Malformed JSON, or a value of the wrong type or range (`field` names the path)",
    404: "Unknown model (`closest` lists near names)",
    408: "The request body stalled (no data for FTCOST_BODY_TIMEOUT seconds)",
    413: "Request body over the configured limit",
    415: "Wrong Content-Type, or a Content-Encoding other than identity",
    422: "Valid JSON that cannot be used: invalid input, price not available, no break-even",
    503: (
        "Tokenizer unavailable; or the worker is busy with FTCOST_MAX_HEAVY heavy operations, "
        "or the request passed its deadline (`service-unavailable`, `deadline-exceeded`, with "
        "`Retry-After`)"
    ),
}


def problem_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """``responses=`` for a route: a problem+json schema and example for each status."""
    out: dict[int, ResponseSpec] = {}
    for status in statuses:
        slug, title, detail, ext = _EXAMPLES[status]
        value = {
            "type": problem_type(slug),
            "title": title,
            "status": status,
            "detail": detail,
            "request_id": "3f2c9a0e5b7d4c1a",
            **ext,
        }
        out[status] = ResponseSpec(
            data_container=ProblemDetail,
            media_type=PROBLEM_MEDIA_TYPE,
            description=_DESCRIPTIONS[status],
            generate_examples=False,
            examples=[Example(summary=slug, value=value)],
        )
    return out
