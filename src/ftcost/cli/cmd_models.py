"""``ftcost models``: the catalog's models with their headline prices, or one model in full.

Imports only the catalog (no numpy, tokenizer or web framework): it is the first command a new
user runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

import msgspec

from ftcost.catalog import (
    TIERS,
    TOKEN_KINDS,
    Catalog,
    Cell,
    Headline,
    ModelStatus,
    filter_models,
    headline,
    model_record,
    model_status,
    other_providers,
    resolve_model,
)
from ftcost.cli._common import add_json, add_pricing, catalog_from_args, date_arg
from ftcost.cli._model_detail import render_model
from ftcost.cli._text import (
    STATUS_MARK,
    WIDTH,
    catalog_footer,
    figure,
    fitted,
    money_symbol,
    wrapped,
)
from ftcost.errors import InvalidInputError

__all__ = ["register", "render_list"]

EPILOG = """\
examples:
  ftcost models                          every model, headline prices
  ftcost models --provider azure --method rft
  ftcost models --region swedencentral   models offered there, at that region's prices
  ftcost models gpt-4.1-mini             one model: every price with its source and date
  ftcost models ft:gpt-4.1-mini-2025-04-14:acme::AbC123 --json
"""


def register(sub: Any) -> None:
    """Add ``models`` to the CLI."""
    p = sub.add_parser(
        "models",
        help="the catalog's models and prices (one model in full with its sources)",
        description=(
            "Without MODEL: a table of every catalog model with its headline prices (training "
            "per tier, hosting, fine-tuned token prices, training-example limit). With MODEL "
            "(a name, alias, OpenAI ft:… id or Azure ….ft-… deployment name): every price with "
            "its tier, region, status, source and date, the limits, regions, lifecycle, latency "
            "parameters and the sources cited. --json prints a list of model objects (with "
            "MODEL: the one object)."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", nargs="?", metavar="MODEL", help="show this model in full")
    p.add_argument("--provider", choices=("azure", "openai"), help="only this provider's models")
    p.add_argument(
        "--method", choices=("sft", "dpo", "rft"), help="only models fine-tunable with this method"
    )
    p.add_argument(
        "--region",
        metavar="R",
        help="only models offered in this Azure region (e.g. swedencentral), at its prices",
    )
    p.add_argument(
        "--on",
        metavar="DATE",
        type=date_arg,
        help="lifecycle status as of this date, YYYY-MM-DD (default today)",
    )
    p.add_argument(
        "--customer",
        choices=("new", "existing"),
        default="new",
        help="new (default): not fine-tuning the model yet; existing: already fine-tuning it",
    )
    p.add_argument("--all", action="store_true", help="also list models retired on that date")
    p.add_argument(
        "--wide",
        action="store_true",
        help="every column, however wide (default: fit 80 columns, leaving some out)",
    )
    add_pricing(p)
    add_json(p)
    p.set_defaults(func=_run)


_SHORT = {
    "available": "ok",
    "existing_customers_only": "existing",
    "retiring": "retiring",
    "retired": "retired",
}


def _run(args: argparse.Namespace) -> int:
    catalog = catalog_from_args(args)
    if args.model is not None:
        if args.method is not None or args.region is not None:
            raise InvalidInputError(
                "--method and --region filter the list; leave them out with MODEL",
                field="model",
            )
        return _one(catalog, args.model, args.provider, as_json=args.json, wide=args.wide)
    on = args.on or dt.date.today()
    every = filter_models(catalog, provider=args.provider, method=args.method, region=args.region)
    status = {(name, e.id): model_status(e, on, args.customer) for name, e in every}
    pairs = [(n, e) for n, e in every if args.all or status[n, e.id].status != "retired"]
    if args.json:
        print_records(
            [
                {
                    **msgspec.structs.asdict(model_record(catalog, name, entry)),
                    "status": status[name, entry.id],
                }
                for name, entry in pairs
            ]
        )
        return 0
    region = args.region.lower() if args.region else None
    rows = [headline(name, catalog.provider(name), entry, region=region) for name, entry in pairs]
    providers = sorted({name for name, _ in pairs}) or (
        [args.provider] if args.provider else sorted(catalog.providers)
    )
    infos = [i for i in catalog.info() if i.provider in providers]
    currency = {i.currency for i in infos}
    statuses = [status[n, e.id] for n, e in pairs]
    notes = lifecycle_lines(statuses, [f"{n} {e.id}" for n, e in pairs], on, args.customer)
    hidden = len(every) - len(pairs)
    if hidden:
        notes.append(f"{hidden} model(s) retired on {on} are hidden: --all lists them.")
    sys.stdout.write(
        render_list(
            rows,
            currency=currency,
            region=region,
            footer=[*notes, *catalog_footer(infos)],
            statuses=[_SHORT[s.status] for s in statuses],
            wide=args.wide,
        )
    )
    return 0


def lifecycle_lines(
    statuses: list[ModelStatus], ids: list[str], on: dt.date, customer: str
) -> list[str]:
    """One line per model whose status is not plain available, with the deciding date."""
    out = []
    for st, model_id in zip(statuses, ids, strict=True):
        if st.status == "available":
            continue
        src = f" (source {st.source})" if st.source else ""
        out += wrapped(f"{model_id}: {st.sentence}{src}", indent="  ", hanging="    ")
    if out:
        out.insert(0, f"Lifecycle on {on} for a {customer} customer:")
    return out


def _one(
    catalog: Catalog, name: str, provider: str | None, *, as_json: bool, wide: bool = False
) -> int:
    resolved = resolve_model(catalog, name, provider)
    if as_json:
        print_records(model_record(catalog, resolved.provider, resolved.entry))
        return 0
    also = (
        []
        if provider is not None or resolved.fine_tune_id
        else other_providers(catalog, name, resolved.provider)
    )
    sys.stdout.write(render_model(catalog, resolved, also=also, wide=wide))
    return 0


_encoder = msgspec.json.Encoder()


def print_records(obj: Any) -> None:
    """JSON on stdout, keys in the records' own order (provider and id first)."""
    sys.stdout.write(msgspec.json.format(_encoder.encode(obj), indent=2).decode() + "\n")


