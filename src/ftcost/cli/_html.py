"""``ftcost estimate --html FILE``: one self-contained page to send to a manager.

The page has the verdict and key figures, the cumulative-cost chart as inline SVG, latency,
warnings, assumptions and every catalog price of the models in the scenario (for its region)
with its source and as-of date. No script, no external file, no web font: it opens offline and
prints. Every text goes through ``html.escape``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ftcost.catalog import Catalog, model_record, resolve_model
from ftcost.cli._render import (
    compact_money,
    count,
    duration,
    latency_change,
    money,
    usd_per_request,
    verdict,
)
from ftcost.engine import Projection, SeriesPoint

__all__ = ["render_html"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
  max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.4rem; margin-bottom: .25rem; } h2 { font-size: 1.1rem; margin-top: 1.75rem; }
.verdict { font-size: 1.1rem; border-left: 4px solid #0a58b5; padding: .25rem .75rem; }
.muted { color: #4a5260; font-size: .9rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .92rem; }
th, td { text-align: left; padding: .25rem .75rem .25rem 0; border-bottom: 1px solid #c5ccd6;
  vertical-align: top; }
td.num { text-align: right; } td { white-space: nowrap; }
td.wrap { white-space: normal; overflow-wrap: anywhere; } table.prices { width: 100%; }
svg text { font-size: 12px; fill: #1b1f24; }
.base { stroke: #b4460a; } .ft { stroke: #0a58b5; stroke-dasharray: 7 4; }
.warn li { background: #fff4d6; margin: .25rem 0; padding: .3rem .5rem; list-style: none; }
ul.warn { padding: 0; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_UNITS = {"usd_per_mtok": "$ / 1M tokens", "usd_per_hour": "$ / hour"}


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: set[int],
    *,
    wrap: int | None = None,
    cls: str = "",
) -> str:
    def td(i: int, c: str) -> str:
        kind = "num" if i in numeric else "wrap" if i == wrap else ""
        return f"<td class='{kind}'>{_e(c)}</td>" if kind else f"<td>{_e(c)}</td>"

    head = "".join(f"<th scope='col'>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(td(i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    table = f"<table class='{cls}'>" if cls else "<table>"
    return f"{table}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(
    series: Sequence[SeriesPoint],
    crossover: int | None,
    *,
    horizon_months: float,
    retires: str | None,
) -> str:
    """Cumulative cost of both setups by month, as an inline SVG line chart; the break-even
    and the retirement of the fine-tuned deployment (``retires``: its date) are labelled in
    bands above the plot."""
    w, h, left, right, bottom = 720, 300, 70, 16, 40
    top = 16 + 22 * ((crossover is not None) + (retires is not None))
    months = [s.month for s in series]
    x0, x1 = min(0, *months), max(*months, horizon_months)
    top_usd = max(max(s.base_cumulative_usd, s.fine_tuned_cumulative_usd) for s in series) or 1.0

    def x(m: float) -> float:
        return left + (m - x0) / ((x1 - x0) or 1) * (w - left - right)

    def y(v: float) -> float:
        return top + (1 - v / top_usd) * (h - top - bottom)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}' width='100%' "
        "role='img' aria-labelledby='chart-title' id='chart'>",
        "<title id='chart-title'>Cumulative cost by month, base vs fine-tuned</title>",
        f"<line x1='{left}' x2='{left}' y1='{top}' y2='{h - bottom}' stroke='#4a5260'/>",
        f"<line x1='{left}' x2='{w - right}' y1='{h - bottom}' y2='{h - bottom}' "
        "stroke='#4a5260'/>",
    ]
    for i in range(5):
        v = top_usd * i / 4
        label = _e(compact_money(v))
        parts.append(f"<text x='{left - 6}' y='{y(v) + 4:.1f}' text-anchor='end'>{label}</text>")
    step = max(1, round((x1 - x0) / 12))
    for m in range(int(x0), int(x1) + 1, step):
        parts.append(f"<text x='{x(m):.1f}' y='{h - bottom + 18}' text-anchor='middle'>{m}</text>")
    parts.append(
        f"<text x='{(left + w - right) / 2}' y='{h - 4}' text-anchor='middle'>Month</text>"
    )
    for cls, key in (("base", "base_cumulative_usd"), ("ft", "fine_tuned_cumulative_usd")):
        pts = " ".join(f"{x(s.month):.1f},{y(getattr(s, key)):.1f}" for s in series)
        parts.append(
            f"<polyline class='{cls}' fill='none' stroke-width='2.5' points='{pts}' "
            f"data-series='{cls}'/>"
        )
    if crossover is not None:
        cx = x(crossover)
        parts.append(
            f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{top - 8}' y2='{h - bottom}' "
            "stroke='#1b1f24' stroke-dasharray='3 3'/>"
        )
        parts.append(
            f"<text x='{min(max(cx, left + 80), w - right - 80):.1f}' y='{top - 14}' "
            f"text-anchor='middle' font-weight='700'>Break-even: month {crossover}</text>"
        )
    if retires is not None:
        ex = x(months[-1])
        ly = top - 14 - (22 if crossover is not None else 0)
        parts.append(
            f"<line x1='{ex:.1f}' x2='{ex:.1f}' y1='{ly + 4}' y2='{h - bottom}' "
            "stroke='#4a5260' stroke-dasharray='4 3'/>"
        )
        parts.append(
            f"<text x='{min(max(ex, left + 70), w - right - 70):.1f}' y='{ly}' "
            f"text-anchor='middle'>Retires {_e(retires)}</text>"
        )
    parts.append("</svg>")
    parts.append(
        "<p class='muted'>Solid: base (no fine-tuning). Dashed: fine-tuned (training, "
        "retraining, tokens and hosting).</p>"
    )
    return "".join(parts)


def _prices(p: Projection, catalog: Catalog) -> str:
    s = p.scenario
    names = [s.model] + ([s.base.model] if s.base.model and s.base.model != s.model else [])
    rows: list[list[str]] = []
    for name in names:
        resolved = resolve_model(catalog, name, s.provider)
        record = model_record(catalog, resolved.provider, resolved.entry)
        sources = {src.id: src for src in record.sources}
        for price in record.prices:
            if price["region"] not in (None, s.region):
                continue
            src = sources.get(price["source"])
            where = src.url or src.title if src else price["source"]
            rows.append(
                [
                    resolved.entry.id,
                    str(price["kind"]) + (f" ({price['variant']})" if price["variant"] else ""),
                    str(price["tier"]) + (f", {price['region']}" if price["region"] else ""),
                    "n/a" if price["value"] is None else f"{price['value']:g}",
                    _UNITS.get(str(price["unit"]), str(price["unit"])),
                    str(price["as_of"]),
                    f"{price['source']}: {where}",
                ]
            )
    return _table(
        ["model", "price", "tier / region", "value", "unit", "as of", "source"],
        rows,
        {3},
        wrap=6,
        cls="prices",
    )


def render_html(p: Projection, catalog: Catalog) -> str:
    """The estimate as one self-contained HTML page."""
    s, m, be, pr, hz = p.scenario, p.monthly, p.break_even, p.per_request, p.horizon
    summary = [
        ["Training (one event)", money(p.training.cost_usd)],
        ["Training events in the horizon", str(p.training.events_in_horizon)],
        ["Hosting per month", money(p.hosting.monthly_usd)],
        ["Per request, base", usd_per_request(pr.base_usd)],
        ["Per request, fine-tuned", usd_per_request(pr.fine_tuned_usd)],
        ["Requests per month", count(m.requests)],
        ["Net savings per month", money(m.net_savings_usd)],
        ["Break-even volume", count(be.requests_per_month) + " requests/month"
         if be.requests_per_month is not None else "none"],
        ["Payback", duration(be.payback_months)],
        [f"Net savings over {hz.months} months", money(hz.net_savings_usd)],
    ]  # fmt: skip
    lat_rows = []
    for label, which in (("First token (TTFT)", "ttft_s"), ("Whole response (E2E)", "e2e_s")):
        cells = [label]
        for est in (p.latency.base, p.latency.fine_tuned):
            q = getattr(est, which) if est is not None else None
            cells.append(f"{q.p50:.2f} s ({q.p10:.2f}–{q.p90:.2f})" if q is not None else "n/a")
        lat_rows.append(cells)
    change = latency_change(p)
    warnings = "".join(f"<li>{_e(w.message)} <code>{_e(w.code)}</code></li>" for w in p.warnings)
    assumptions = "".join(f"<li>{_e(a)}</li>" for a in p.assumptions)
    info = p.catalog
    title = f"Fine-tuning {s.model} ({s.provider}{', ' + s.region if s.region else ''})"
    body = [
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>ftcost estimate · start {_e(s.start_date or 'not set')} · "
        f"{hz.months}-month horizon · catalog {_e(info.version)} ({_e(info.currency)}, prices "
        f"as of {_e(info.as_of_min)} to {_e(info.as_of_max)})</p>",
        f"<p class='verdict' id='verdict'>{_e(verdict(p))}</p>",
        "<h2>Summary</h2>",
        _table(["", ""], summary, {1}),
        "<h2>Cumulative cost</h2>",
        _chart(
            p.series,
            be.crossover_month,
            horizon_months=hz.months,
            retires=str(hz.end_date) if hz.end_reason == "fine_tuned_retirement" else None,
        )
        if p.series
        else "<p>No series.</p>",
        "<h2>Latency (p50, p10–p90)</h2>",
        _table(["", "base", "fine-tuned"], lat_rows, set()),
        f"<p>{_e(change)}</p>" if change else "",
        "<h2>Warnings</h2>",
        f"<ul class='warn'>{warnings}</ul>" if warnings else "<p>None.</p>",
        "<h2>Assumptions</h2>",
        f"<ul>{assumptions}</ul>",
        "<h2>Prices used, with sources</h2>",
        _prices(p, catalog),
    ]
    return (
        "<!doctype html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(title)} · ftcost</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
