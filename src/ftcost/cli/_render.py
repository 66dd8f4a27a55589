"""Human-readable output: aligned tables of a Projection, number formats, wrapped notes.

Everything fits in 80 columns. ``unicode`` picks the chart's characters (ASCII when stdout
cannot encode UTF-8); the tables use ASCII only.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Collection, Sequence

from ftcost.catalog import CatalogInfo
from ftcost.cli._chart import cumulative_chart
from ftcost.cli._terminal import ASCII
from ftcost.engine import LatencyEstimate, Projection, WarningItem

__all__ = [
    "WIDTH",
    "bullets",
    "catalog_line",
    "compact_money",
    "count",
    "duration",
    "emit",
    "latency_change",
    "money",
    "months",
    "render_projection",
    "stdout_unicode",
    "table",
    "usd_per_request",
    "verdict",
]

WIDTH = 80


def stdout_unicode() -> bool:
    """Whether stdout can take the chart's UTF-8 characters."""
    enc = (getattr(sys.stdout, "encoding", None) or "ascii").lower().replace("-", "")
    return enc in ("utf8", "utf16", "utf32")


def emit(text: str) -> None:
    """Write ``text`` to stdout; on a terminal that cannot take UTF-8, as ASCII."""
    if not stdout_unicode():
        text = text.translate(ASCII).encode("ascii", "replace").decode("ascii")
    sys.stdout.write(text)


def money(x: float | None) -> str:
    """``$1,241.00`` (null: ``–``)."""
    if x is None:
        return "-"
    return f"-${-x:,.2f}" if x < 0 else f"${x:,.2f}"


def compact_money(x: float | None) -> str:
    """Money for narrow columns: ``$13,858``, ``$2.50``, ``$134.5k``, ``-$1.23M``."""
    if x is None:
        return "-"
    a = abs(x)
    sign = "-" if x < 0 else ""
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.2f}B"
    if a >= 1e6:
        return f"{sign}${a / 1e6:,.2f}M"
    if a >= 1e5:
        return f"{sign}${a / 1e3:,.1f}k"
    if a >= 10:
        return f"{sign}${a:,.0f}"
    return f"{sign}${a:.2f}"


def duration(x: float | None) -> str:
    """A duration given in months, as a person reads it: ``5 hours``, ``12 days``,
    ``2.5 months`` (whole hours under 2 days, whole days under 2 months; a month is 730 h)."""
    if x is None:
        return "never"
    hours = x * 730
    if hours < 1:
        return "under 1 hour"
    if hours < 47.5:
        n = int(hours + 0.5)
        return f"{n} hour" if n == 1 else f"{n} hours"
    if hours / 24 < 59.5:
        return f"{int(hours / 24 + 0.5)} days"
    return f"{x:,.1f} months" if x < 10_000 else f"{x:,.0f} months"


def verdict(p: Projection) -> str:
    """One sentence: whether fine-tuning pays, with the numbers that decide it."""
    pr, m, be, t = p.per_request, p.monthly, p.break_even, p.training
    saved = pr.savings_usd * m.requests
    if be.pays:
        return (
            f"Fine-tuning pays: saving {usd_per_request(pr.savings_usd)} on each of "
            f"{count(m.requests)} requests a month ({money(saved)}) covers "
            f"{money(m.hosting_usd)} of hosting with {money(m.net_savings_usd)} to spare, so "
            f"the {money(t.cost_usd)} of training pays back in {duration(be.payback_months)}."
        )
    if be.reason_code == "savings_below_hosting":
        need = (
            f"; it would pay from {count(be.requests_per_month)} requests a month"
            if be.requests_per_month is not None
            else ""
        )
        return (
            f"Fine-tuning does not pay: saving {usd_per_request(pr.savings_usd)} on each of "
            f"{count(m.requests)} requests a month ({money(saved)}) does not cover "
            f"{money(m.hosting_usd)} of hosting{need}."
        )
    reason = be.reason or be.reason_code
    return f"Fine-tuning does not pay: {reason}."


def latency_change(p: Projection) -> str | None:
    """``p50 latency change: first token -0.16 s (-28%), …``: fine-tuned minus base."""
    b, f = p.latency.base, p.latency.fine_tuned
    if b is None or f is None:
        return None
    parts = []
    for label, which in (("first token", "ttft_s"), ("whole response", "e2e_s")):
        before, after = getattr(b, which).p50, getattr(f, which).p50
        diff = after - before
        pct = f" ({diff / before:+.0%})" if before else ""
        parts.append(f"{label} {diff:+.2f} s{pct}")
    return "p50 latency change: " + ", ".join(parts)


def usd_per_request(x: float) -> str:
    """Per-request money with enough digits: ``$0.001320``."""
    return f"-${-x:.6f}" if x < 0 else f"${x:.6f}"


