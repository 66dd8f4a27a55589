"""``<ftcost-estimator>`` embedded in a portal on another origin, in Debian's Chromium.

The portal server (``conftest.portal``) is on the API's CORS allow-list as
``http://localhost:PORT``; the same server reached as ``http://127.0.0.1:PORT`` is another
origin, which is not. The portal page carries its own strict CSP (no inline script or style,
connections only to the API), so the element must work without ``eval``, inline scripts or
inline styles.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WIDGET = "ftcost-estimator"

PORTAL_JS = """
// The portal's own script: records what the widget reports.
window.ftcostEvents = [];
for (const name of ['ftcost:result', 'ftcost:error']) {
  document.addEventListener(name, (event) => {
    window.ftcostEvents.push({ name, detail: event.detail });
    document.getElementById('last-event').textContent = name;
    document.getElementById('event-count').textContent = String(window.ftcostEvents.length);
  });
}
window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""

PORTAL_CSS = """
body { font-family: serif; margin: 1rem; }
ftcost-estimator { --ftcost-accent: rgb(110, 20, 90); --ftcost-radius: 0px; max-width: 40rem; }
"""


def portal_page(api: str) -> str:
    csp = (
        f"default-src 'self'; script-src 'self' {api}; style-src 'self'; "
        f"connect-src {api}; img-src 'self'; object-src 'none'; base-uri 'none'"
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>Team portal</title>
<link rel="stylesheet" href="/portal.css">
<script src="/portal.js"></script>
<script type="module" src="{api}/widget/ftcost-widget.js"></script>
</head>
<body>
<h1>Team portal: should we fine-tune?</h1>
<p id="last-event"></p>
<p id="event-count">0</p>
<ftcost-estimator api-base="{api}" provider="azure" model="gpt-4.1-mini"
  requests-per-month="2500000" training-tokens="20000000" base-prompt-tokens="3000"
  fine-tuned-prompt-tokens="400" output-tokens="150" horizon-months="18"
  retrain-every-months="6" debounce="150"></ftcost-estimator>
</body>
</html>
"""


def iframe_page(api: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Portal with an iframe</title></head>
<body><h1>Estimator in an iframe</h1>
<iframe title="ftcost estimator" width="400" height="900"
  src="{api}/widget?model=gpt-4.1-mini&amp;requests-per-month=2500000"></iframe>
</body></html>
"""


@pytest.fixture
def portal_pages(portal: Any, live_api: Any) -> Any:
    portal.put("/portal.html", "text/html; charset=utf-8", portal_page(live_api.url))
    portal.put("/portal.js", "text/javascript; charset=utf-8", PORTAL_JS)
    portal.put("/portal.css", "text/css; charset=utf-8", PORTAL_CSS)
    portal.put("/iframe.html", "text/html; charset=utf-8", iframe_page(live_api.url))
    return portal


def events(page: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate("window.ftcostEvents")
    return result


def test_element_on_an_allowed_origin_shows_the_projection(
    new_page: Any, live_api: Any, portal_pages: Any, fmt: Any, artifacts: Path
) -> None:
    """From an allow-listed origin the element computes, fires ftcost:result and shows it."""
    origin = portal_pages.origin("localhost")
    assert origin == live_api.allowed_origin
    probe = new_page(width=900)
    page = probe.page
    page.goto(f"{origin}/portal.html")
    expect(page.locator("#last-event")).to_have_text("ftcost:result")

    detail = events(page)[0]["detail"]
    scenario, projection = detail["scenario"], detail["projection"]
    assert scenario["traffic"]["requests_per_month"] == 2_500_000
    assert scenario["horizon_months"] == 18
    status, replayed = live_api.post("/v1/estimate", json.dumps(scenario).encode())
    assert status == 200
    assert replayed == projection

    def shown(testid: str) -> Any:
        return page.locator(f"{WIDGET} [data-testid='{testid}']")

    expect(shown("training-cost")).to_contain_text(fmt.usd(projection["training"]["cost_usd"]))
    expect(shown("hosting-monthly")).to_have_text(fmt.usd(projection["hosting"]["monthly_usd"]))
    expect(shown("per-request-savings")).to_have_text(
        fmt.usd(projection["per_request"]["savings_usd"])
    )
    expect(shown("payback")).to_have_text(fmt.duration(projection["break_even"]["payback_months"]))
    expect(shown("chart-crossing")).to_have_attribute(
        "data-month", str(projection["break_even"]["crossover_month"])
    )

    # Theming reaches into the shadow root through custom properties only.
    background = shown("compute").evaluate("(b) => getComputedStyle(b).backgroundColor")
    assert background == "rgb(110, 20, 90)"

    # Attributes set later by the portal recompute the card.
    page.evaluate(f"document.querySelector('{WIDGET}').setAttribute('requests-per-month', '9e6')")
    # No wait_for_function: its string predicate is an eval, which the portal's CSP forbids.
    expect(page.locator("#event-count")).to_have_text("2")
    latest = events(page)[-1]
    assert latest["name"] == "ftcost:result"
    assert latest["detail"]["scenario"]["traffic"]["requests_per_month"] == 9_000_000
    expect(shown("net-savings")).to_have_text(
        fmt.usd(latest["detail"]["projection"]["monthly"]["net_savings_usd"])
    )

    page.screenshot(path=str(artifacts / "widget-embedded.png"), full_page=True)
    assert page.evaluate("window.cspViolations") == []
    assert probe.errors == []
    assert probe.console_errors == []
    assert probe.failed == []


def test_element_on_another_origin_reports_the_refusal(
    new_page: Any, live_api: Any, portal_pages: Any
) -> None:
    """From an origin not on the allow-list the API grants no CORS; the card says so."""
    origin = portal_pages.origin("127.0.0.1")
    assert origin != live_api.allowed_origin

    # The API itself: the preflight is refused and no Access-Control-Allow-Origin is sent.
    preflight = urllib.request.Request(
        f"{live_api.url}/v1/estimate",
        method="OPTIONS",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(preflight, timeout=10)
    with refused.value as err:
        assert err.code == 400
        assert err.headers.get("access-control-allow-origin") is None
    granted = urllib.request.Request(
        f"{live_api.url}/v1/models",
        headers={"Origin": live_api.allowed_origin},
    )
    with urllib.request.urlopen(granted, timeout=10) as res:
        assert res.headers["access-control-allow-origin"] == live_api.allowed_origin

    probe = new_page(width=900)
    page = probe.page
    page.goto(f"{origin}/portal.html")
    expect(page.locator("#last-event")).to_have_text("ftcost:error")
    top_error = page.locator(f"{WIDGET} [data-testid='top-error']")
    expect(top_error).to_contain_text("Could not reach the ftcost API")
    expect(top_error).to_contain_text("CORS")
    expect(page.locator(f"{WIDGET} [data-testid='training-cost']")).to_have_text("—")
    assert events(page)[-1]["detail"]["problem"]["status"] == 0
    assert probe.errors == []  # an error shown on the card, not a crash


def test_iframe_page_is_framed_only_by_allowed_origins(
    new_page: Any, live_api: Any, portal_pages: Any
) -> None:
    """/widget in an iframe works on an allow-listed portal and is refused on another one."""
    probe = new_page(width=900)
    page = probe.page
    page.goto(f"{portal_pages.origin('localhost')}/iframe.html")
    frame = page.frame_locator("iframe")
    expect(frame.locator(f"{WIDGET} [data-testid='status']")).to_have_text("Up to date.")
    expect(frame.locator(f"{WIDGET} [data-testid='hosting-monthly']")).not_to_have_text("—")
    assert probe.errors == []

    other = new_page(width=900)
    refused: list[str] = []
    other.page.on("console", lambda msg: refused.append(msg.text))
    other.page.goto(f"{portal_pages.origin('127.0.0.1')}/iframe.html")
    other.page.wait_for_load_state("load")
    expect(other.page.locator("h1")).to_be_visible()
    child = other.page.frames[1]
    assert child.locator(WIDGET).count() == 0
    assert any("frame-ancestors" in text for text in refused), refused
