"""``GET /widget`` in Debian's Chromium against the real API: the card shows the Projection.

Every figure the card displays is compared with the API's own answer to the same Scenario: the
test captures the request the widget sent, replays it with urllib, and formats the Projection by
the rules the README documents (restated in ``conftest.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, Request, expect

pytestmark = pytest.mark.browser

WIDGET = "ftcost-estimator"

# data-testid of a displayed figure -> where the Projection has it
USD_FIGURES = {
    "training-cost": ("training", "cost_usd"),
    "hosting-monthly": ("hosting", "monthly_usd"),
    "per-request-base": ("per_request", "base_usd"),
    "per-request-ft": ("per_request", "fine_tuned_usd"),
    "per-request-savings": ("per_request", "savings_usd"),
    "net-savings": ("monthly", "net_savings_usd"),
}

# A scenario whose curves cross mid-horizon: $1,500 of training, $359 net savings a month.
CROSSING_QUERY = {
    "provider": "azure",
    "model": "gpt-4.1-mini",
    "requests-per-month": "2000000",
    "training-tokens": "100000000",
    "base-prompt-tokens": "2500",
    "fine-tuned-prompt-tokens": "500",
    "output-tokens": "200",
    "horizon-months": "12",
    "retrain-every-months": "6",
}

CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def tid(page: Page, testid: str) -> Any:
    """A node inside the widget's shadow root (Playwright's CSS pierces open shadow roots)."""
    return page.locator(f"{WIDGET} [data-testid='{testid}']")


class EstimateLog:
    """Every POST /v1/estimate the page sends."""

    def __init__(self, page: Page) -> None:
        self.requests: list[Request] = []
        page.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/v1/estimate"):
            self.requests.append(request)


def settle(page: Page) -> None:
    """Wait until no recompute is pending or in flight (``aria-busy`` gone from the results)."""
    page.wait_for_function(
        """(sel) => {
            const el = document.querySelector(sel);
            const r = el && el.shadowRoot.querySelector('[data-testid=results]');
            return r && !r.hasAttribute('aria-busy') && el.scenario !== null;
        }""",
        arg=WIDGET,
    )


def last_exchange(page: Page, log: EstimateLog, live_api: Any) -> tuple[dict[str, Any], Any, Any]:
    """(scenario the widget sent last, status and body of the API's answer to it, replayed)."""
    settle(page)
    assert log.requests, "the widget sent no estimate"
    request = log.requests[-1]
    body = request.post_data_buffer
    assert body is not None
    sent = json.loads(body)
    assert sent == page.evaluate(f"document.querySelector('{WIDGET}').scenario")
    status, answer = live_api.post("/v1/estimate", body)
    return sent, status, answer


def assert_card_shows(page: Page, projection: dict[str, Any], fmt: Any) -> None:
    """Every displayed figure equals the Projection, formatted by the documented rules."""
    for testid, (group, key) in USD_FIGURES.items():
        value = projection[group][key]
        node = tid(page, testid)
        text = node.inner_text().split("\n")[0]
        assert text == fmt.usd(value), (testid, text, value)
        assert float(node.get_attribute("data-value")) == value
    tokens = projection["training"]["tokens"]
    expect(tid(page, "training-tokens")).to_have_text(f"{fmt.count(tokens)} training tokens")

    be = projection["break_even"]
    volume, payback = be["requests_per_month"], be["payback_months"]
    expected_volume = "never" if volume is None else f"{fmt.count(-(-volume // 1))} requests/month"
    assert tid(page, "break-even-volume").inner_text() == expected_volume
    payback_text = tid(page, "payback").inner_text().split("\n")
    assert payback_text[0] == ("never" if payback is None else fmt.duration(payback))
    if be["reason"]:
        expect(tid(page, "break-even-reason")).to_have_text(be["reason"])

    for side, key in (("base", "base"), ("ft", "fine_tuned")):
        lat = projection["latency"][key]
        for metric in ("ttft", "e2e"):
            cell = tid(page, f"latency-{side}-{metric}")
            if lat is None:
                expect(cell).to_have_text("n/a")
            else:
                q = lat[f"{metric}_s"]
                expected = (
                    f"{fmt.seconds(q['p50'])} ({fmt.seconds(q['p10'])}–{fmt.seconds(q['p90'])})"
                )
                expect(cell).to_have_text(expected)

    shown = tid(page, "warnings").locator("li")
    expect(shown).to_have_count(len(projection["warnings"]))
    for i, w in enumerate(projection["warnings"]):
        expect(shown.nth(i)).to_have_text(w["message"])
        expect(shown.nth(i)).to_have_attribute("data-code", w["code"])
    expect(tid(page, "catalog")).to_contain_text(projection["catalog"]["version"])


def chart_geometry(page: Page) -> dict[str, Any]:
    """Points of both polylines and the crossing marker, read from the SVG."""
    return page.evaluate(
        """(sel) => {
            const root = document.querySelector(sel).shadowRoot;
            const pts = (id) => root.querySelector(`[data-testid=${id}]`).getAttribute('points')
                .trim().split(/\\s+/).map((p) => p.split(',').map(Number));
            const mark = root.querySelector('[data-testid=chart-crossing]');
            const circle = mark && mark.querySelector('circle');
            return {
                base: pts('chart-line-base'), ft: pts('chart-line-ft'),
                crossing: mark ? Number(mark.dataset.month) : null,
                circle: circle ? [Number(circle.getAttribute('cx')),
                                  Number(circle.getAttribute('cy'))] : null,
                label: mark ? mark.textContent : null,
                ticks: [...root.querySelectorAll('[data-testid=chart-x-ticks] [data-month]')]
                    .map((t) => Number(t.dataset.month)),
                title: root.querySelector('svg.chart title').textContent,
            };
        }""",
        WIDGET,
    )


def open_widget(new_page: Any, live_api: Any, query: dict[str, str], width: int = 1024) -> Any:
    probe = new_page(width=width)
    probe.page.add_init_script(CSP_PROBE)
    log = EstimateLog(probe.page)
    response = probe.page.goto(f"{live_api.url}/widget?{urlencode(query)}")
    assert response is not None
    assert response.ok
    return probe, log, response


def test_page_prefilled_from_query_shows_the_api_projection(
    new_page: Any, live_api: Any, fmt: Any, artifacts: Path
) -> None:
    """/widget reads its query, sends that Scenario, and shows exactly the API's figures."""
    probe, log, response = open_widget(new_page, live_api, CROSSING_QUERY)
    page = probe.page
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp

    sent, status, projection = last_exchange(page, log, live_api)
    assert status == 200
    assert sent["traffic"]["requests_per_month"] == 2_000_000
    assert sent["training"]["tokens_per_epoch"] == 100_000_000
    assert sent["model"] == "gpt-4.1-mini"
    browser_answer = log.requests[-1].response()
    assert browser_answer is not None
    assert browser_answer.json() == projection  # the estimate is deterministic
    assert_card_shows(page, projection, fmt)

    # The chart: one point per month of the series, the crossing marked at the API's month.
    chart = chart_geometry(page)
    assert len(chart["base"]) == len(projection["series"]) == len(chart["ft"])
    if projection["horizon"]["end_reason"] == "fine_tuned_retirement":  # the end is marked
        end = tid(page, "chart-end")
        expect(end).to_contain_text(f"Retires {projection['horizon']['end_date']}")
        assert float(end.get_attribute("data-month") or "nan") == projection["horizon"]["end_month"]
    month = projection["break_even"]["crossover_month"]
    assert month is not None
    assert 1 < month < projection["horizon"]["months"]
    assert chart["crossing"] == month
    assert chart["label"] == f"Break-even: month {month}"
    assert chart["ticks"][0] == 0
    assert chart["ticks"][-1] == projection["horizon"]["months"]
    # Before the crossing the fine-tuned line is above the base line (SVG y grows downwards),
    # from the crossing month on it is below; the marker sits between the two months.
    series = projection["series"]
    i = next(k for k, p in enumerate(series) if p["month"] == month)
    assert chart["ft"][i - 1][1] < chart["base"][i - 1][1]
    assert chart["ft"][i][1] >= chart["base"][i][1]
    assert chart["ft"][i - 1][0] <= chart["circle"][0] <= chart["ft"][i][0]
    expect(tid(page, "chart-svg")).to_have_attribute("role", "img")
    expect(tid(page, "chart")).to_contain_text(f"cheaper from month {month} on")

    page.screenshot(path=str(artifacts / "widget-page.png"), full_page=True)
    tid(page, "chart").screenshot(path=str(artifacts / "widget-chart.png"))
    assert page.evaluate("window.__csp") == []
    assert probe.errors == []
    assert probe.console_errors == []
    assert probe.failed == []


def test_changed_inputs_recompute_to_the_api_projection(
    new_page: Any, live_api: Any, fmt: Any, artifacts: Path
) -> None:
    """Editing inputs recomputes (debounced); the figures follow the API for the new Scenario."""
    probe, log, _ = open_widget(new_page, live_api, {"model": "gpt-4.1-mini"})
    page = probe.page
    settle(page)
    first = len(log.requests)

    tid(page, "input-requests").fill("5000000")
    tid(page, "input-base-prompt").fill("4000")
    tid(page, "input-ft-prompt").fill("300")
    tid(page, "input-horizon").fill("24")
    tid(page, "input-deployment").select_option("standard")
    tid(page, "input-retrain").select_option("3")
    sent, status, projection = last_exchange(page, log, live_api)
    assert len(log.requests) > first
    assert status == 200
    assert sent["traffic"]["requests_per_month"] == 5_000_000
    assert sent["base"]["prompt_tokens"] == 4000
    assert sent["fine_tuned"]["prompt_tokens"] == 300
    assert sent["horizon_months"] == 24
    assert sent["deployment"]["type"] == "standard"
    assert sent["retrain_every_months"] == 3
    assert_card_shows(page, projection, fmt)
    assert len(chart_geometry(page)["base"]) == len(projection["series"])  # to the end
    page.screenshot(path=str(artifacts / "widget-changed.png"), full_page=True)

    # The same through the Compute button only (keyboard users need no debounce).
    tid(page, "input-output").fill("350")
    tid(page, "compute").click()
    sent, _, projection = last_exchange(page, log, live_api)
    assert sent["base"]["output_tokens"] == sent["fine_tuned"]["output_tokens"] == 350
    assert_card_shows(page, projection, fmt)
    assert probe.errors == []


def test_never_pays_shows_never_and_the_reason(new_page: Any, live_api: Any, fmt: Any) -> None:
    """When savings never cover hosting the card says "never", with the API's reason."""
    query = {**CROSSING_QUERY, "requests-per-month": "100000"}
    probe, log, _ = open_widget(new_page, live_api, query)
    page = probe.page
    _, status, projection = last_exchange(page, log, live_api)
    assert status == 200
    be = projection["break_even"]
    assert be["payback_months"] is None
    assert be["reason"]
    assert_card_shows(page, projection, fmt)
    expect(tid(page, "payback")).to_contain_text("never")
    expect(tid(page, "break-even-reason")).to_have_text(be["reason"])
    assert chart_geometry(page)["crossing"] is None
    expect(tid(page, "chart")).to_contain_text("do not cross")


def test_problem_detail_appears_next_to_the_named_field(new_page: Any, live_api: Any) -> None:
    """Problems read as sentences beside the field they concern, never the validator's text.

    A negative number is caught before sending; a value the API refuses (above its bound) comes
    back as a 400 problem naming the field, shown as a sentence with the field's label.
    """
    probe, log, _ = open_widget(new_page, live_api, {"model": "gpt-4.1-mini"})
    page = probe.page
    settle(page)
    sent_before = len(log.requests)

    requests_input = tid(page, "input-requests")
    requests_input.fill("-5")
    tid(page, "compute").click()
    expect(tid(page, "error-requests")).to_have_text("Requests per month must be 0 or more.")
    expect(requests_input).to_have_attribute("aria-invalid", "true")
    expect(tid(page, "results")).to_have_attribute("data-state", "stale")
    assert len(log.requests) == sent_before  # nothing sent that the API would refuse

    requests_input.fill("2000000000000")
    tid(page, "compute").click()
    sent, status, problem = last_exchange(page, log, live_api)
    assert sent["traffic"]["requests_per_month"] == 2e12
    assert status == 400
    assert problem["field"] == "traffic.requests_per_month"
    assert "`" in problem["detail"]  # the validator's own wording...
    response = log.requests[-1].response()
    assert response is not None
    assert response.headers["content-type"].startswith("application/problem+json")
    # ...reads as a sentence on the card.
    expect(tid(page, "error-requests")).to_have_text(
        "Requests per month must be at most 1,000,000,000,000."
    )
    expect(requests_input).to_have_attribute("aria-invalid", "true")
    expect(requests_input).to_have_attribute("aria-describedby", "requests-error")
    expect(tid(page, "top-error")).to_have_text("")
    expect(tid(page, "results")).to_have_attribute("data-state", "stale")

    # Fixing the field clears the message.
    requests_input.fill("3000000")
    tid(page, "compute").click()
    _, status, _ = last_exchange(page, log, live_api)
    assert status == 200
    expect(tid(page, "error-requests")).to_have_text("")
    expect(requests_input).not_to_have_attribute("aria-invalid", "true")
    expect(tid(page, "results")).to_have_attribute("data-state", "ready")

    # An unknown model (from the query string) is reported next to the model selector.
    probe2, log2, _ = open_widget(new_page, live_api, {"model": "gpt-9-imaginary"})
    _, status, problem = last_exchange(probe2.page, log2, live_api)
    assert status == 404
    assert problem["detail"].startswith("unknown model 'gpt-9-imaginary'")
    expect(tid(probe2.page, "error-model")).to_have_text(
        "U" + problem["detail"][1:] + ("" if problem["detail"].endswith(".") else ".")
    )
    assert probe.errors == probe2.errors == []


def test_pasted_prompt_is_counted_through_the_api(new_page: Any, live_api: Any) -> None:
    """Pasted prompt text is counted by POST /v1/tokens/count and fills the token field."""
    probe, log, _ = open_widget(new_page, live_api, {"model": "gpt-4.1-mini"})
    page = probe.page
    settle(page)
    text = "You are a support agent for Contoso. Answer briefly and cite the policy number. " * 20
    tid(page, "input-base-prompt").locator("xpath=..").locator("summary").click()
    tid(page, "text-base-prompt").fill(text)
    with page.expect_response(lambda r: r.url.endswith("/v1/tokens/count")) as counted:
        tid(page, "count-base-prompt").click()
    request = counted.value.request
    body = request.post_data_buffer
    assert body is not None
    assert json.loads(body)["text"] == text
    status, answer = live_api.post("/v1/tokens/count", body)
    assert status == 200
    assert counted.value.json() == answer
    sent, _, _ = last_exchange(page, log, live_api)
    expect(tid(page, "input-base-prompt")).to_have_value(str(sent["base"]["prompt_tokens"]))
    assert sent["base"]["prompt_tokens"] == answer["tokens"]
    assert probe.errors == []


def test_keyboard_only_use_with_visible_focus(new_page: Any, live_api: Any) -> None:
    """Every control is reachable with Tab; Enter recomputes; focus is visibly outlined."""
    probe, log, _ = open_widget(new_page, live_api, {"model": "gpt-4.1-mini"})
    page = probe.page
    settle(page)
    seen: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """(sel) => {
                const a = document.querySelector(sel).shadowRoot.activeElement;
                if (!a) return null;
                const s = getComputedStyle(a);
                return [a.dataset.testid || a.tagName, s.outlineStyle, parseFloat(s.outlineWidth)];
            }""",
            WIDGET,
        )
        if focused is None:
            continue
        name, style, width = focused
        seen.append(name)
        if name.startswith("input-") or name == "compute":
            assert style != "none"
            assert width >= 2
        if name == "compute":
            break
    assert {"input-provider", "input-model", "input-requests", "input-horizon"} <= set(seen)
    assert seen[-1] == "compute"
    before = len(log.requests)
    page.keyboard.press("Enter")
    settle(page)
    assert len(log.requests) == before + 1

    # Enter inside a number field submits too.
    tid(page, "input-requests").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("4000000")
    page.keyboard.press("Enter")
    sent, _, _ = last_exchange(page, log, live_api)
    assert sent["traffic"]["requests_per_month"] == 4_000_000

    # Every input has a label that names it.
    unlabelled = page.evaluate(
        """(sel) => [...document.querySelector(sel).shadowRoot
                .querySelectorAll('input, select, textarea')]
            .filter((el) => !el.labels || el.labels.length === 0).map((el) => el.id)""",
        WIDGET,
    )
    assert unlabelled == []