def _training(cell: Cell | None, hourly: bool) -> str:
    if cell is None:
        return "-"
    text = figure(cell.value, cell.status)
    return f"{text}/h" if hourly and cell.value is not None else text


def _token(h: Headline, kind: str) -> str:
    cell = h.tokens[kind]
    return "-" if cell is None else figure(cell.value, cell.status)


def _use(h: Headline) -> str:
    if h.token_use is None or h.deployment is None:
        return "-"
    if h.token_use != "fine_tuned":
        return h.token_use
    return {"standard": "std", "global": "global", "developer": "dev"}[h.deployment]


def _row(h: Headline, status: str) -> list[str]:
    hourly = h.training_kind == "rft_training"
    methods = " ".join(h.methods) if h.methods else h.token_use or "-"
    if h.training_example_tokens is None:
        limit = "-"
    else:
        mark = STATUS_MARK.get(h.training_example_tokens_status or "verified", "")
        limit = f"{h.training_example_tokens:,}{mark}"
    return [
        h.id,
        status,
        methods,
        *(_training(h.training[t], hourly) for t in TIERS),
        _training(h.hosting, False),
        _use(h),
        *(_token(h, k) for k in TOKEN_KINDS),
        limit,
    ]


_DROPPED = {
    "tokens": "example tokens",
    "cached": "cached input price",
    "deploy": "deployment type",
    "dev": "developer training",
    "methods": "methods",
}


def render_list(
    rows: list[Headline],
    *,
    currency: set[str],
    region: str | None,
    footer: list[str],
    statuses: list[str],
    wide: bool = False,
) -> str:
    """The ``ftcost models`` table (one section per provider), its legend and catalog footer."""
    sym = money_symbol(next(iter(currency))).strip() if len(currency) == 1 else "per"
    if not rows:
        return "\n".join(["No model matches these filters.", *footer]) + "\n"
    headers = [
        ["model", "status", "methods", "std", "global", "dev", f"{sym}/h", "deploy", "in",
         "cached", "out", "tokens"],
    ]  # fmt: skip
    groups = [
        (3, 5, f"training {sym}/1M tok"),
        (6, 6, "hosting"),
        (8, 10, f"tokens {sym}/1M"),
        (11, 11, "example"),
    ]
    lines, dropped = fitted(
        [_row(h, s) for h, s in zip(rows, statuses, strict=True)],
        headers,
        # example tokens, cached, deploy, dev, methods: shown by `--wide` and MODEL
        optional=[11, 9, 7, 5, 2],
        width=None if wide else WIDTH,
        right={3, 4, 5, 6, 8, 9, 10, 11},
        groups=groups,
    )
    n_head = len(lines) - len(rows)
    out = lines[:n_head]
    last = None
    for h, line in zip(rows, lines[n_head:], strict=True):
        if h.provider != last:
            out.append(h.provider)
            last = h.provider
        out.append(line)
    out.append("")
    if region is not None:
        out += wrapped(
            f"Prices in {region} where the catalog has a regional price, else the tier's "
            "reference price; '-' where the model is not offered there.",
            indent="",
            hanging="",
        )
    out += wrapped(
        "Training: SFT/DPO per 1M training tokens (tokens x epochs) for the standard (regional), "
        "global and developer tiers; RFT per hour (/h). Hosting per hour per deployment. Tokens: "
        "input / cached input / output of the fine-tuned model on the deployment type shown "
        "(global, std = standard, dev = developer); grader and base rows show the prices of "
        "models used as RFT graders or for comparison. Example tokens: the longest training "
        "example billed in full.",
        indent="",
        hanging="",
    )
    out += wrapped(
        "Status on the date (--on, default today): ok = available; existing = open to existing "
        "customers only; retiring = a retirement within 12 months; retired (listed with --all).",
        indent="",
        hanging="",
    )
    out += wrapped(
        "* derived by a stated rule, ? uncertain source, n/a not in the sources, - not "
        "offered. Every price and lifecycle date with its source: ftcost models MODEL",
        indent="",
        hanging="",
    )
    if dropped:
        out += wrapped(
            f"Left out to fit 80 columns: {', '.join(_DROPPED.get(d, d) for d in dropped)} "
            "(--wide shows every column).",
            indent="",
            hanging="",
        )
    out += footer
    return "\n".join(out) + "\n"
