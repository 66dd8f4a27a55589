"""``ftcost catalog refresh`` and ``ftcost catalog diff``: keeping prices current.

Registered by ``cmd_catalog`` under ``ftcost catalog``. The network code is in
``ftcost.refresh``; httpx, tenacity and rich load only when a refresh runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ftcost.catalog import (
    Catalog,
    PriceChange,
    PriceDiff,
    diff_catalogs,
    load_catalog,
    load_sheet,
)
from ftcost.cli._common import add_json, print_json
from ftcost.cli._text import figure, grid, wrapped
from ftcost.errors import InvalidInputError
from ftcost.refresh import (
    DEFAULT_FILTER,
    RETAIL_PRICES_URL,
    RefreshResult,
    active_sheet,
    default_sheet_path,
    refresh_prices,
)

__all__ = ["register_catalog_commands"]


def register_catalog_commands(csub: Any) -> None:
    """Add ``refresh`` and ``diff`` to the ``catalog`` sub-commands."""
    ref = csub.add_parser(
        "refresh",
        help="read current Azure prices from the Retail Prices API into your refreshed sheet",
        description=(
            "Read the Azure Retail Prices API (public, no key), following every NextPageLink "
            "with retries on 429 and 5xx, map the fine-tuning, hosting and inference meters of "
            "the catalog's models with the importer of `catalog import-azure`, stamp today's "
            "date as as_of and write the result as a price sheet in your data directory. Every "
            "later command (and `ftcost serve`) lays it over the shipped catalog, before "
            "--pricing / FTCOST_PRICING sheets. Prints the prices that changed. A failed "
            "refresh leaves the previous sheet in place."
        ),
        epilog=f"default sheet: {_sheet_hint()}",
    )
    ref.add_argument(
        "--endpoint",
        default=RETAIL_PRICES_URL,
        metavar="URL",
        help=f"the API or a mirror of it (default: {RETAIL_PRICES_URL})",
    )
    ref.add_argument(
        "--filter",
        dest="flt",
        default=DEFAULT_FILTER,
        metavar="EXPR",
        help="the OData $filter (default: the Foundry Models products that carry the meters)",
    )
    ref.add_argument("--out", type=Path, metavar="FILE", help="write the sheet here instead")
    ref.add_argument(
        "--dry-run", action="store_true", help="fetch and print the diff; write nothing"
    )
    ref.add_argument(
        "--timeout", type=float, default=30.0, metavar="S", help="seconds per request (30)"
    )
    ref.add_argument(
        "--attempts",
        type=int,
        default=5,
        metavar="N",
        help="tries per page on 429, 5xx, timeouts or dropped connections (5)",
    )
    add_json(ref)
    ref.set_defaults(func=_refresh)

    diff = csub.add_parser(
        "diff",
        help="prices that changed, appeared or vanished between two catalogs or sheets",
        description=(
            "Compare the prices of A and B. Each is a price sheet, a directory of provider "
            "files (a whole catalog) or the word 'shipped'. Two sheets are compared as they "
            "are (a meter that vanished shows as removed); a sheet against a catalog is laid "
            "over the shipped catalog first. Default: A is the shipped catalog, B the shipped "
            "catalog with the refreshed sheet laid over it. Prices are compared by model, "
            "kind, tier, region, variant and method; a price whose value is unchanged but "
            "whose as-of date moved is counted, not listed."
        ),
    )
    diff.add_argument("a", nargs="?", default="shipped", metavar="A")
    diff.add_argument("b", nargs="?", metavar="B", help="default: the refreshed sheet")
    add_json(diff)
    diff.set_defaults(func=_diff)


def _sheet_hint() -> str:
    try:
        return str(default_sheet_path())
    except Exception:  # platformdirs cannot tell (no home directory): --help still works
        return "<user data dir>/ftcost/azure-retail.toml"


# ---------------------------------------------------------------------------------------------
# refresh


def _refresh(args: argparse.Namespace) -> int:
    if args.attempts < 1 or args.timeout <= 0:
        raise InvalidInputError("--attempts must be at least 1 and --timeout above 0")
    out: Path = args.out or default_sheet_path()
    with _progress() as progress:
        result = refresh_prices(
            out,
            today=dt.date.today(),
            endpoint=args.endpoint,
            flt=args.flt,
            dry_run=args.dry_run,
            timeout_s=args.timeout,
            attempts=args.attempts,
            progress=progress,
        )
    if args.json:
        print_json(result)
        return 0
    sys.stdout.write("\n".join(_report(result)) + "\n")
    return 0


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A rich spinner with pages and items read, on a terminal only (stderr)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("reading the Retail Prices API: {task.fields[pages]} pages, "),
        TextColumn("{task.fields[items]} items"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("refresh", total=None, pages=0, items=0)

        def update(pages: int, items: int) -> None:
            bar.update(task, pages=pages, items=items)

        yield update


def _report(r: RefreshResult) -> list[str]:
    verb = "would write" if not r.written else "wrote"
    out = [
        f"refresh: {r.items} items in {r.pages} page(s); {r.items_mapped} mapped to {r.prices} "
        f"prices for {r.models} models, as of {r.as_of}",
        f"refresh: {verb} {r.path}" + (" (dry run)" if not r.written else ""),
    ]
    if r.unmapped_meters:
        out.append(
            f"refresh: {r.unmapped_meters} meters not mapped (see `ftcost catalog import-azure "
            "--verbose` on saved pages)"
        )
    out += [f"refresh: warning: {w}" for w in r.warnings]
    out.append("")
    return out + diff_lines(r.diff)


# ---------------------------------------------------------------------------------------------
# diff


def _is_sheet(spec: str) -> bool:
    if spec == "shipped":
        return False
    path = Path(spec)
    if not path.exists():
        raise InvalidInputError(f"{spec}: no such file or directory (or the word 'shipped')")
    return not path.is_dir()


def _catalog(spec: str, *, alone: bool) -> Catalog:
    """``spec`` as a catalog: a sheet alone (``alone``) or laid over the shipped catalog."""
    if spec == "shipped":
        return load_catalog()
    path = Path(spec)
    if path.is_dir():
        return load_catalog(path)
    return load_sheet(path) if alone else load_catalog(overlays=[path])


def _diff(args: argparse.Namespace) -> int:
    b: str | None = args.b
    if b is None:
        sheet = active_sheet()
        if sheet is None:
            raise InvalidInputError(
                f"no refreshed sheet at {default_sheet_path()}: run `ftcost catalog refresh`, "
                "or name the two catalogs to compare (ftcost catalog diff A B)"
            )
        b = str(sheet)
    both_sheets = _is_sheet(args.a) and _is_sheet(b)
    result = diff_catalogs(
        _catalog(args.a, alone=both_sheets),
        _catalog(b, alone=both_sheets),
        old_label=args.a,
        new_label=b,
    )
    if args.json:
        print_json(result)
        return 0
    sys.stdout.write("\n".join(diff_lines(result)) + "\n")
    return 0


def _pct(c: PriceChange) -> str:
    pct = c.pct
    return "" if pct is None else f"{pct:+.1f}%"


def diff_lines(d: PriceDiff) -> list[str]:
    """The diff as a table and a one-line summary."""
    out = wrapped(f"Prices: {d.old_label} -> {d.new_label}", indent="", hanging="  ")
    rows = [
        [
            c.change,
            c.provider,
            c.model,
            c.kind,
            c.tier,
            c.region or "-",
            c.variant or c.method or "-",
            figure(c.old),
            str(c.old_as_of or ""),
            figure(c.new),
            str(c.new_as_of or ""),
            _pct(c),
        ]
        for c in d.changes
    ]
    if rows:
        header = [
            "change",
            "provider",
            "model",
            "kind",
            "tier",
            "region",
            "variant",
            "old",
            "as of",
            "new",
            "as of",
            "change %",
        ]
        out += grid(rows, [header], right={7, 9, 11}, indent="  ")
    redated = f"; {d.redated} unchanged prices re-dated" if d.redated else ""
    out.append(f"{d.changed} changed, {d.added} added, {d.removed} removed{redated}")
    return out
