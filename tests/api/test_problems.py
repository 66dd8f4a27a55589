"""The exception -> problem table of api/problems.py (STYLE §7.3), one row per exception type.

A tiny app with one route that raises the exception under test, wrapped like the real one
(problem-details plugin with ``problem_config()``, the request-context middleware), shows what
a client receives: status, media type, ``type`` slug, title, detail and extension members.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import pytest
from litestar import Litestar, get
from litestar.exceptions import (
    ClientException,
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ServiceUnavailableException,
    TooManyRequestsException,
    ValidationException,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import PathParameter
from litestar.plugins.problem_details import ProblemDetailsPlugin
from litestar.testing import TestClient
from problem_checks import PROBLEM, TYPE_BASE

from ftcost.api.middleware import RequestContext
from ftcost.api.problems import PROBLEM_CONVERTERS, problem_config, problem_responses
from ftcost.errors import (
    CatalogError,
    FtcostError,
    InvalidInputError,
    NoBreakEvenError,
    PriceUnavailableError,
    RefreshError,
    TokenizerUnavailableError,
    UnknownModelError,
)


@dataclass(frozen=True)
class Row:
    """An exception and the problem document it must become."""

    id: str
    make: Callable[[], Exception]
    status: int
    type: str  # full ``type`` URI
    title: str
    detail: str
    extensions: dict[str, Any] = field(default_factory=dict)


def slug(s: str) -> str:
    return TYPE_BASE + s


ROWS = [
    Row(
        "unknown-model",
        lambda: UnknownModelError("gpt-5-mimi", ["gpt-5-mini", "gpt-5"], field="base.model"),
        404,
        slug("unknown-model"),
        "Unknown model",
        "unknown model 'gpt-5-mimi'; closest: gpt-5-mini, gpt-5",
        {"model_id": "gpt-5-mimi", "closest": ["gpt-5-mini", "gpt-5"], "field": "base.model"},
    ),
    Row(
        "invalid-input",
        lambda: InvalidInputError("tokens must be >= 0", field="base.prompt_tokens"),
        422,
        slug("invalid-input"),
        "Invalid input",
        "tokens must be >= 0",
        {"field": "base.prompt_tokens"},
    ),
    Row(
        "invalid-input-line",
        lambda: InvalidInputError("line 7 is not JSON", line=7),
        422,
        slug("invalid-input"),
        "Invalid input",
        "line 7 is not JSON",
        {"line": 7},
    ),
    Row(
        "price-unavailable",
        lambda: PriceUnavailableError("no developer tier", field="training.tier"),
        422,
        slug("price-unavailable"),
        "Price not available",
        "no developer tier",
        {"field": "training.tier"},
    ),
    Row(
        "no-break-even",
        lambda: NoBreakEvenError("fine-tuned requests cost more", field="fine_tuned"),
        422,
        slug("no-break-even"),
        "No break-even",
        "fine-tuned requests cost more",
        {"field": "fine_tuned"},
    ),
    Row(
        "tokenizer-unavailable",
        lambda: TokenizerUnavailableError("o200k_base", "rank file missing"),
        503,
        slug("tokenizer-unavailable"),
        "Tokenizer unavailable",
        "encoding 'o200k_base' unavailable: rank file missing",
        {"encoding": "o200k_base"},
    ),
    Row(
        "refresh-failed",
        lambda: RefreshError("HTTP 503 after 4 attempts", url="http://127.0.0.1/prices"),
        502,
        slug("refresh-failed"),
        "Price refresh failed",
        "HTTP 503 after 4 attempts (http://127.0.0.1/prices)",
        {"url": "http://127.0.0.1/prices"},
    ),
    Row(
        "catalog-error",
        lambda: CatalogError("negative price", path="azure.toml", where="models[3]"),
        500,
        slug("invalid-catalog"),
        "Invalid pricing catalog",
        "azure.toml: models[3]: negative price",
        {"file": "azure.toml", "field": "models[3]"},
    ),
    Row(
        "ftcost-error",
        lambda: FtcostError("something domain-specific"),
        500,
        slug("error"),
        "ftcost error",
        "something domain-specific",
    ),
    Row(
        "validation",
        lambda: ValidationException("Expected `int` - at `$.x`", extra={"field": "x"}),
        400,
        slug("malformed-request"),
        "Malformed request",
        "Expected `int` - at `$.x`",
        {"field": "x"},
    ),
    Row(
        "validation-list",
        lambda: ValidationException(
            "Validation failed", extra=[{"key": "region", "message": "bad region"}]
        ),
        400,
        slug("malformed-request"),
        "Malformed request",
        "bad region - at `region`",
        {"field": "region", "errors": [{"field": "region", "message": "bad region"}]},
    ),
    Row(
        "not-found",
        lambda: NotFoundException("no such thing"),
        404,
        slug("not-found"),
        "Not found",
        "no such thing",
    ),
    Row(
        "method-not-allowed",
        lambda: MethodNotAllowedException("nope"),
        405,
        slug("method-not-allowed"),
        "Method not allowed",
        "nope",
    ),
    Row(
        "too-large",
        lambda: RequestEntityTooLarge("over 10 bytes", extra={"limit_bytes": 10}),
        413,
        slug("body-too-large"),
        "Request body too large",
        "over 10 bytes",
        {"limit_bytes": 10},
    ),
    Row(
        "unsupported-media-type",
        lambda: ClientException("send JSON", status_code=415),
        415,
        slug("unsupported-media-type"),
        "Unsupported media type",
        "send JSON",
    ),
    Row(
        "too-many-requests",
        lambda: TooManyRequestsException("slow down"),
        429,
        slug("too-many-requests"),
        "Too many requests",
        "slow down",
    ),
    Row(
        "service-unavailable",
        lambda: ServiceUnavailableException("later"),
        503,
        slug("service-unavailable"),
        "Service unavailable",
        "later",
    ),
    Row(
        "other-http-status",
        lambda: HTTPException("short and stout", status_code=418),
        418,
        "about:blank",
        "I'm a Teapot",
        "short and stout",
    ),
    Row(
        "unexpected",
        lambda: RuntimeError("secret internals /etc/passwd"),
        500,
        slug("internal-error"),
        "Internal server error",
        "the server could not answer this request; the error has been logged",
    ),
    Row(
        "unexpected-key-error",
        lambda: KeyError("traffic"),
        500,
        slug("internal-error"),
        "Internal server error",
        "the server could not answer this request; the error has been logged",
    ),
]

_RAISE: dict[str, Callable[[], Exception]] = {}


@get("/raise/{name:str}", sync_to_thread=False)
def _raise(name: Annotated[str, PathParameter()]) -> None:
    raise _RAISE[name]()


@pytest.fixture(scope="module")
def raising_client() -> Any:
    """An app whose one route raises the exception a row names, wrapped like create_app's."""
    for row in ROWS:
        _RAISE[row.id] = row.make
    app = Litestar(
        route_handlers=[_raise],
        plugins=[ProblemDetailsPlugin(problem_config())],
        logging_config=None,
    )
    app.asgi_handler = RequestContext(app.asgi_handler, cors_origins=(), access_log=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_exception_becomes_its_problem(
    raising_client: Any, row: Row, caplog: pytest.LogCaptureFixture
) -> None:
    """The exception leaves as exactly this problem+json document, request id included."""
    with caplog.at_level(logging.ERROR, logger="ftcost.api"):
        response = raising_client.get(f"/raise/{row.id}", headers={"x-request-id": "rid-1"})
    assert response.status_code == row.status
    assert response.headers["content-type"] == PROBLEM
    assert response.json() == {
        "type": row.type,
        "title": row.title,
        "status": row.status,
        "detail": row.detail,
        "request_id": "rid-1",
        **row.extensions,
    }
    assert "Traceback" not in response.text


@pytest.mark.parametrize("row", [r for r in ROWS if r.id.startswith("unexpected")])
def test_unexpected_errors_are_logged_with_their_traceback(
    raising_client: Any, row: Row, caplog: pytest.LogCaptureFixture
) -> None:
    """A 500 hides the cause from the client but logs it, traceback included, on the server."""
    with caplog.at_level(logging.ERROR, logger="ftcost.api"):
        response = raising_client.get(f"/raise/{row.id}")
    assert "passwd" not in response.text
    records = [r for r in caplog.records if r.name == "ftcost.api"]
    assert len(records) == 1
    assert records[0].exc_info is not None
    assert isinstance(records[0].exc_info[1], type(row.make()))


def test_table_covers_every_error_class() -> None:
    """Every FtcostError subclass has its own row in the converter table (no silent fallback)."""

    def subclasses(cls: type) -> set[type]:
        out = set(cls.__subclasses__())
        for sub in list(out):
            out |= subclasses(sub)
        return out

    assert subclasses(FtcostError) | {FtcostError} <= set(PROBLEM_CONVERTERS)


@pytest.mark.parametrize("status", [400, 404, 413, 415, 422, 503])
def test_documented_problem_responses(status: int) -> None:
    """The OpenAPI response of each status is problem+json with an example of that status."""
    spec = problem_responses(status)[status]
    assert spec.media_type == PROBLEM
    assert spec.examples is not None
    (example,) = spec.examples
    assert isinstance(example.value, dict)
    assert example.value["status"] == status
    assert example.value["type"].startswith(TYPE_BASE)