def count(x: float | None) -> str:
    """``1,554,375`` (fractions kept when small)."""
    if x is None:
        return "-"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2f}"


def months(x: float | None) -> str:
    """``5.50 months``; null is ``never``."""
    if x is None:
        return "never"
    return f"{x:,.2f} months" if x < 10_000 else f"{x:,.0f} months"


def table(
    rows: Sequence[Sequence[str]],
    header: Sequence[str] | None = None,
    *,
    right: Collection[int] = (),
) -> list[str]:
    """Columns padded to their widest cell; ``right`` holds indexes of right-aligned columns."""
    all_rows = [list(header)] + [list(r) for r in rows] if header else [list(r) for r in rows]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]

    def fmt(r: list[str]) -> str:
        cells = [c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(r)]
        return "  ".join(cells).rstrip()

    out = [fmt(r) for r in all_rows]
    if header:
        out.insert(1, "  ".join("-" * w for w in widths))
    return out


def bullets(title: str, items: Sequence[str]) -> list[str]:
    """A titled list, each item wrapped to the width with a hanging indent."""
    if not items:
        return []
    out = [title]
    for item in items:
        out += textwrap.wrap(
            item, WIDTH, initial_indent="  - ", subsequent_indent="    ", break_on_hyphens=False
        )
    return out


def catalog_line(info: CatalogInfo) -> str:
    """``Catalog azure-2026-11-22 (USD; prices as of 2025-08-25 to 2026-09-27)``, then the
    oldest price used and its age on the start date when the output used prices."""
    used = ""
    if info.prices_used_as_of:
        age = (
            f", {info.prices_age_days} days before the start date"
            if info.prices_age_days is not None
            else ""
        )
        used = f"; oldest price used as of {info.prices_used_as_of}{age}"
    return (
        f"Catalog {info.version} ({info.currency}; prices as of {info.as_of_min} to "
        f"{info.as_of_max}{used})"
    )


def warning_lines(warnings: Sequence[WarningItem]) -> list[str]:
    """The Warnings section."""
    return bullets("Warnings", [f"{w.message} [{w.code}]" for w in warnings])


def _latency(est: LatencyEstimate | None, which: str) -> str:
    if est is None:
        return "n/a"
    q = getattr(est, which)
    return f"{q.p10:.2f} / {q.p50:.2f} / {q.p90:.2f}"


