"""The readable summary of a ``DatasetReport`` (``ftcost analyze`` without ``--json``)."""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["render_report"]

_FIRST_LINES = 5
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _n(value: int) -> str:
    return f"{value:,}"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _usd(value: float, currency: str) -> str:
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{symbol}{value:,.2f}" if value >= 0.01 or value == 0 else f"{symbol}{value:.4f}"


def render_report(r: Any, name: str) -> str:
    """Examples, tokens, billed tokens, epochs, training tokens, cost per tier, issues by
    code with their first line numbers, and the assumptions."""
    out: list[str] = []
    detected = "detected" if r.format_detected else "given"
    out.append(f"{name}: {r.format} ({detected}), {r.method.upper()}")
    out.append(f"model {r.model} ({r.provider}, {r.encoding}); catalog {r.catalog.version}")
    out.append("")
    rows: list[tuple[str, str]] = [
        ("examples", f"{_n(r.examples)}  ({_n(r.lines)} lines, {_n(r.bytes)} bytes)"),
        ("tokens", _n(r.tokens.total)),
    ]
    pe = r.tokens.per_example
    if pe is not None:
        rows.append(
            (
                "per example",
                f"min {_n(pe.min)}, mean {pe.mean:,.1f}, p50 {_n(pe.p50)}, p90 {_n(pe.p90)}, "
                f"p99 {_n(pe.p99)}, max {_n(pe.max)}",
            )
        )
    limit = r.limits.training_example_tokens
    capped = f"{_n(r.truncated_examples)} truncated at {_n(limit)}" if limit else "no limit"
    rows.append(("billed / epoch", f"{_n(r.tokens.billed_per_epoch)}  ({capped})"))
    how = "auto: cookbook heuristic" if r.epochs.auto else "given"
    rows.append(("epochs", f"{r.epochs.value}  ({how})"))
    rows.append(("training tokens", _n(r.training_tokens)))
    if r.validation is not None:
        v = r.validation
        rows.append(
            (
                "validation",
                f"{_n(v.examples)} examples, {_n(v.tokens.total)} tokens (not billed)",
            )
        )
    for est in r.estimates:
        rows.append(
            (
                "estimated",
                f"{est.part}: {_n(est.tokens)} tokens in {_n(est.examples)} examples",
            )
        )
    width = max(len(k) for k, _ in rows)
    out.extend(f"{k:<{width}}  {v}" for k, v in rows)

    out.append("")
    out.append(f"training cost by tier ({r.method.upper()}, reference prices)")
    for c in r.cost:
        if c.available:
            mark = {"derived": " *derived", "uncertain": " ?uncertain"}.get(c.status or "", "")
            out.append(
                f"  {c.tier:<10} {_usd(c.usd, r.catalog.currency):>14}  "
                f"({c.usd_per_mtok:g} per 1M tokens{mark})"
            )
        else:
            out.append(f"  {c.tier:<10} {'n/a':>14}  {c.note}")
    if not r.cost:
        out.append("  (the model has no training tiers in the catalog)")

    out.append("")
    out.extend(_issues(r))
    out.append("")
    out.append("assumptions")
    for a in r.assumptions:
        out.extend(textwrap.wrap(a, 98, initial_indent="  - ", subsequent_indent="    "))
    return "\n".join(out) + "\n"


def _issues(r: Any) -> list[str]:
    issues = list(r.issues) + (list(r.validation.issues) if r.validation else [])
    if not issues:
        return ["issues: none"]
    by_code: dict[tuple[str, str], list[Any]] = {}
    for i in issues:
        by_code.setdefault((i.severity, i.code), []).append(i)
    counts = {**r.issue_counts}
    if r.validation is not None:
        for code, n in r.validation.issue_counts.items():
            counts[code] = counts.get(code, 0) + n
    totals = {
        key: max(counts.get(key[1], len(items)), len(items)) for key, items in by_code.items()
    }
    errors = sum(n for (s, _), n in totals.items() if s == "error")
    warnings = sum(n for (s, _), n in totals.items() if s == "warning")
    verdict = "the file would be rejected" if not r.ok else "no errors"
    out = [f"issues: {_plural(errors, 'error')}, {_plural(warnings, 'warning')} ({verdict})"]
    for (severity, code), items in sorted(
        by_code.items(), key=lambda kv: (_SEVERITY_ORDER.get(kv[0][0], 3), kv[0][1])
    ):
        total = totals[(severity, code)]
        lines = [str(i.line) for i in items if i.line is not None][:_FIRST_LINES]
        label = "line" if len(lines) == 1 else "lines"
        where = f" {label} {', '.join(lines)}" if lines else ""
        more = ", …" if total > len(lines) and lines else ""
        out.append(f"  {severity:<7} {code} ×{_n(total)}:{where}{more}")
        out.extend(
            textwrap.wrap(items[0].message, 94, initial_indent="      ", subsequent_indent="      ")
        )
    return out
