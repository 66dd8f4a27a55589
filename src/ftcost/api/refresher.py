"""Background price refresh for ``ftcost serve`` (``FTCOST_REFRESH_HOURS``).

``CatalogRefresher`` runs ``ftcost.refresh.refresh_prices`` in a worker thread every
``refresh_hours``, then loads the shipped catalog with the new sheet and the service's own
``FTCOST_PRICING`` sheets laid over it. Only a catalog that loads and validates is swapped in,
in one assignment (``ServicesRef.current``), together with an empty response cache. Any failure
(the API down, a malformed page, a sheet that does not validate) is logged and the last good
catalog keeps serving: a refresh never turns into a 5xx. The first refresh is due when the
sheet on disk is ``refresh_hours`` old (at once when there is none). Each worker process runs
its own loop; they write the sheet atomically, so the last one wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ftcost.api.cache import ResponseCache
from ftcost.api.routes import Services
from ftcost.catalog import Catalog, load_catalog
from ftcost.errors import FtcostError
from ftcost.refresh import RETAIL_PRICES_URL, refresh_prices

__all__ = ["CatalogRefresher", "ServicesRef"]

log = logging.getLogger("ftcost.refresh")


class ServicesRef:
    """The services every request gets; ``current`` is replaced whole, never mutated."""

    def __init__(self, services: Services) -> None:
        self.current = services

    def swap_catalog(self, catalog: Catalog) -> None:
        self.current = dataclasses.replace(
            self.current,
            catalog=catalog,
            cache=ResponseCache(max_bytes=self.current.settings.cache_bytes),
        )


class CatalogRefresher:
    """Refresh the sheet at ``sheet`` every ``hours``; swap the catalog of ``ref`` on success."""

    def __init__(
        self,
        ref: ServicesRef,
        *,
        hours: float,
        sheet: Path,
        overlays: Sequence[Path] = (),
        endpoint: str = "",
        today: Callable[[], dt.date] = dt.date.today,
        backoff_s: float = 1.0,
    ) -> None:
        self.ref = ref
        self.period_s = hours * 3600.0
        self.sheet = sheet
        self.overlays = list(overlays)
        self.endpoint = endpoint or RETAIL_PRICES_URL
        self.today = today
        self.backoff_s = backoff_s
        self.swaps = 0
        self.failures = 0
        self._task: asyncio.Task[None] | None = None

    def _refresh(self) -> Catalog:
        result = refresh_prices(
            self.sheet, today=self.today(), endpoint=self.endpoint, backoff_s=self.backoff_s
        )
        catalog = load_catalog(overlays=[self.sheet, *self.overlays])
        d = result.diff
        log.info(
            "refreshed prices from %s: %d prices as of %s (%d changed, %d added, %d removed)",
            self.endpoint,
            result.prices,
            result.as_of,
            d.changed,
            d.added,
            d.removed,
        )
        return catalog

    async def refresh_once(self) -> bool:
        """One refresh; True when a new catalog was swapped in."""
        try:
            catalog = await asyncio.to_thread(self._refresh)
        except FtcostError as exc:
            self.failures += 1
            log.warning("price refresh failed; keeping the last good catalog: %s", exc.detail)
            return False
        except Exception:  # a bug: still never a 5xx for the requests being served
            self.failures += 1
            log.exception("price refresh failed; keeping the last good catalog")
            return False
        self.ref.swap_catalog(catalog)
        self.swaps += 1
        return True

    def first_delay_s(self) -> float:
        """Seconds until the first refresh: when the sheet on disk turns ``hours`` old."""
        try:
            age_s = time.time() - self.sheet.stat().st_mtime
        except OSError:
            return 0.0
        return max(0.0, self.period_s - age_s)

    async def _loop(self) -> None:
        delay = self.first_delay_s()
        while True:
            await asyncio.sleep(delay)
            await self.refresh_once()
            delay = self.period_s

    async def start(self) -> None:
        """Start the loop (``on_startup``)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        """Cancel the loop (``on_shutdown``)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
