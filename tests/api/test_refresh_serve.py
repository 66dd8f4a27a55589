"""``serve`` and the refreshed sheet: used when present, refreshed in the background with
FTCOST_REFRESH_HOURS, swapped only when the new catalog validates, never a 5xx on failure.

The Retail Prices API is the recorded one of ``tests/refresh`` on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ftcost.api.app import app_from_env, create_app
from ftcost.refresh import default_sheet_path, refresh_prices
from ftcost.settings import Settings

from ..refresh.conftest import RecordedApi

MINI = "gpt-4.1-mini"
TODAY = dt.date(2026, 12, 1)
TRAINING = "gpt-4.1-mini FT Training global Tokens"


@pytest.fixture
def api(httpserver: HTTPServer) -> RecordedApi:
    return RecordedApi(httpserver)


def _training_global(client: TestClient[Litestar]) -> dict[str, Any]:
    response = client.get(f"/v1/models/{MINI}?provider=azure")
    assert response.status_code == 200
    prices = response.json()["model"]["prices"]
    return next(
        p
        for p in prices
        if p["kind"] == "training" and p["tier"] == "global" and not p.get("region")
    )


def test_the_refreshed_sheet_is_served(api: RecordedApi, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet written by a refresh is laid over the shipped catalog by app_from_env."""
    api.set_price(TRAINING, 0.006)
    refresh_prices(default_sheet_path(), today=TODAY, endpoint=api.endpoint, backoff_s=0.01)
    monkeypatch.setenv("FTCOST_ACCESS_LOG", "false")
    logger = logging.getLogger("ftcost")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    try:
        app = app_from_env()
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
    with TestClient(app) as client:
        price = _training_global(client)
        assert price["value"] == pytest.approx(6.0)
        assert price["as_of"] == TODAY.isoformat()
        health = client.get("/healthz").json()
        assert health["catalog_versions"]["azure"].endswith("+azure-retail-2026-12-01")


def _app(api: RecordedApi) -> Litestar:
    settings = Settings(refresh_hours=1.0, refresh_endpoint=api.endpoint, access_log=False)
    app = create_app(settings)
    app.state["refresher"].backoff_s = 0.01
    app.state["refresher"].today = lambda: TODAY
    return app


def test_background_refresh_swaps_the_catalog(api: RecordedApi) -> None:
    """With no sheet yet, the first refresh runs at start-up; requests then see the new price."""
    api.set_price(TRAINING, 0.0065)
    app = _app(api)
    with TestClient(app) as client:
        before = client.get("/healthz")
        assert before.status_code == 200
        deadline = time.monotonic() + 20
        while app.state["refresher"].swaps == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.state["refresher"].swaps == 1
        price = _training_global(client)
        assert price["value"] == pytest.approx(6.5)
        assert price["as_of"] == TODAY.isoformat()
    assert default_sheet_path().is_file()


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param({1: [Response("down", status=503)] * 6}, id="api-down"),
        pytest.param(
            {2: [Response("{", status=200, content_type="application/json")]}, id="bad-page"
        ),
    ],
)
def test_failed_refresh_keeps_the_last_good_catalog(
    api: RecordedApi, fault: dict[int, list[Response]], caplog: pytest.LogCaptureFixture
) -> None:
    """A failed refresh is logged; the catalog, the sheet and every answer stay as they were."""
    refresh_prices(default_sheet_path(), today=TODAY, endpoint=api.endpoint, backoff_s=0.01)
    before = default_sheet_path().read_bytes()
    app = _app(api)
    refresher = app.state["refresher"]
    api.set_price(TRAINING, 0.009)
    api.faults.update(fault)
    with TestClient(app) as client:
        old = _training_global(client)
        with caplog.at_level(logging.WARNING, logger="ftcost.refresh"):
            assert asyncio.run(refresher.refresh_once()) is False
        assert refresher.failures == 1
        assert "keeping the last good catalog" in caplog.text
        assert _training_global(client) == old
        assert client.post("/v1/estimate", json={"model": MINI}).status_code < 500
    assert default_sheet_path().read_bytes() == before


def test_refresh_is_not_due_while_the_sheet_is_fresh(api: RecordedApi) -> None:
    """A sheet younger than FTCOST_REFRESH_HOURS delays the first refresh by the remainder."""
    refresh_prices(default_sheet_path(), today=TODAY, endpoint=api.endpoint, backoff_s=0.01)
    refresher = _app(api).state["refresher"]
    assert 3500 < refresher.first_delay_s() <= 3600


def test_no_refresher_without_the_setting() -> None:
    """FTCOST_REFRESH_HOURS unset: no background task at all."""
    assert create_app(Settings(access_log=False)).state["refresher"] is None