def test_usable_at_320_pixels(new_page: Any, live_api: Any, artifacts: Path) -> None:
    """At 320 px wide nothing overflows horizontally and the chart fits."""
    probe, _, _ = open_widget(new_page, live_api, CROSSING_QUERY, width=320)
    page = probe.page
    settle(page)
    widths = page.evaluate(
        """(sel) => {
            const el = document.querySelector(sel);
            const card = el.shadowRoot.querySelector('.card');
            const svg = el.shadowRoot.querySelector('svg.chart');
            const overflowing = [...el.shadowRoot.querySelectorAll('*')]
                .filter((n) => n.getBoundingClientRect().right > window.innerWidth + 0.5)
                .map((n) => n.dataset?.testid || n.className?.baseVal || n.className || n.tagName);
            return {
                doc: document.documentElement.scrollWidth, inner: window.innerWidth,
                card: [card.scrollWidth, card.clientWidth],
                svg: svg.getBoundingClientRect().width, overflowing,
            };
        }""",
        WIDGET,
    )
    assert widths["inner"] == 320
    assert widths["doc"] <= 320, widths
    assert widths["card"][0] <= widths["card"][1], widths
    assert widths["svg"] <= 320
    assert widths["overflowing"] == [], widths
    page.screenshot(path=str(artifacts / "widget-320px.png"), full_page=True)
    assert probe.errors == []


