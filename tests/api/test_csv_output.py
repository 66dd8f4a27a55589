"""``Accept: text/csv`` on estimate, sweep and compare: the CLI's CSV, same figures as JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from ftcost.api.app import create_app
from ftcost.api.csv_output import prefers_csv
from ftcost.api.schemas import SCHEMA_EXAMPLES
from ftcost.engine import CompareRequest, Scenario, SweepRequest
from ftcost.settings import Settings

BODIES: dict[str, Any] = {
    "/v1/estimate": SCHEMA_EXAMPLES[Scenario][0],
    "/v1/sweep": SCHEMA_EXAMPLES[SweepRequest][0],
    "/v1/compare": SCHEMA_EXAMPLES[CompareRequest][0],
}


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(create_app(Settings(access_log=False))) as c:
        yield c


@pytest.mark.parametrize(
    ("accept", "csv_wins"),
    [
        ("text/csv", True),
        ("text/csv, application/json;q=0.5", True),
        ("application/json, text/csv;q=0.9", False),
        ("*/*", False),
        ("", False),
        ("text/csv;q=0", False),
        ("application/json", False),
    ],
)
def test_accept_negotiation(accept: str, csv_wins: bool) -> None:
    """CSV only when the client ranks it at least as high as JSON (``*/*`` counts as JSON)."""
    assert prefers_csv(accept) is csv_wins


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_estimate_as_csv_is_the_series(client: TestClient[Litestar]) -> None:
    """The estimate's CSV has one row per month with the JSON series' figures."""
    body = BODIES["/v1/estimate"]
    series = client.post("/v1/estimate", json=body).json()["series"]
    r = client.post("/v1/estimate", json=body, headers={"accept": "text/csv"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert "accept" in r.headers["vary"].lower()
    rows = _rows(r.text)
    assert [float(x["month"]) for x in rows] == [p["month"] for p in series]
    assert [float(x["fine_tuned_cumulative_usd"]) for x in rows] == [
        p["fine_tuned_cumulative_usd"] for p in series
    ]


def test_sweep_and_compare_as_csv(client: TestClient[Litestar]) -> None:
    """Sweep: one row per grid point; compare: one row per combination, cheapest first."""
    sweep = client.post("/v1/sweep", json=BODIES["/v1/sweep"]).json()
    r = client.post("/v1/sweep", json=BODIES["/v1/sweep"], headers={"accept": "text/csv"})
    rows = _rows(r.text)
    assert len(rows) == sweep["points"]
    assert [float(x["monthly_net_savings_usd"]) for x in rows] == sweep["monthly_net_savings_usd"]
    compare = client.post("/v1/compare", json=BODIES["/v1/compare"]).json()
    r = client.post("/v1/compare", json=BODIES["/v1/compare"], headers={"accept": "text/csv"})
    rows = _rows(r.text)
    priced = [x for x in rows if x["rank"]]
    assert [int(x["rank"]) for x in priced] == [row["rank"] for row in compare["rows"]]
    assert [float(x["training_usd"]) for x in priced] == [
        row["training_usd"] for row in compare["rows"]
    ]


def test_problems_stay_problem_json(client: TestClient[Litestar]) -> None:
    """An error asked for as CSV is still an RFC 9457 problem document."""
    bad = {**BODIES["/v1/estimate"], "model": "gpt-nope"}
    r = client.post("/v1/estimate", json=bad, headers={"accept": "text/csv"})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_openapi_documents_the_csv_answers(client: TestClient[Litestar]) -> None:
    """The three operations list text/csv beside application/json for their 200 answer."""
    doc = client.get("/openapi.json").json()
    for path in BODIES:
        content = doc["paths"][path]["post"]["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv"}
