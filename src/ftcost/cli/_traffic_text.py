"""The readable summary of a ``TrafficReport`` (``ftcost traffic analyze`` without ``--json``)."""

from __future__ import annotations

from typing import Any

from ftcost.cli._render import bullets, count, table

__all__ = ["render_traffic"]


def _stats_row(name: str, s: Any, scale: str = "") -> list[str]:
    def f(x: float | None) -> str:
        if x is None:
            return "-"
        return f"{x:,.3f}" if scale == "s" else count(x)

    return [name, f(s.p10), f(s.p50), f(s.p90), f(s.mean)]


def render_traffic(r: Any, name: str) -> str:
    """The readable summary of a TrafficReport."""
    kinds = ", ".join(f"{k} {v:,}" for k, v in r.records.items()) or "no records"
    out = [
        f"{name}: {r.lines:,} lines ({kinds})",
        f"model {r.model} ({r.provider}, {r.encoding}); catalog {r.catalog.version}",
        "",
    ]
    vol = [["requests", f"{r.requests:,}"], ["responses", f"{r.responses:,}"]]
    if r.span_days is not None:
        first, last = (r.first_timestamp or "")[:16], (r.last_timestamp or "")[:16]
        vol.append(["span", f"{r.span_days:,.2f} days ({first} to {last})"])
        vol.append(["requests per month", count(r.requests_per_month)])
        vol.append(["peak requests per minute", f"{r.peak_requests_per_minute:,}"])
    out += table(vol)
    out.append("")
    rows = [
        _stats_row("prompt tokens", r.prompt_tokens),
        _stats_row("  shared prefix", r.shared_prefix_tokens),
        _stats_row("  variable", r.variable_prompt_tokens),
        _stats_row(f"cached tokens ({r.cached_source})", r.cached_tokens),
        _stats_row("output tokens", r.output_tokens),
    ]
    if r.latency is not None:
        rows.append(_stats_row("time to first token (s)", r.latency.ttft_s, "s"))
        rows.append(_stats_row("end to end (s)", r.latency.e2e_s, "s"))
    out += table(rows, ["per request", "p10", "p50", "p90", "mean"], right={1, 2, 3, 4})
    if r.groups:
        out.append("")
        g_rows = [
            [
                g.id,
                f"{g.share:.1%}",
                f"{g.requests:,}",
                f"{g.prefix_tokens:,}",
                f"{g.system_prefix_tokens:,}",
                str(g.few_shot_turns),
                g.preview[:24],
            ]
            for g in r.groups[:10]
        ]
        out += table(
            g_rows,
            ["group", "share", "requests", "prefix", "system", "shots", "starts with"],
            right={1, 2, 3, 4, 5},
        )
        if len(r.groups) > 10:
            out.append(f"  … and {len(r.groups) - 10} more groups (--json lists them all)")
    out += _checks(r)
    out += _calibration(r)
    out += _scenario_lines(r)
    if r.issues:
        out += _issue_lines(r)
    out.append("")
    out += bullets("Assumptions", r.assumptions)
    return "\n".join(out) + "\n"


def _checks(r: Any) -> list[str]:
    out: list[str] = []
    u = r.usage_check
    if u.compared:
        out.append("")
        out.append(
            f"usage check: {u.mismatches:,} of {u.compared:,} counted prompts differ from "
            f"usage.prompt_tokens ({u.mismatch_rate:.1%})"
        )
    d = r.distill
    if d is not None:
        costs = ", ".join(f"{c.tier} ${c.usd:,.2f}" for c in d.cost if c.usd is not None)
        out.append("")
        out.append(
            f"as training data: {d.examples:,} examples, {d.tokens_per_epoch:,} tokens per "
            f"epoch, {d.epochs} epochs (auto)"
        )
        out.append(f"  training cost: {costs}")
    return out


def _calibration(r: Any) -> list[str]:
    out: list[str] = []
    cal = r.latency.calibration if r.latency is not None else None
    if cal is not None:
        out.append("")
        params = (
            ("t0_s", cal.t0_s, "{:.3f}"),
            ("prefill_s_per_1k", cal.prefill_s_per_1k, "{:.3f}"),
            ("decode_tokens_per_s", cal.decode_tokens_per_s, "{:.1f}"),
        )
        out += table(
            [
                [name, fmt.format(t.p10), fmt.format(t.p50), fmt.format(t.p90)]
                for name, t, fmt in params
            ],
            [f"latency of {r.latency.model}", "p10", "p50", "p90"],
            right={1, 2, 3},
        )
        out.append(
            f"  fit: {cal.samples:,} requests; pseudo-R² TTFT {cal.ttft_pseudo_r2:.2f}, decode "
            f"{cal.decode_pseudo_r2:.2f}"
        )
        out.append(
            f"  median error: TTFT {cal.ttft_median_abs_error_s:.3f} s, end to end "
            f"{cal.e2e_median_abs_error_s:.3f} s"
        )
    return out


def _scenario_lines(r: Any) -> list[str]:
    out: list[str] = []
    s = r.scenario
    out.append("")
    out += table(
        [
            [
                "base",
                s.base.model or s.model,
                count(s.base.prompt_tokens),
                count(s.base.cached_prompt_tokens),
                count(s.base.output_tokens),
            ],
            [
                "fine-tuned",
                s.model,
                count(s.fine_tuned.prompt_tokens),
                count(s.fine_tuned.cached_prompt_tokens),
                count(s.base.output_tokens),
            ],
        ],
        ["scenario", "model", "prompt", "cached", "output"],
        right={2, 3, 4},
    )
    out.append(
        f"  traffic {count(s.traffic.requests_per_month)} requests/month; training "
        f"{count(s.training.tokens_per_epoch)} tokens/epoch, {count(s.training.examples)} examples"
    )
    return out


def _issue_lines(r: Any) -> list[str]:
    out: list[str] = [""]
    by_code: dict[str, list[str]] = {}
    for i in r.issues:
        by_code.setdefault(i.code, []).append(str(i.line))
    out += bullets(
        "Issues (lines skipped or read in part)",
        [
            f"{code}: {r.issue_counts.get(code, len(lines)):,} (lines "
            f"{', '.join(lines[:5])}{', …' if len(lines) > 5 else ''})"
            for code, lines in by_code.items()
        ],
    )
    return out
