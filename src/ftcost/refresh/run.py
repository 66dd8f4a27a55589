"""``refresh_prices``: fetch, import, validate, diff and (unless a dry run) write the sheet.

The steps: read every page (``ftcost.refresh.fetch``), map the fine-tuning, hosting and
inference meters with the catalog's importer (``ftcost.catalog.import_azure``) stamping the fetch
date as ``as_of``, write the TOML to a temporary file beside the target, load the shipped
catalog with it laid over (the same checks as any ``--pricing`` sheet), diff it against the
previous sheet (or, on the first refresh, the shipped catalog against the shipped catalog with
the sheet laid over it), and only then move the file into place. Any failure leaves the
previous sheet as it was.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import msgspec

from ftcost.catalog import (
    AzureImport,
    Catalog,
    PriceDiff,
    diff_catalogs,
    dump_provider_file,
    import_azure,
    load_catalog,
    load_sheet,
)
from ftcost.errors import CatalogError, InvalidInputError, RefreshError
from ftcost.refresh.fetch import DEFAULT_FILTER, RETAIL_PRICES_URL, Progress, fetch_pages, first_url
from ftcost.refresh.sheet import staged_write

__all__ = ["SOURCE_ID", "RefreshResult", "refresh_prices"]

# The sources-table id the refreshed prices cite: distinct from the shipped file's ids and from
# the ``ARP`` default of ``ftcost catalog import-azure`` sheets, so overlays never mix them up.
SOURCE_ID = "ARP-refresh"


class RefreshResult(msgspec.Struct, frozen=True, kw_only=True):
    """What a refresh read, what it wrote (``written`` is False on a dry run) and the diff."""

    path: str
    written: bool
    as_of: dt.date
    url: str
    pages: int
    items: int
    items_mapped: int
    prices: int
    models: int
    unmapped_meters: int
    warnings: list[str]
    diff: PriceDiff


def refresh_prices(
    out: Path,
    *,
    today: dt.date,
    endpoint: str = RETAIL_PRICES_URL,
    flt: str = DEFAULT_FILTER,
    dry_run: bool = False,
    pricing_dir: Path | None = None,
    timeout_s: float = 30.0,
    attempts: int = 5,
    backoff_s: float = 1.0,
    progress: Progress | None = None,
) -> RefreshResult:
    """Refresh the sheet at ``out`` from ``endpoint``; ``today`` is the fetch date (``as_of``).

    ``pricing_dir`` is the catalog the sheet is laid over (default: the shipped one). Raises
    ``RefreshError`` when the API cannot be read or maps to no price, ``CatalogError`` when the
    result does not validate; ``out`` is untouched then.
    """
    url = first_url(endpoint, flt)
    raw = fetch_pages(
        url, timeout_s=timeout_s, attempts=attempts, backoff_s=backoff_s, progress=progress
    )
    pages = [(f"page {n}", data) for n, (_, data) in enumerate(raw, 1)]
    try:
        result = import_azure(pages, as_of=today, source_id=SOURCE_ID)
    except InvalidInputError as exc:  # an item the importer cannot read
        raise RefreshError(f"the API's answer cannot be imported: {exc}", url=url) from None
    pf = result.provider_file
    if not pf.models:
        raise RefreshError(
            f"no fine-tuning, hosting or inference meter of the catalog's models among "
            f"{result.items} items: check the endpoint and the filter",
            url=url,
        )
    source = msgspec.structs.replace(
        pf.sources[0],
        title="Azure Retail Prices API, fine-tuning and inference meters (ftcost catalog refresh)",
        url=endpoint,
        note=f"{len(pages)} page(s) fetched {today.isoformat()}; $filter: {flt}",
    )
    pf = msgspec.structs.replace(pf, sources=[source])
    text = dump_provider_file(pf, header=_header(today, endpoint, len(pages)))
    previous = _previous(out)
    with staged_write(out, text) as staged:
        merged = _catalog(pricing_dir, staged.path)  # a CatalogError removes the staged file
        if previous is None:  # the first refresh: what it changes in the shipped catalog
            old, new, old_label = _catalog(pricing_dir, None), merged, "shipped"
        else:  # since the last refresh, sheet against sheet: vanished meters show
            old, new, old_label = previous, load_sheet(staged.path), f"previous {out}"
        diff = diff_catalogs(
            old, new, old_label=old_label, new_label=f"refreshed {today.isoformat()}"
        )
        staged.commit = not dry_run
    return _result(out, not dry_run, today, url, result, diff)


def _previous(out: Path) -> Catalog | None:
    """The previous sheet at ``out``, or None when there is none or it does not load."""
    if not out.is_file():
        return None
    try:
        return load_sheet(out)
    except CatalogError:
        return None  # replaced by this refresh; compared against the shipped catalog instead


def _catalog(pricing_dir: Path | None, sheet: Path | None) -> Catalog:
    return load_catalog(pricing_dir, overlays=[sheet] if sheet is not None else [])


def _header(today: dt.date, endpoint: str, pages: int) -> list[str]:
    return textwrap.wrap(
        f"Azure Retail Prices written by `ftcost catalog refresh` on {today.isoformat()} from "
        f"{pages} page(s) of {endpoint}. Every ftcost command lays this sheet over the shipped "
        "catalog (before --pricing / FTCOST_PRICING sheets); delete it to use the shipped "
        "prices only. Prices per 1M tokens (usd_per_mtok) or per hour (usd_per_hour); a "
        "price without a region is the tier's US price.",
        96,
        break_on_hyphens=False,
    )


def _result(
    out: Path,
    written: bool,
    today: dt.date,
    url: str,
    result: AzureImport,
    diff: PriceDiff,
) -> RefreshResult:
    models = result.provider_file.models
    return RefreshResult(
        path=str(out),
        written=written,
        as_of=today,
        url=url,
        pages=result.pages,
        items=result.items,
        items_mapped=result.items_mapped,
        prices=sum(len(m.prices) for m in models),
        models=len(models),
        unmapped_meters=len(result.unmapped),
        warnings=list(result.warnings),
        diff=diff,
    )