def test_text_contrast_is_at_least_4_5_to_1(new_page: Any, live_api: Any) -> None:
    """Text on the card (labels, figures, notes, errors, warnings) meets WCAG AA contrast."""
    probe, _, _ = open_widget(new_page, live_api, {"model": "gpt-4.1-mini"})
    page = probe.page
    settle(page)
    tid(page, "input-requests").fill("-1")
    tid(page, "compute").click()
    settle(page)
    expect(tid(page, "error-requests")).not_to_have_text("")
    ratios = page.evaluate(
        """(sel) => {
            const root = document.querySelector(sel).shadowRoot;
            const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
            const lum = ([r, g, b]) => {
                const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92
                                    : ((v + 0.055) / 1.055) ** 2.4; };
                return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
            };
            const bg = (el) => {
                for (let n = el; n; n = n.parentElement || n.getRootNode().host) {
                    const c = rgb(getComputedStyle(n).backgroundColor);
                    if (c.length < 4 || c[3] > 0) return c;
                }
                return [255, 255, 255];
            };
            const out = [];
            for (const el of root.querySelectorAll(
                    'label, dt, dd, .sub, .status, .field-error, th, td, li, summary, button, '
                    + 'h2, h3, .catalog, svg.chart text')) {
                if (!el.textContent.trim()) continue;
                const fg = el instanceof SVGElement ? rgb(getComputedStyle(el).fill)
                                                    : rgb(getComputedStyle(el).color);
                const [a, b] = [lum(fg), lum(bg(el))].sort((x, y) => y - x);
                out.push([el.dataset.testid || el.tagName + '.' + el.className,
                          (a + 0.05) / (b + 0.05)]);
            }
            return out;
        }""",
        WIDGET,
    )
    assert len(ratios) > 30
    low = [(name, round(r, 2)) for name, r in ratios if r < 4.5]
    assert low == []


