"""POST /v1/traffic/analyze through the litestar app, in-process."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
import pytest
import traffic_data as td
from litestar import Litestar
from litestar.testing import TestClient
from traffic_ref import RefCounter

from ftcost.api.app import create_app
from ftcost.catalog import Catalog
from ftcost.settings import Settings, from_env
from ftcost.traffic import analyze_traffic

SETTINGS = Settings(max_body_bytes=16 * 1024, max_traffic_bytes=400 * 1024, access_log=False)
JSONL = {"content-type": "application/jsonl"}


@pytest.fixture(scope="module")
def client(catalog: Catalog) -> Iterator[TestClient[Litestar]]:
    """An in-process client of the app with small limits."""
    with TestClient(create_app(SETTINGS, catalog=catalog)) as c:
        yield c


def test_report_equals_the_core(
    client: TestClient[Litestar], catalog: Catalog, ref: RefCounter
) -> None:
    """The streamed upload (over the JSON body limit) gives the core's report, and its scenario
    and distributions go straight into /v1/simulate."""
    data = td.generate(120, counter=ref).data()
    assert len(data) > SETTINGS.max_body_bytes
    r = client.post("/v1/traffic/analyze?model=gpt-4.1-mini&distill=true", content=data,
                    headers=JSONL)  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    core = analyze_traffic([data], catalog=catalog, model="gpt-4.1-mini", distill=True)
    assert body == msgspec.to_builtins(core)
    for key in ("requests", "requests_per_month", "span_days", "groups", "scenario"):
        assert key in body
    for key in ("prompt_tokens", "output_tokens", "cached_tokens", "shared_prefix_tokens"):
        assert set(body[key]) >= {"p10", "p50", "p90", "mean"}
    scenario = dict(body["scenario"], start_date="2026-12-01")
    sim = client.post(
        "/v1/simulate",
        json={"scenario": scenario, "distributions": body["distributions"], "samples": 200},
    )
    assert sim.status_code == 200, sim.text


def test_own_size_limit(client: TestClient[Litestar]) -> None:
    """Over FTCOST_MAX_TRAFFIC_BYTES the upload is a 413 problem."""
    data = b"x" * (SETTINGS.max_traffic_bytes + 1)
    r = client.post("/v1/traffic/analyze?model=gpt-4.1-mini", content=data, headers=JSONL)
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["limit_bytes"] == SETTINGS.max_traffic_bytes


@pytest.mark.parametrize(
    ("query", "content", "headers", "status"),
    [
        ("model=gpt-4.1-mini", b'{"messages": []}\n', {"content-type": "image/png"}, 415),
        ("model=no-such-model", b'{"messages": []}\n', JSONL, 404),
        ("model=gpt-4.1-mini", b"", JSONL, 422),
        ("model=gpt-4.1-mini&format=xml", b"{}\n", JSONL, 400),
    ],
    ids=["media-type", "unknown-model", "empty", "bad-format"],
)
def test_problems(
    client: TestClient[Litestar], query: str, content: bytes, headers: dict[str, str], status: int
) -> None:
    """Wrong media type, unknown model, empty body and bad options are problem documents."""
    r = client.post(f"/v1/traffic/analyze?{query}", content=content, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_bad_lines_are_listed(client: TestClient[Litestar], ref: RefCounter) -> None:
    """Bad lines come back as issues with their numbers; the rest is analysed."""
    data = b"{nope\n" + td.generate(5, counter=ref).data()
    r = client.post("/v1/traffic/analyze?model=gpt-4.1-mini", content=data, headers=JSONL)
    assert r.status_code == 200
    assert r.json()["issues"][0]["line"] == 1
    assert r.json()["requests"] == 5


def test_setting_from_env() -> None:
    """FTCOST_MAX_TRAFFIC_BYTES sets the limit (binary suffixes accepted)."""
    assert from_env({"FTCOST_MAX_TRAFFIC_BYTES": "2g"}).max_traffic_bytes == 2 << 30
    assert Settings().max_traffic_bytes == 1 << 30
