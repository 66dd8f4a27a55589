"""``ftcost catalog``: what the pricing catalog is made of, checking price sheets, importing Azure
Retail Prices API pages. Imports only the catalog code (no numpy, tokenizer or web framework).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from pathlib import Path
from typing import Any

from ftcost.catalog import (
    AzureImport,
    FileRefused,
    ProviderSummary,
    default_pricing_dir,
    dump_provider_file,
    import_azure,
    load_catalog,
    parse_catalog,
    provider_summaries,
    read_bounded,
)
from ftcost.cli._common import add_json, add_pricing, catalog_from_args, print_json
from ftcost.cli._text import WIDTH, grid, wrapped
from ftcost.cli.cmd_refresh import register_catalog_commands
from ftcost.errors import InvalidInputError
from ftcost.refresh import SheetInfo, default_sheet_path, sheet_info

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``catalog info``, ``catalog validate`` and ``catalog import-azure`` to the CLI."""
    p = sub.add_parser(
        "catalog",
        help="the pricing catalog: versions and sources, check a price sheet, import Azure prices",
        description="Inspect the pricing catalog, check price sheets, import Azure prices.",
    )
    csub = p.add_subparsers(dest="catalog_command", metavar="SUBCOMMAND", required=True)

    info = csub.add_parser(
        "info",
        help="versions, currency, as-of dates, files and the sources table",
        description=(
            "Per provider: catalog version, currency, reference tier, the range of as-of dates, "
            "the files read (the shipped file, then overlays), counts of prices by status and "
            "the sources table."
        ),
    )
    info.add_argument(
        "--wide", action="store_true", help="full source titles (default: cut to 80 columns)"
    )
    add_pricing(info)
    add_json(info)
    info.set_defaults(func=_info)

    val = csub.add_parser(
        "validate",
        help="check price sheets the way --pricing overlays are checked",
        description=(
            "Check each FILE as a price sheet laid over the shipped catalog, in the order given "
            "(as repeated --pricing options are): schema, sources, dates, values. Prints one "
            "'ok' line per file, or one error line naming the file and the field, exit 1."
        ),
    )
    val.add_argument("files", nargs="+", type=Path, metavar="FILE")
    val.set_defaults(func=_validate)

    imp = csub.add_parser(
        "import-azure",
        help="Azure Retail Prices API pages -> catalog TOML for the fine-tuning meters",
        description=(
            "Read pages saved from the Azure Retail Prices API (https://prices.azure.com/api/"
            "retail/prices, each {'Items': [...], 'NextPageLink': ...}) and write catalog TOML "
            "for the fine-tuning, hosting, inference and grader meters of the catalog's models: "
            "prices per 1M tokens or per hour, the US price as each tier's reference, other "
            "regions where they differ, a source and as-of date on every figure. The result is "
            "a price sheet: use it with --pricing, or review it against pricing/azure.toml. "
            "Meters that cannot be mapped are counted (listed with --verbose)."
        ),
        epilog=(
            "example:\n  curl -s 'https://prices.azure.com/api/retail/prices?$filter="
            "productName%20eq%20%27Azure%20OpenAI%27' > page-1.json   # then each NextPageLink\n"
            "  ftcost catalog import-azure page-*.json -o azure-retail.toml --verbose"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="saved API pages (JSON)")
    imp.add_argument("-o", "--output", type=Path, metavar="OUT", help="write the TOML here")
    imp.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="the date the pages were fetched, stamped on every price (default: today)",
    )
    imp.add_argument(
        "--source-id",
        default="ARP",
        metavar="ID",
        help="the id of the sources-table row the prices cite (default: ARP)",
    )
    imp.add_argument(
        "-v", "--verbose", action="store_true", help="list every meter that was not mapped"
    )
    imp.set_defaults(func=_import_azure)
    register_catalog_commands(csub)


# ---------------------------------------------------------------------------------------------
# info


def _info(args: argparse.Namespace) -> int:
    summaries = provider_summaries(catalog_from_args(args))
    if args.json:
        print_json(summaries)
        return 0
    out: list[str] = []
    for s in summaries:
        out += _summary(s, wide=args.wide)
    out += wrapped(f"Shipped catalog directory: {default_pricing_dir()}", indent="", hanging="  ")
    out += wrapped(
        _sheet_line(sheet_info(default_sheet_path(), today=dt.date.today())),
        indent="",
        hanging="  ",
    )
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _sheet_line(info: SheetInfo) -> str:
    if not info.exists:
        return f"Refreshed sheet: none ({info.path}; `ftcost catalog refresh` writes it)"
    age = f", {info.age_days} days old" if info.age_days is not None else ""
    return (
        f"Refreshed sheet (active, laid over the shipped catalog): {info.path} (version "
        f"{info.version}, {info.prices} prices as of {info.as_of}{age})"
    )