def test_formatting_rules_match_the_documented_ones(new_page: Any, live_api: Any, fmt: Any) -> None:
    """The module's formatters agree with the documented rules, ties and tiny values included."""
    probe = new_page()
    probe.page.goto(f"{live_api.url}/widget")
    values = [0, 0.00084, 0.000845, 0.0009996, 0.0132, 0.125, 0.5, 0.9949, 0.995, 1.005]
    values += [2.675, 12.345, 1241.0, 1234567.895, -3.14159, 1e-7, 0.0129, 59.94]
    got = probe.page.evaluate(
        """async (vals) => {
            const m = await import('/widget/ftcost-widget.js');
            return vals.map((v) => [m.formatUsd(v), m.formatCount(v), m.formatMonths(v),
                                    m.formatSeconds(v)]);
        }""",
        values,
    )
    expected = [[fmt.usd(v), fmt.count(v), fmt.months(v), fmt.seconds(v)] for v in values]
    assert got == expected

    months = [0, 0.001, 0.0070, 1 / 730, 0.0636, 0.065, 0.5, 1.9, 1.97, 2.5, 12, 30.25]
    durations = probe.page.evaluate(
        """async (vals) => {
            const m = await import('/widget/ftcost-widget.js');
            return vals.map((v) => m.formatDuration(v));
        }""",
        months,
    )
    assert durations == [fmt.duration(v) for v in months]
    assert durations[:4] == ["under 1 hour", "under 1 hour", "5 hours", "1 hour"]
    assert durations[4:9] == ["46 hours", "47 hours", "15 days", "58 days", "2.0 months"]
    assert durations[-2:] == ["12.0 months", "30.3 months"]
