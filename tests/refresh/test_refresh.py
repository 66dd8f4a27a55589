"""``refresh_prices`` against a recorded Retail Prices API on 127.0.0.1.

The pages are the trimmed 2026-08-11 snapshot (``conftest.RecordedApi``); faults are injected
per page. Every failure must leave the previous sheet byte for byte as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug import Response

from ftcost.catalog import find_price, load_catalog, load_sheet
from ftcost.errors import RefreshError
from ftcost.refresh import active_sheet, default_sheet_path, refresh_prices, sheet_info

from .conftest import SNAPSHOT, RecordedApi

TODAY = dt.date(2026, 12, 1)
MINI = "gpt-4.1-mini-2025-04-14"
O4 = "o4-mini-2025-04-16"
Opts = Callable[..., dict[str, Any]]


def _refresh(api: RecordedApi, out: Path, opts: Opts, **kw: Any) -> Any:
    return refresh_prices(out, today=kw.pop("today", TODAY), endpoint=api.endpoint, **opts(**kw))


def test_refresh_writes_a_sheet_that_loads(api: RecordedApi, no_wait: Opts) -> None:
    """All four pages are read; the sheet in the user data dir validates and carries today."""
    out = default_sheet_path()
    assert active_sheet() is None
    result = _refresh(api, out, no_wait)
    assert len(api.requests) == 4
    assert "%24filter=" in api.requests[0] or "$filter=" in api.requests[0]
    assert result.written
    assert result.pages == 4
    assert result.items == 370
    assert result.items_mapped > 0
    assert result.models == 3  # the subset's gpt-5.4-mini base meters map too
    assert active_sheet() == out
    sheet = load_sheet(out)
    assert {m.id for m in sheet.provider("azure").models} == {MINI, O4, "gpt-5.4-mini-2026-03-17"}
    catalog = load_catalog(overlays=[out])
    entry = next(m for _, m in catalog.models("azure") if m.id == MINI)
    price = find_price(entry, "training", "global")
    assert price.value == pytest.approx(5.0)  # 0.005 per 1K tokens
    assert price.as_of == TODAY
    assert price.source == "ARP-refresh"
    info = sheet_info(out, today=TODAY + dt.timedelta(days=3))
    assert info.exists
    assert info.as_of == TODAY
    assert info.age_days == 3


def test_first_refresh_diffs_against_the_shipped_catalog(api: RecordedApi, no_wait: Opts) -> None:
    """With no previous sheet, the diff is shipped vs shipped + sheet: these prices agree."""
    result = _refresh(api, default_sheet_path(), no_wait)
    assert result.diff.old_label == "shipped"
    assert result.diff.changes == []
    assert result.diff.redated == result.prices


def test_diff_lists_exactly_the_changes(api: RecordedApi, no_wait: Opts) -> None:
    """A changed price, a new meter and a vanished meter between two refreshes, nothing else."""
    out = default_sheet_path()
    api.drop_meter("gpt-4.1-mini-ft hosting regional Unit")
    _refresh(api, out, no_wait, today=TODAY - dt.timedelta(days=30))
    api.rows = copy.deepcopy(SNAPSHOT["items"])  # the full subset again, then changed
    api.set_price("o4-mini RFT Training global Unit", 110.0)
    api.drop_meter("o4-mini-ft hosting global Unit")
    result = _refresh(api, out, no_wait)
    got = {(c.change, c.model, c.kind, c.tier, c.region, c.old, c.new) for c in result.diff.changes}
    assert got == {
        ("changed", O4, "rft_training", "global", None, 100.0, 110.0),
        ("added", MINI, "hosting", "standard", None, None, 1.7),
        ("removed", O4, "hosting", "global", None, 1.7, None),
    }
    assert (result.diff.changed, result.diff.added, result.diff.removed) == (1, 1, 1)
    assert result.diff.redated == result.prices - 2


def test_429_then_success(api: RecordedApi, no_wait: Opts) -> None:
    """A 429 with Retry-After on page 2 is waited out and retried."""
    api.faults[2] = [Response("slow down", status=429, headers={"Retry-After": "0"})]
    result = _refresh(api, default_sheet_path(), no_wait)
    assert result.pages == 4
    assert len(api.requests) == 5


def test_500_on_one_page_is_retried(api: RecordedApi, no_wait: Opts) -> None:
    """Two 5xx answers on page 3 are retried; the result is the same as without them."""
    api.faults[3] = [Response("oops", status=500), Response("busy", status=503)]
    result = _refresh(api, default_sheet_path(), no_wait)
    assert result.pages == 4
    assert len(api.requests) == 6


def _previous_sheet(api: RecordedApi, no_wait: Opts) -> tuple[Path, bytes]:
    out = default_sheet_path()
    _refresh(api, out, no_wait, today=TODAY - dt.timedelta(days=40))
    return out, out.read_bytes()


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        pytest.param(
            lambda api: api.faults.__setitem__(3, [Response("x", status=500)] * 3),
            "HTTP 500 after 3 attempts",
            id="500-every-time",
        ),
        pytest.param(
            lambda api: api.faults.__setitem__(
                2, [Response('{"Items": [', status=200, content_type="application/json")]
            ),
            "page 2 is not a Retail Prices API page",
            id="malformed-json",
        ),
        pytest.param(
            lambda api: api.faults.__setitem__(1, [Response("no", status=403)]),
            "HTTP 403",
            id="403",
        ),
        pytest.param(lambda api: setattr(api, "loop_at", 3), "page loop", id="page-loop"),
    ],
)
def test_failed_refresh_keeps_the_previous_sheet(
    api: RecordedApi, no_wait: Opts, fault: Callable[[RecordedApi], None], message: str
) -> None:
    """Retries used up, a malformed page, a refused request or a loop: RefreshError, and the
    previous sheet is untouched (no temporary file left beside it)."""
    out, before = _previous_sheet(api, no_wait)
    api.requests.clear()
    fault(api)
    with pytest.raises(RefreshError, match=message):
        _refresh(api, out, no_wait, attempts=3)
    assert out.read_bytes() == before
    assert _leftovers(out) == []
    assert len(api.requests) < 20  # the loop was detected, not followed


def test_unmappable_answer_is_refused(api: RecordedApi, no_wait: Opts) -> None:
    """An answer without a single catalog meter (a wrong filter or mirror) writes nothing."""
    out, before = _previous_sheet(api, no_wait)
    # priority-processing meters: the catalog prices none of them
    api.rows = [r for r in api.rows if " pp " in r["meterName"]]
    assert api.rows
    with pytest.raises(RefreshError, match="no fine-tuning, hosting or inference meter"):
        _refresh(api, out, no_wait)
    assert out.read_bytes() == before


def test_dry_run_writes_nothing(api: RecordedApi, no_wait: Opts, tmp_path: Path) -> None:
    """--dry-run reads, validates and diffs, but the target stays absent."""
    out = tmp_path / "sheet.toml"
    result = _refresh(api, out, no_wait, dry_run=True)
    assert not result.written
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_timeout_is_retried_then_reported(api: RecordedApi, no_wait: Opts) -> None:
    """A server slower than the timeout: retried, then RefreshError naming the timeout."""
    import time

    def slow(_request: Any) -> Response:
        time.sleep(0.5)
        return Response("{}", status=200)

    api.server.clear()
    api.server.expect_request("/api/retail/prices").respond_with_handler(slow)
    with pytest.raises(RefreshError, match="timed out after 2 attempts"):
        _refresh(api, default_sheet_path(), no_wait, attempts=2, timeout_s=0.1)
    assert active_sheet() is None


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        ("ftp://127.0.0.1/prices", "must be an http"),
        ("http://127.0.0.1:1/api/retail/prices", "after 2 attempts"),
    ],
    ids=["not-http", "connection-refused"],
)
def test_unusable_endpoint(endpoint: str, message: str, no_wait: Opts) -> None:
    """A non-HTTP endpoint fails at once; a refused connection after its retries."""
    with pytest.raises(RefreshError, match=message):
        refresh_prices(default_sheet_path(), today=TODAY, endpoint=endpoint, **no_wait(attempts=2))
    assert active_sheet() is None
