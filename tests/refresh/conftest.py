"""A recorded Azure Retail Prices API on 127.0.0.1 (pytest-httpserver), built from the trimmed
2026-08-11 snapshot in ``data/snapshot-subset.json``.

``RecordedApi`` expands each snapshot row into one API item per region (the rule of
``/work/research/snapshot_to_pages.py``: currencyCode USD, skuName the meter name without its
unit suffix, type Consumption), pages them ``page_size`` at a time with ``NextPageLink``
pointing back at the local server (``&$skip=N``), and can be told to answer a page with a
failure first (``faults``), to loop, or to change prices.
"""

from __future__ import annotations

import copy
import json
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DATA = Path(__file__).resolve().parent / "data"
SNAPSHOT: dict[str, Any] = json.loads((DATA / "snapshot-subset.json").read_text("utf-8"))
PATH = "/api/retail/prices"


def expand(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One API item per (snapshot row, region), sorted like the research script sorts them."""
    items = [
        {
            "currencyCode": "USD",
            "retailPrice": row["retailPrice"],
            "armRegionName": region,
            "effectiveStartDate": row["effectiveStartDate"],
            "meterName": row["meterName"],
            "productName": row["productName"],
            "skuName": re.sub(r" (?:1M Tokens|Tokens|Unit)$", "", row["meterName"]),
            "unitOfMeasure": row["unitOfMeasure"],
            "type": "Consumption",
        }
        for row in rows
        for region in row["regions"]
    ]
    items.sort(key=lambda i: (i["productName"], i["meterName"], i["armRegionName"]))
    return items


class RecordedApi:
    """The pages of ``rows``; ``faults[n]`` lists responses page n (1-based) gives first."""

    def __init__(self, server: HTTPServer, page_size: int = 100) -> None:
        self.server = server
        self.page_size = page_size
        self.rows: list[dict[str, Any]] = copy.deepcopy(SNAPSHOT["items"])
        self.faults: dict[int, list[Response]] = {}
        self.loop_at: int | None = None  # page n links back to page 1
        self.requests: list[str] = []
        server.expect_request(PATH).respond_with_handler(self._handle)

    @property
    def endpoint(self) -> str:
        return self.server.url_for(PATH)

    def _link(self, skip: int) -> str:
        query = urllib.parse.urlencode({"$filter": "serviceName eq 'Foundry Models'"})
        return f"{self.endpoint}?{query}&$skip={skip}"

    def pages(self) -> list[dict[str, Any]]:
        items = expand(self.rows)
        n = self.page_size
        chunks = [items[i : i + n] for i in range(0, len(items), n)] or [[]]
        out = []
        for i, chunk in enumerate(chunks, 1):
            link = self._link(i * n) if i < len(chunks) else None
            if self.loop_at == i:
                link = self._link(0)
            out.append({"BillingCurrency": "USD", "Items": chunk, "NextPageLink": link,
                        "Count": len(chunk)})  # fmt: skip
        return out

    def _handle(self, request: Request) -> Response:
        self.requests.append(request.url)
        skip = int(request.args.get("$skip", "0"))
        number = skip // self.page_size + 1
        pending = self.faults.get(number)
        if pending:
            return pending.pop(0)
        page = self.pages()[number - 1]
        return Response(json.dumps(page), status=200, content_type="application/json")

    def set_price(self, meter: str, price: float) -> None:
        """Every row of ``meter`` gets ``price``."""
        hits = [r for r in self.rows if r["meterName"] == meter]
        assert hits, meter
        for r in hits:
            r["retailPrice"] = price

    def drop_meter(self, meter: str) -> None:
        """Remove every row of ``meter`` (it is "new" when it comes back)."""
        before = len(self.rows)
        self.rows = [r for r in self.rows if r["meterName"] != meter]
        assert len(self.rows) < before, meter


@pytest.fixture
def api(httpserver: HTTPServer) -> RecordedApi:
    """The recorded API on a local port, 100 items a page (four pages)."""
    return RecordedApi(httpserver)


@pytest.fixture
def no_wait() -> Callable[..., dict[str, Any]]:
    """Options for ``refresh_prices`` that keep retries fast."""
    return lambda **kw: {"backoff_s": 0.01, "timeout_s": 5.0, **kw}
