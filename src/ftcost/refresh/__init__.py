"""Keeping prices current: read the Azure Retail Prices API into the user's refreshed sheet.

An adapter-level package (network and file I/O), used by ``ftcost.cli`` and ``ftcost.api``
alike: ``fetch`` reads every page of the API with retries; ``run`` imports, validates, diffs and
writes the sheet; ``sheet`` knows where the sheet lives (the user data directory) and writes it
atomically. httpx and tenacity load on first use.

Depends on ``ftcost.catalog`` and ``ftcost.errors``.
"""

from __future__ import annotations

from ftcost.refresh.fetch import DEFAULT_FILTER, PRODUCTS, RETAIL_PRICES_URL, fetch_pages
from ftcost.refresh.run import RefreshResult, refresh_prices
from ftcost.refresh.sheet import (
    SHEET_NAME,
    SheetInfo,
    active_sheet,
    default_sheet_path,
    sheet_info,
    staged_write,
)

__all__ = [
    "DEFAULT_FILTER",
    "PRODUCTS",
    "RETAIL_PRICES_URL",
    "SHEET_NAME",
    "RefreshResult",
    "SheetInfo",
    "active_sheet",
    "default_sheet_path",
    "fetch_pages",
    "refresh_prices",
    "sheet_info",
    "staged_write",
]