def render_projection(p: Projection, *, unicode: bool = True, chart: bool = True) -> str:
    """The estimate report: tables, the chart, warnings, assumptions, catalog."""
    s = p.scenario
    out: list[str] = []
    out.append(
        f"ftcost estimate: fine-tune {s.model} ({s.provider}"
        + (f", {s.region}" if s.region else "")
        + ")"
    )
    out += textwrap.wrap(verdict(p), WIDTH, break_on_hyphens=False)
    hz = p.horizon
    out.append(f"start {s.start_date or 'not set'}, {hz.months}-month horizon")
    if hz.end_reason == "fine_tuned_retirement":
        out.append(
            f"ends at month {hz.end_month:.1f}: the fine-tuned deployment retires {hz.end_date}"
        )
    out += textwrap.wrap(
        catalog_line(p.catalog), WIDTH, subsequent_indent="  ", break_on_hyphens=False
    )
    out.append("")
    if p.headline:
        out += textwrap.wrap(f"NOTE: {p.headline}", WIDTH)
        out.append("")

    t = p.training
    rows = []
    for st in t.stages:
        how = (
            f"{count(st.tokens_per_epoch)} tok x {st.epochs:g} ep"
            + (" (auto)" if st.epochs_auto else "")
            + f" x {st.runs:g} run{'s' if st.runs != 1 else ''}"
            if st.method != "rft"
            else f"{st.rft_hours:g} h x {st.runs:g} run{'s' if st.runs != 1 else ''}"
        )
        rate = (
            f"${st.training_usd_per_mtok:,.2f}/1M tok"
            if st.training_usd_per_mtok is not None
            else f"${st.rft_usd_per_hour or 0:,.2f}/h"
        )
        rows.append([f"{st.method.upper()} {st.tier}", how, rate, money(st.cost_usd)])
    rows.append(["total", f"{count(t.tokens)} billed tokens", "", money(t.cost_usd)])
    out.append("Training (one event)")
    out += ["  " + line for line in table(rows, right={3})]
    again = (
        f"retrained every {t.retrain_every_months} months"
        if t.retrain_every_months
        else "never retrained"
    )
    out.append(
        f"  {t.events_in_horizon} event(s) in the horizon ({again}); amortised "
        f"{money(t.amortised_monthly_usd)}/month"
    )
    out.append("")

    h = p.hosting
    out.append("Hosting (fine-tuned deployments)")
    out.append(
        f"  {h.count:g} x {h.deployment_type} x {h.hours_per_month:g} h x "
        f"${h.usd_per_hour:,.2f}/h = {money(h.monthly_usd)}/month"
    )
    plans = p.provisioned
    for role, plan in (("fine-tuned", plans and plans.fine_tuned), ("base", plans and plans.base)):
        if plan:
            use = f", {plan.utilisation:.0%} used at the peak" if plan.utilisation else ""
            out += textwrap.wrap(
                f"{role} on {plan.deployment}: {plan.ptus} PTU x ${plan.usd_per_ptu_hour:,.2f}"
                f"/PTU-h = {money(plan.monthly_usd)}/month (no token charges){use}; sized by "
                f"{plan.sized_by}",
                WIDTH,
                initial_indent="  ",
                subsequent_indent="    ",
            )
    out.append("")

    pr = p.per_request
    b, f = pr.base, pr.fine_tuned
    saving = f"{pr.savings_percent:.1f}%" if pr.savings_percent is not None else "-"
    rows = [
        ["model", b.model, f.model],
        ["deployment", b.deployment, f.deployment],
        ["prompt tokens", count(b.prompt_tokens), count(f.prompt_tokens)],
        ["  of which cached", count(b.cached_prompt_tokens), count(f.cached_prompt_tokens)],
        ["output tokens", count(b.output_tokens), count(f.output_tokens)],
        [
            "price in/cached/out",
            f"{b.input_usd_per_mtok:g}/{b.cached_input_usd_per_mtok:g}/{b.output_usd_per_mtok:g}",
            f"{f.input_usd_per_mtok:g}/{f.cached_input_usd_per_mtok:g}/{f.output_usd_per_mtok:g}",
        ],
        ["cost per request", usd_per_request(pr.base_usd), usd_per_request(pr.fine_tuned_usd)],
        ["TTFT p10/p50/p90 s", _latency(p.latency.base, "ttft_s"),
         _latency(p.latency.fine_tuned, "ttft_s")],
        ["E2E  p10/p50/p90 s", _latency(p.latency.base, "e2e_s"),
         _latency(p.latency.fine_tuned, "e2e_s")],
    ]  # fmt: skip
    out.append("Per request ($ per 1M tokens for prices)")
    out += ["  " + line for line in table(rows, ["", "base", "fine-tuned"])]
    out.append(f"  saving per request: {usd_per_request(pr.savings_usd)} ({saving})")
    if change := latency_change(p):
        out += textwrap.wrap(
            change, WIDTH, initial_indent="  ", subsequent_indent="    ", break_on_hyphens=False
        )
    for reason in (p.latency.base_reason, p.latency.fine_tuned_reason):
        if reason:
            out.append(f"  latency: {reason}")
    out.append("")

    m = p.monthly
    out.append(f"Monthly at {count(m.requests)} requests")
    rows = [
        ["base", money(m.base_usd)],
        ["fine-tuned (tokens + hosting)", money(m.fine_tuned_usd)],
        ["net savings", money(m.net_savings_usd)],
        ["  after amortised training", money(m.net_savings_after_training_usd)],
    ]
    out += ["  " + line for line in table(rows, right={1})]
    out.append("")

    be = p.break_even
    out.append("Break-even")
    if be.pays:
        cross = (
            f"; the curves cross in month {be.crossover_month}"
            if be.crossover_month is not None
            else "; the curves do not cross within the horizon"
        )
        out.append(f"  payback: {duration(be.payback_months)}{cross}")
    else:
        out += textwrap.wrap(
            f"payback: never ({be.reason_code}): {be.reason}",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    volume = (
        f"{count(be.requests_per_month)} requests/month"
        if be.requests_per_month is not None
        else "none (the fine-tuned request is not cheaper)"
    )
    out.append(f"  break-even volume: {volume}")
    hz = p.horizon
    span = f"{hz.months} months" if hz.end_reason == "horizon" else f"{hz.end_month:.1f} months"
    head = f"  over {span}: base {money(hz.base_usd)}, fine-tuned {money(hz.fine_tuned_usd)},"
    net = f"net savings {money(hz.net_savings_usd)}"
    out += [f"{head} {net}"] if len(head) + 1 + len(net) <= WIDTH else [head, f"    {net}"]
    if chart and p.series:
        out.append("")
        out += cumulative_chart(p.series, be.crossover_month, unicode=unicode, width=WIDTH)
    warn = warning_lines(p.warnings)
    if warn:
        out += ["", *warn]
    out += ["", *bullets("Assumptions", p.assumptions)]
    return "\n".join(out) + "\n"
