"""``ftcost models MODEL``: one catalog model in full, every figure with its source and date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from ftcost.catalog import (
    LIFECYCLE_EVENTS,
    Catalog,
    Price,
    ProviderFile,
    ResolvedModel,
    model_record,
    price_order,
)
from ftcost.cli._text import WIDTH, catalog_footer, figure, fitted, grid, money_symbol, wrapped

__all__ = ["render_model"]

_VARIANT_TITLES = {
    None: "Training and hosting",
    "fine_tuned": "Fine-tuned model tokens",
    "base": "Base model tokens",
    "grader": "RFT grader tokens",
}
_UNITS = {"usd_per_mtok": "/1M tok", "usd_per_hour": "/h"}
_KIND_LABELS = {
    "training": "training",
    "rft_training": "RFT training",
    "hosting": "hosting",
    "input": "input",
    "cached_input": "cached input",
    "output": "output",
}
_LIMIT_LABELS = {
    "training_example_tokens": "training-example tokens",
    "context_tokens": "context tokens",
    "min_examples": "minimum examples",
    "file_bytes": "training file bytes",
    "job_tokens": "tokens x epochs per job",
    "job_hours": "hours per job",
    "rft_job_cap_usd": "RFT cost cap per job",
}
_REGION_LABELS = {
    "standard_training": "standard training",
    "global_training": "global training",
    "standard_deployment": "standard deployment",
    "global_deployment": "global deployment",
    "developer_deployment": "developer deployment",
}


class _Notes:
    """Footnotes: a rule or note gets a number, the same text the same number."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def ref(self, obj: Any) -> str:
        parts = []
        if getattr(obj, "rule", ""):
            parts.append(f"rule: {obj.rule}")
        if getattr(obj, "note", ""):
            parts.append(f"note: {obj.note}")
        if not parts:
            return ""
        text = "; ".join(parts)
        if text not in self.texts:
            self.texts.append(text)
        return f"[{self.texts.index(text) + 1}]"

    def lines(self) -> list[str]:
        out: list[str] = []
        for i, text in enumerate(self.texts, 1):
            mark = f"  [{i}] "
            out += wrapped(text, indent=mark, hanging=" " * len(mark))
        return out


def _noted(rows: list[list[str]]) -> list[list[str]]:
    """Rows without their last (footnote) cell when no row has a footnote."""
    return rows if any(r[-1] for r in rows) else [r[:-1] for r in rows]


def _noted_header(header: list[str], rows: list[list[str]]) -> list[str]:
    return [*header, "see"] if any(r[-1] for r in rows) else header


def _value(p: Price, sym: str) -> str:
    if p.status == "not_found" or p.value is None:
        return "n/a"
    text = figure(p.value)
    return f"{sym}{text}{_UNITS[_unit(p)]}"


def _unit(p: Price) -> str:
    return "usd_per_hour" if p.kind in ("hosting", "rft_training") else "usd_per_mtok"


def _prices(
    entry_prices: Sequence[Price], sym: str, notes: _Notes, *, wide: bool = False
) -> list[str]:
    out: list[str] = []
    prices = sorted(entry_prices, key=price_order)
    for variant, title in _VARIANT_TITLES.items():
        group = [p for p in prices if p.variant == variant]
        if not group:
            continue
        rows = [
            [
                _KIND_LABELS[p.kind] + (f" ({p.method})" if p.method else ""),
                p.tier,
                p.region or "-",
                _value(p, sym),
                p.status,
                p.source,
                p.as_of.isoformat(),
                p.effective_from.isoformat() if p.effective_from else "",
                notes.ref(p),
            ]
            for p in group
        ]
        header = ["kind", "tier", "region", "price", "status", "source", "as of", "effective"]
        if not any(r[7] for r in rows):  # no effective dates in this group (e.g. OpenAI)
            header = header[:7]
            rows = [r[:7] + r[8:] for r in rows]
        out.append(title)
        lines, dropped = fitted(
            _noted(rows),
            [_noted_header(header, rows)],
            optional=[i for i in (7, 4, 6) if i < len(header)],  # effective, status, as of
            width=None if wide else WIDTH,
            right={3},
            indent="  ",
        )
        out += lines
        if dropped:
            out.append(f"  (left out to fit 80 columns: {', '.join(dropped)}; --wide shows them)")
        out.append("")
    return out


def _limits(entry_limits: Any, sym: str, notes: _Notes) -> list[str]:
    rows = []
    for f in msgspec.structs.fields(entry_limits):
        fig = getattr(entry_limits, f.name)
        if fig is None:
            continue
        if fig.status == "not_found" or fig.value is None:
            value = "n/a"
        elif f.name == "rft_job_cap_usd":
            value = f"{sym}{fig.value:,.2f}"
        else:
            value = f"{fig.value:,}"
        rows.append(
            [_LIMIT_LABELS[f.name], value, fig.status, fig.source, fig.as_of.isoformat(),
             notes.ref(fig)]
        )  # fmt: skip
    if not rows:
        return ["Limits: none in the sources", ""]
    header = _noted_header(["limit", "value", "status", "source", "as of"], rows)
    return ["Limits", *grid(_noted(rows), [header], right={1}, indent="  "), ""]