def _summary(s: ProviderSummary, *, wide: bool = False) -> list[str]:
    counts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in s.statuses.items())
    out = [
        f"{s.provider}: catalog {s.version}",
        f"  currency {s.currency}; reference tier {s.reference_tier}",
        f"  prices as of {s.as_of_min} to {s.as_of_max}",
        f"  {s.models} models, {s.prices} prices ({counts})",
    ]
    out += wrapped("files: " + ", ".join(s.files), indent="  ", hanging="    ")
    rows = []
    dates = [src.date if len(src.date) <= 26 else src.date[:25] + "…" for src in s.sources]
    id_width = max((len(x.id) for x in s.sources), default=2)
    date_width = max((len(d) for d in dates), default=11)
    # indent, id, gap, date, gap: the title gets the rest of 80 columns (all of it with --wide)
    title_width = WIDTH - 2 - max(id_width, 2) - 2 - max(date_width, 11) - 2
    for src, date in zip(s.sources, dates, strict=True):
        title = src.title
        if not wide and len(title) > title_width:
            title = title[: title_width - 1] + "…"
        rows.append([src.id, date, title])
    out.append(f"  Sources ({len(s.sources)}; full titles and URLs: ftcost catalog info --json)")
    out += grid(rows, [["id", "date stated", "title"]], indent="  ")
    out.append("")
    return out


# ---------------------------------------------------------------------------------------------
# validate


def _validate(args: argparse.Namespace) -> int:
    files: list[Path] = args.files
    sheets = [parse_catalog(_read(f), source=str(f), overlay=True) for f in files]
    catalog = load_catalog(overlays=files)
    for f, sheet in zip(files, sheets, strict=True):
        merged = catalog.provider(sheet.provider)
        n_prices = sum(len(m.prices) for m in sheet.models)
        print(
            f"{f}: ok ({sheet.provider}, version {sheet.version}, {sheet.currency}, "
            f"{len(sheet.models)} models, {n_prices} prices; laid over the shipped catalog: "
            f"{merged.version})"
        )
    return 0


def _read(path: Path) -> bytes:
    try:
        return read_bounded(path)
    except FileRefused as exc:
        raise InvalidInputError(f"{path}: cannot read a price sheet: {exc.reason}") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc.strerror}") from None


# ---------------------------------------------------------------------------------------------
# import-azure


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            f"--as-of: not a date (YYYY-MM-DD): {text!r}", field="as_of"
        ) from None


def _import_azure(args: argparse.Namespace) -> int:
    as_of = _as_of(args.as_of)
    pages = [(f.name, _read(f)) for f in args.files]
    result = import_azure(pages, as_of=as_of, source_id=args.source_id)
    names = ", ".join(str(f) for f in args.files)
    header = textwrap.wrap(
        f"Azure Retail Prices imported by `ftcost catalog import-azure` as of {as_of} from "
        f"{len(pages)} page(s): {names}. Prices per 1M tokens (usd_per_mtok) or per hour "
        "(usd_per_hour); a price without a region is the tier's US price, region entries "
        "differ from it. Use this file with --pricing, or review it against "
        "pricing/azure.toml (pricing/README.md, Updating).",
        96,
        break_on_hyphens=False,
    )
    text = dump_provider_file(result.provider_file, header=header)
    # The written file must load like any price sheet; a failure here is a bug, not bad input.
    parse_catalog(text.encode(), source=str(args.output or "<import-azure output>"))
    if args.output is not None:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError(f"{args.output}: cannot write: {exc.strerror}") from None
        report = sys.stdout
    else:
        sys.stdout.write(text)
        report = sys.stderr
    report.write("\n".join(_report(result, args.output, verbose=args.verbose)) + "\n")
    return 0


def _report(result: AzureImport, output: Path | None, *, verbose: bool) -> list[str]:
    pf = result.provider_file
    n_prices = sum(len(m.prices) for m in pf.models)
    n_unmapped = sum(u.items for u in result.unmapped)
    where = f" -> {output}" if output is not None else ""
    lines = [
        f"import-azure: {result.items} items in {result.pages} page(s): {result.items_mapped} "
        f"mapped to {n_prices} prices for {len(pf.models)} models ({pf.currency}){where}",
    ]
    if result.items_repeated:
        lines.append(f"import-azure: {result.items_repeated} repeated items counted once")
    if result.unmapped:
        hint = "" if verbose else " (--verbose lists them)"
        lines.append(
            f"import-azure: {n_unmapped} items of {len(result.unmapped)} meters not mapped{hint}"
        )
    if verbose:
        for u in result.unmapped:
            regions = ", ".join(u.regions[:4]) + (" …" if len(u.regions) > 4 else "")
            lines += wrapped(
                f"{u.meter_name} [{u.unit}; {u.product_name or 'no product'}; {u.items} "
                f"item{'s' if u.items != 1 else ''}{': ' + regions if regions else ''}]: "
                f"{u.reason}",
                indent="  ",
                hanging="      ",
            )
    lines += [f"import-azure: warning: {w}" for w in result.warnings]
    return lines
