"""``/docs`` in Chromium with every request off 127.0.0.1 blocked: the operations are listed.

The docs UI's files come from ftcost itself, and its CSP allows exactly those: the page shows
every operation of the OpenAPI document with no network and no CSP violation.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Route, expect

pytestmark = pytest.mark.browser

CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_docs_list_every_operation_with_the_network_blocked(new_page: Any, live_api: Any) -> None:
    """Only loopback is reachable; /docs still renders every operation id of the document."""
    probe = new_page(width=1280)
    page = probe.page
    blocked: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_loopback)
    page.add_init_script(CSP_PROBE)
    response = page.goto(f"{live_api.url}/docs")
    assert response is not None
    assert response.ok
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "https:" not in csp

    _, _, raw = live_api.get("/openapi.json")
    doc = json.loads(raw)
    operations = [
        (method.upper(), path)
        for path, item in doc["paths"].items()
        for method in item
        if method in {"get", "post", "put", "delete", "patch"}
    ]
    assert len(operations) >= 10
    blocks = page.locator(".opblock")
    expect(blocks).to_have_count(len(operations), timeout=15_000)
    shown = {
        (
            b.locator(".opblock-summary-method").inner_text().strip(),
            b.locator(".opblock-summary-path").inner_text().strip().replace("\u200b", ""),
        )
        for b in blocks.all()
    }
    assert shown == set(operations)
    expect(page.locator(".info .title")).to_contain_text("ftcost")
    assert page.evaluate("window.__csp") == []
    assert blocked == []  # nothing even tried to leave the machine
    assert probe.errors == []
    assert probe.failed == []
    assert probe.console_errors == []