def _regions(regions: Any, notes: _Notes) -> list[str]:
    if regions is None:
        return []
    out = [f"Regions ({regions.status}, {regions.source}, as of {regions.as_of.isoformat()})"]
    for name, label in _REGION_LABELS.items():
        value = getattr(regions, name)
        text = ", ".join(value) if value else "any region (no list in the sources)"
        out += wrapped(f"{label}: {text}", indent="  ", hanging="      ")
    ref = notes.ref(regions)
    if ref:
        out.append(f"  see {ref}")
    return [*out, ""]


def _lifecycle(life: Any, notes: _Notes) -> list[str]:
    if life is None:
        return ["Lifecycle: not in the catalog", ""]
    if life.none_published is not None:
        fact = life.none_published
        ref = notes.ref(fact)
        return [
            f"Lifecycle: no dates published ({fact.source}, as of {fact.as_of.isoformat()})"
            + (f" {ref}" if ref else ""),
            "",
        ]
    rows = []
    for name in LIFECYCLE_EVENTS:
        fact = getattr(life, name)
        if fact is None:
            continue
        bound = ">= " if fact.no_earlier_than else ""
        ref = notes.ref(fact)
        rows.append(
            [
                name.replace("_", " "),
                f"{bound}{fact.date.isoformat()}",
                fact.status,
                fact.source,
                fact.as_of.isoformat(),
                ref,
            ]
        )
    return [
        "Lifecycle (>= no earlier than)",
        *grid(rows, [["event", "date", "status", "source", "as of", "note"]]),
        "",
    ]


def _latency(lat: Any, notes: _Notes) -> list[str]:
    if lat is None:
        return ["Latency: no figures in the sources", ""]
    rows = []
    for f in msgspec.structs.fields(lat):
        pct = getattr(lat, f.name)
        rows.append(
            [f.name, f"{pct.p10:g}", f"{pct.p50:g}", f"{pct.p90:g}", pct.status, pct.source,
             pct.as_of.isoformat(), notes.ref(pct)]
        )  # fmt: skip
    return [
        "Latency",
        "  ttft = t0 + prefill x uncached prompt/1000; e2e = ttft + (output - 1)/decode",
        *grid(
            _noted(rows),
            [_noted_header(["parameter", "p10", "p50", "p90", "status", "source", "as of"], rows)],
            right={1, 2, 3},
            indent="  ",
        ),
        "",
    ]


def _sources(pf: ProviderFile, cited: set[str]) -> list[str]:
    out = ["Sources"]
    width = max((len(s.id) for s in pf.sources if s.id in cited), default=0)
    for s in pf.sources:
        if s.id not in cited:
            continue
        pad = " " * (width + 4)
        out += wrapped(f"{s.id.ljust(width)}  {s.title}", indent="  ", hanging=pad)
        tail = "; ".join(x for x in (s.url, s.date, s.note) if x)
        if tail:
            out += wrapped(tail, indent=pad, hanging=pad)
    return [*out, ""]


def render_model(
    catalog: Catalog, resolved: ResolvedModel, *, also: Sequence[str] = (), wide: bool = False
) -> str:
    """Everything the catalog says about one model, with its sources and the catalog footer."""

    entry, provider = resolved.entry, resolved.provider
    pf = catalog.provider(provider)
    sym = money_symbol(pf.currency)
    record = model_record(catalog, provider, entry)
    out = [f"{entry.id} ({provider})"]
    if resolved.fine_tune_id:
        out += wrapped(
            f"{resolved.fine_tune_id}: a fine-tune of this model (its fine-tuned prices apply)",
        )
    facts = [
        ("aliases", ", ".join(entry.aliases)),
        ("encoding", entry.encoding or ""),
        (
            "tokenizer",
            f"{entry.tokenizer} (give its tokenizer.json with --tokenizer; else ~4 chars/token)"
            if entry.tokenizer
            else "",
        ),
        ("methods", ", ".join(entry.methods) or "none (not fine-tunable here)"),
        ("training tiers", ", ".join(entry.tiers)),
        ("deployment types", ", ".join(entry.deployments)),
    ]
    out += [f"  {k}: {v}" for k, v in facts if v]
    out.append("")
    notes = _Notes()
    out.append(f"Prices ({pf.currency}; {sym.strip()}/1M tok per 1M tokens, /h per hour)")
    out.append("")
    out += _prices(entry.prices, sym, notes, wide=wide)
    out += _limits(entry.limits, sym, notes)
    out += _regions(entry.regions, notes)
    out += _lifecycle(entry.lifecycle, notes)
    out += _latency(entry.latency, notes)
    if notes.texts:
        out += ["Rules and notes", *notes.lines(), ""]
    if entry.notes:
        out.append("Model notes")
        for note in entry.notes:
            out += wrapped(note, indent="  - ", hanging="    ")
        out.append("")
    out += _sources(pf, {s.id for s in record.sources})
    out += catalog_footer([record.catalog])
    for other in also:
        out.append(
            f"Also in the {other} catalog: ftcost models {resolved.requested} --provider {other}"
        )
    return "\n".join(out) + "\n"
