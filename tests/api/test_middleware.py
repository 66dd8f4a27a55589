"""Request id, security headers, CORS allow-list and the access log, on every kind of answer."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from problem_checks import SCENARIO, assert_problem

from ftcost.api.app import create_app
from ftcost.catalog import Catalog
from ftcost.settings import Settings

PORTAL = "https://portal.example.com"  # allow-listed in tests/api/conftest.py
STRANGER = "https://evil.example.net"
JSON = "application/json"

# (method, path, body) for an answer, a problem, a 404, a 405 and the docs
REQUESTS = [
    ("GET", "/healthz", None),
    ("GET", "/v1/models", None),
    ("POST", "/v1/estimate", json.dumps(SCENARIO)),
    ("POST", "/v1/estimate", "{"),
    ("GET", "/v1/models/nope-model", None),
    ("GET", "/no/such/path", None),
    ("DELETE", "/healthz", None),
]


def send(
    client: TestClient[Litestar], method: str, path: str, body: str | None, **headers: str
) -> httpx.Response:
    if body is not None:
        headers.setdefault("content-type", JSON)
    return client.request(method, path, content=body, headers=headers)


# ---------------------------------------------------------------------------------------------
# X-Request-ID


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_request_id_is_generated(
    client: TestClient[Litestar], method: str, path: str, body: str | None
) -> None:
    """Without an X-Request-ID each answer gets a fresh 32-hex id (problems repeat it)."""
    first = send(client, method, path, body)
    second = send(client, method, path, body)
    rid = first.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    assert second.headers["x-request-id"] != rid
    if first.status_code >= 400:
        assert first.json()["request_id"] == rid


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_request_id_is_echoed(
    client: TestClient[Litestar], method: str, path: str, body: str | None
) -> None:
    """A well-formed X-Request-ID from the client is echoed, in headers and problem documents."""
    response = send(client, method, path, body, **{"x-request-id": "trace-42.a:b_c"})
    assert response.headers["x-request-id"] == "trace-42.a:b_c"
    if response.status_code >= 400:
        assert response.json()["request_id"] == "trace-42.a:b_c"


@pytest.mark.parametrize(
    "bad_id",
    ["", "has space", "x" * 129, "semi;colon", "new\\nline", 'quote"d'],
    ids=["empty", "space", "too-long", "semicolon", "backslash", "quote"],
)
def test_malformed_request_id_is_replaced(client: TestClient[Litestar], bad_id: str) -> None:
    """An X-Request-ID that could forge log lines or headers is replaced by a fresh one."""
    response = client.get("/healthz", headers={"x-request-id": bad_id})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


# ---------------------------------------------------------------------------------------------
# Security headers

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_security_headers_on_api_answers(
    client: TestClient[Litestar], method: str, path: str, body: str | None
) -> None:
    """API answers, problems included, refuse sniffing, framing and referrers."""
    h = send(client, method, path, body).headers
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-frame-options"] == "DENY"
    assert h["content-security-policy"] == API_CSP


def test_widget_may_be_framed_by_the_portals_only(client: TestClient[Litestar]) -> None:
    """/widget has no X-Frame-Options; its CSP lets only itself and the portals frame it."""
    h = client.get("/widget").headers
    assert "x-frame-options" not in h
    csp = h["content-security-policy"]
    ancestors = re.search(r"frame-ancestors ([^;]+)", csp)
    assert ancestors is not None
    assert ancestors.group(1).split() == ["'self'", PORTAL]
    assert h["x-content-type-options"] == "nosniff"


def test_docs_csp_allows_its_assets_but_not_framing(client: TestClient[Litestar]) -> None:
    """The docs UI loads its own files only (no CDN, no inline script) and cannot be framed."""
    h = client.get("/docs").headers
    csp = h["content-security-policy"]
    assert "https:" not in csp
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert h["x-frame-options"] == "DENY"


# ---------------------------------------------------------------------------------------------
# CORS


def test_allowed_origin_gets_cors_headers(client: TestClient[Litestar]) -> None:
    """A request from the allow-listed portal is granted and may read X-Request-ID."""
    response = client.post(
        "/v1/estimate",
        content=json.dumps(SCENARIO),
        headers={"content-type": JSON, "origin": PORTAL},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()
    assert "origin" in response.headers["vary"].lower()


@pytest.mark.parametrize(
    "origin",
    [STRANGER, "http://portal.example.com", "https://portal.example.com.evil.net", "null"],
)
def test_other_origins_get_no_cors_grant(client: TestClient[Litestar], origin: str) -> None:
    """Any other origin (another scheme or a look-alike host too) gets no allow-origin header."""
    response = client.get("/v1/models", headers={"origin": origin})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_preflight_from_the_portal(client: TestClient[Litestar]) -> None:
    """The portal's preflight for a JSON POST is a 204 granting the origin, method and header."""
    response = client.options(
        "/v1/estimate",
        headers={
            "origin": PORTAL,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type, x-request-id",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed
    assert "x-request-id" in allowed


@pytest.mark.parametrize(
    ("origin", "method", "headers", "refused"),
    [
        (STRANGER, "POST", "content-type", "origin"),
        (PORTAL, "DELETE", "content-type", "method"),
        (PORTAL, "POST", "x-api-key", "headers"),
    ],
)
def test_refused_preflight_is_a_problem(
    client: TestClient[Litestar], origin: str, method: str, headers: str, refused: str
) -> None:
    """A preflight from a stranger, or for another method or header, is a 400 problem."""
    response = client.options(
        "/v1/estimate",
        headers={
            "origin": origin,
            "access-control-request-method": method,
            "access-control-request-headers": headers,
        },
    )
    doc = assert_problem(response, 400, "cors-refused", detail_has=refused)
    assert origin in doc["detail"]
    assert "access-control-allow-origin" not in response.headers


def test_without_an_allow_list_nobody_is_granted(catalog: Catalog) -> None:
    """With no FTCOST_CORS_ORIGINS no origin gets a CORS grant."""
    app = create_app(Settings(), catalog=catalog)
    with TestClient(app) as client:
        response = client.get("/v1/models", headers={"origin": PORTAL})
        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers


# ---------------------------------------------------------------------------------------------
# Access log


@pytest.mark.parametrize(("method", "path", "body"), REQUESTS)
def test_one_access_log_line_per_request(
    client: TestClient[Litestar],
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: str | None,
) -> None:
    """Each request writes exactly one access line: method, path, status, time and request id."""
    with caplog.at_level(logging.INFO, logger="ftcost.access"):
        response = send(client, method, path, body, **{"x-request-id": "log-me-1"})
    lines = [r.getMessage() for r in caplog.records if r.name == "ftcost.access"]
    assert len(lines) == 1, lines
    line = lines[0]
    assert f'"{method} {path} HTTP/1.1" {response.status_code} ' in line
    assert re.search(r" [0-9]+\.[0-9]ms request_id=log-me-1$", line)


def test_access_log_keeps_the_query_and_escapes_control_characters(
    client: TestClient[Litestar], caplog: pytest.LogCaptureFixture
) -> None:
    """The query string is logged; control characters cannot start a forged log line."""
    with caplog.at_level(logging.INFO, logger="ftcost.access"):
        client.get("/v1/models?provider=openai")
        client.get("/v1/models/x%0d%0aFAKE 200")
    lines = [r.getMessage() for r in caplog.records if r.name == "ftcost.access"]
    assert len(lines) == 2
    assert '"GET /v1/models?provider=openai HTTP/1.1" 200' in lines[0]
    assert "\n" not in lines[1]
    assert "\r" not in lines[1]
    assert "x??FAKE 200" in lines[1]


def test_access_log_can_be_turned_off(catalog: Catalog, caplog: pytest.LogCaptureFixture) -> None:
    """FTCOST_ACCESS_LOG=false (access_log=False) writes no access lines."""
    app = create_app(Settings(access_log=False), catalog=catalog)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="ftcost.access"):
        client.get("/healthz")
    assert not [r for r in caplog.records if r.name == "ftcost.access"]
