"""POST /v1/solve, /v1/sweep, /v1/compare, /v1/simulate: the core's answer, or a 4xx problem.

Happy paths compare with the core functions called directly on the same request (with
``scenario.start_date`` set to today, as the adapter does); bad-input tables name the status,
the problem slug and the request path of the culprit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from problem_checks import SCENARIO, assert_problem, changed

from ftcost.api.routes_analysis import dated
from ftcost.api.schemas import SCHEMA_EXAMPLES
from ftcost.catalog import Catalog
from ftcost.engine import (
    CompareRequest,
    SimulateRequest,
    SolveRequest,
    SweepRequest,
    compare,
    simulate,
    solve,
    sweep,
)

JSON = "application/json"

OPERATIONS: dict[str, tuple[type[Any], Callable[..., Any]]] = {
    "/v1/solve": (SolveRequest, solve),
    "/v1/sweep": (SweepRequest, sweep),
    "/v1/compare": (CompareRequest, compare),
    "/v1/simulate": (SimulateRequest, simulate),
}


def core_answer(catalog: Catalog, path: str, body: dict[str, Any], today: dt.date) -> Any:
    request_type, function = OPERATIONS[path]
    request = dated(msgspec.convert(body, request_type), today)
    return json.loads(msgspec.json.encode(function(request, catalog)))


def call(client: TestClient[Litestar], path: str, body: Any) -> Any:
    return client.post(path, content=json.dumps(body), headers={"content-type": JSON})


HAPPY: list[tuple[str, str, dict[str, Any]]] = [
    ("solve-volume", "/v1/solve", {"scenario": SCENARIO, "field": "traffic.requests_per_month"}),
    (
        "solve-payback-prompt",
        "/v1/solve",
        {
            "scenario": SCENARIO,
            "field": "fine_tuned.prompt_tokens",
            "target": "payback",
            "payback_months": 3,
        },
    ),
    ("solve-retrain", "/v1/solve", {"scenario": SCENARIO, "field": "retrain_every_months"}),
    (
        "solve-unreachable",
        "/v1/solve",
        {
            "scenario": changed(SCENARIO, "fine_tuned.prompt_tokens", 2500),
            "field": "deployment.count",
        },
    ),
    (
        "sweep-one-axis",
        "/v1/sweep",
        {
            "scenario": SCENARIO,
            "axes": [{"field": "traffic.requests_per_month", "values": [0, 1e5, 1e6, 1e7]}],
        },
    ),
    (
        "sweep-two-axes",
        "/v1/sweep",
        {
            "scenario": SCENARIO,
            "axes": [
                {
                    "field": "traffic.requests_per_month",
                    "start": 1e4,
                    "stop": 1e8,
                    "num": 9,
                    "scale": "log",
                },
                {"field": "fine_tuned.prompt_tokens", "start": 100, "stop": 2500, "num": 7},
            ],
        },
    ),
    (
        "compare-tiers-models",
        "/v1/compare",
        {
            "scenario": SCENARIO,
            "variants": {
                "tiers": ["standard", "global", "developer"],
                "models": ["gpt-4.1-mini", "gpt-4.1-nano"],
            },
        },
    ),
    (
        "compare-regions-monthly",
        "/v1/compare",
        {
            "scenario": changed(SCENARIO, "training.tier", "standard"),
            "variants": {"regions": [None, "swedencentral", "northcentralus", "eastus2"]},
            "rank_by": "monthly_total",
        },
    ),
    (
        "simulate-two-fields",
        "/v1/simulate",
        {
            "scenario": SCENARIO,
            "distributions": {
                "traffic.requests_per_month": {"kind": "lognormal", "p10": 1e6, "p90": 6e6},
                "fine_tuned.prompt_tokens": {
                    "kind": "triangular",
                    "low": 300,
                    "mode": 500,
                    "high": 900,
                },
            },
            "samples": 5000,
            "seed": 7,
        },
    ),
    (
        "simulate-fixed-uniform",
        "/v1/simulate",
        {
            "scenario": SCENARIO,
            "distributions": {
                "deployment.count": {"kind": "fixed", "value": 2},
                "training.epochs": {"kind": "uniform", "low": 1, "high": 5},
            },
        },
    ),
]


@pytest.mark.parametrize(("path", "body"), [h[1:] for h in HAPPY], ids=[h[0] for h in HAPPY])
def test_operation_equals_the_core(
    client: TestClient[Litestar], catalog: Catalog, path: str, body: dict[str, Any]
) -> None:
    """The operation answers exactly what the core function returns for the same request."""
    before = dt.date.today()
    response = call(client, path, body)
    after = dt.date.today()
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    got = response.json()
    assert got in (
        core_answer(catalog, path, body, before),
        core_answer(catalog, path, body, after),
    )


@pytest.mark.parametrize("path", list(OPERATIONS))
def test_schema_examples_are_answered(
    client: TestClient[Litestar], catalog: Catalog, path: str
) -> None:
    """Every example shown in the OpenAPI schema is a valid request with a 200 answer."""
    request_type, _ = OPERATIONS[path]
    for example in SCHEMA_EXAMPLES[request_type]:
        response = call(client, path, example)
        assert response.status_code == 200, response.text


def test_solve_answer_breaks_even(client: TestClient[Litestar]) -> None:
    """The solved volume is the Projection's own break-even volume at that point."""
    doc = call(client, "/v1/solve", {"scenario": SCENARIO, "field": "traffic.requests_per_month"})
    result = doc.json()
    assert result["status"] == "solved"
    projection = result["projection"]
    assert projection["scenario"]["traffic"]["requests_per_month"] == result["value"]
    assert result["value"] == pytest.approx(projection["break_even"]["requests_per_month"])


def test_start_date_defaults_to_today_and_a_given_one_is_kept(
    client: TestClient[Litestar],
) -> None:
    """The scenario inside a request is projected from today unless it has a start_date."""
    body = {"scenario": SCENARIO, "field": "traffic.requests_per_month"}
    before = dt.date.today().isoformat()
    got = call(client, "/v1/solve", body).json()["projection"]["scenario"]["start_date"]
    assert got in (before, dt.date.today().isoformat())
    body = {"scenario": changed(SCENARIO, "start_date", "2025-03-01"), "field": body["field"]}
    got = call(client, "/v1/solve", body).json()["projection"]["scenario"]["start_date"]
    assert got == "2025-03-01"


def test_sweep_grid_is_row_major(client: TestClient[Litestar]) -> None:
    """Point (i, j) of a two-axis sweep equals a one-point sweep at those two values."""
    axes = [
        {"field": "traffic.requests_per_month", "values": [1e5, 2e6, 9e6]},
        {"field": "fine_tuned.prompt_tokens", "values": [100, 1500]},
    ]
    grid = call(client, "/v1/sweep", {"scenario": SCENARIO, "axes": axes}).json()
    assert grid["shape"] == [3, 2]
    for i, volume in enumerate(axes[0]["values"]):
        for j, tokens in enumerate(axes[1]["values"]):
            one = call(
                client,
                "/v1/sweep",
                {
                    "scenario": changed(SCENARIO, "fine_tuned.prompt_tokens", tokens),
                    "axes": [{"field": "traffic.requests_per_month", "values": [volume]}],
                },
            ).json()
            k = i * 2 + j
            assert grid["monthly_net_savings_usd"][k] == pytest.approx(
                one["monthly_net_savings_usd"][0]
            )


S = SCENARIO
FIELD = "traffic.requests_per_month"
ONE_AXIS = [{"field": FIELD, "values": [1]}]
FIXED = {FIELD: {"kind": "fixed", "value": 1}}

BAD: list[tuple[str, str, Any, int, str, str]] = [
    # solve
    ("solve-no-scenario", "/v1/solve", {"field": FIELD}, 400, "malformed-request", "scenario"),
    ("solve-no-field", "/v1/solve", {"scenario": S}, 400, "malformed-request", "field"),
    (
        "solve-field-pattern",
        "/v1/solve",
        {"scenario": S, "field": "Traffic"},
        400,
        "malformed-request",
        "field",
    ),
    (
        "solve-unknown-field",
        "/v1/solve",
        {"scenario": S, "field": "traffic.foo"},
        422,
        "invalid-input",
        "field",
    ),
    (
        "solve-text-field",
        "/v1/solve",
        {"scenario": S, "field": "model"},
        422,
        "invalid-input",
        "field",
    ),
    (
        "solve-unknown-target",
        "/v1/solve",
        {"scenario": S, "field": FIELD, "target": "profit"},
        400,
        "malformed-request",
        "target",
    ),
    (
        "solve-payback-months-without-payback",
        "/v1/solve",
        {"scenario": S, "field": FIELD, "payback_months": 3},
        422,
        "invalid-input",
        "payback_months",
    ),
    (
        "solve-zero-payback-months",
        "/v1/solve",
        {"scenario": S, "field": FIELD, "target": "payback", "payback_months": 0},
        400,
        "malformed-request",
        "payback_months",
    ),
    (
        "solve-unknown-model",
        "/v1/solve",
        {"scenario": changed(S, "model", "gpt-4.1-mimi"), "field": FIELD},
        404,
        "unknown-model",
        "scenario.model",
    ),
    (
        "solve-negative-in-scenario",
        "/v1/solve",
        {"scenario": changed(S, "base.prompt_tokens", -1), "field": FIELD},
        400,
        "malformed-request",
        "scenario.base.prompt_tokens",
    ),
    (
        "solve-inconsistent-scenario",
        "/v1/solve",
        {"scenario": changed(S, "base.cached_prompt_tokens", 3000), "field": FIELD},
        422,
        "invalid-input",
        "scenario.base.cached_prompt_tokens",
    ),
    (
        "solve-unknown-key",
        "/v1/solve",
        {"scenario": S, "field": FIELD, "x": 1},
        400,
        "malformed-request",
        "x",
    ),
    # sweep
    ("sweep-no-axes", "/v1/sweep", {"scenario": S, "axes": []}, 400, "malformed-request", "axes"),
    (
        "sweep-three-axes",
        "/v1/sweep",
        {"scenario": S, "axes": ONE_AXIS * 3},
        400,
        "malformed-request",
        "axes",
    ),
    (
        "sweep-negative-value",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": FIELD, "values": [5, -1]}]},
        400,
        "malformed-request",
        "axes[0].values[1]",
    ),
    ("sweep-nan-value", "/v1/sweep", None, 400, "malformed-request", ""),
    (
        "sweep-fractional-tokens",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": "fine_tuned.prompt_tokens", "values": [1, 2.5]}]},
        422,
        "invalid-input",
        "axes[0].values[1]",
    ),
    (
        "sweep-over-field-bound",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": "deployment.hours_per_month", "values": [800]}]},
        422,
        "invalid-input",
        "axes[0].values[0]",
    ),
    (
        "sweep-values-and-range",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": FIELD, "values": [1], "start": 1}]},
        422,
        "invalid-input",
        "axes[0]",
    ),
    (
        "sweep-range-without-num",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": FIELD, "start": 1, "stop": 2}]},
        422,
        "invalid-input",
        "axes[0].num",
    ),
    (
        "sweep-log-from-zero",
        "/v1/sweep",
        {
            "scenario": S,
            "axes": [{"field": FIELD, "start": 0, "stop": 2, "num": 3, "scale": "log"}],
        },
        422,
        "invalid-input",
        "axes[0].start",
    ),
    (
        "sweep-too-many-points",
        "/v1/sweep",
        {
            "scenario": S,
            "axes": [
                {"field": FIELD, "start": 0, "stop": 1, "num": 1000},
                {"field": "deployment.hours_per_month", "start": 0, "stop": 1, "num": 1001},
            ],
        },
        422,
        "invalid-input",
        "axes",
    ),
    (
        "sweep-huge-num",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": FIELD, "start": 0, "stop": 1, "num": 10**7}]},
        400,
        "malformed-request",
        "axes[0].num",
    ),
    (
        "sweep-same-field-twice",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": FIELD, "values": [1]}, {"field": FIELD, "values": [2]}]},
        422,
        "invalid-input",
        "axes[1].field",
    ),
    (
        "sweep-unknown-field",
        "/v1/sweep",
        {"scenario": S, "axes": [{"field": "traffic.peak", "values": [1]}]},
        422,
        "invalid-input",
        "axes[0].field",
    ),
    # compare
    ("compare-no-variants", "/v1/compare", {"scenario": S}, 400, "malformed-request", "variants"),
    (
        "compare-empty-variants",
        "/v1/compare",
        {"scenario": S, "variants": {}},
        422,
        "invalid-input",
        "variants",
    ),
    (
        "compare-empty-list",
        "/v1/compare",
        {"scenario": S, "variants": {"tiers": []}},
        400,
        "malformed-request",
        "variants.tiers",
    ),
    (
        "compare-unknown-tier",
        "/v1/compare",
        {"scenario": S, "variants": {"tiers": ["gold"]}},
        400,
        "malformed-request",
        "variants.tiers[0]",
    ),
    (
        "compare-duplicate-tier",
        "/v1/compare",
        {"scenario": S, "variants": {"tiers": ["global", "global"]}},
        422,
        "invalid-input",
        "variants.tiers[1]",
    ),
    (
        "compare-unknown-region",
        "/v1/compare",
        {"scenario": S, "variants": {"regions": ["marsnorth"]}},
        422,
        "invalid-input",
        "variants.regions[0]",
    ),
    (
        "compare-region-on-openai",
        "/v1/compare",
        {"scenario": changed(S, "provider", "openai"), "variants": {"regions": ["swedencentral"]}},
        422,
        "invalid-input",
        "variants.regions[0]",
    ),
    (
        "compare-unknown-model",
        "/v1/compare",
        {"scenario": S, "variants": {"models": ["gpt-4.1-mini", "gpt-9"]}},
        404,
        "unknown-model",
        "variants.models[1]",
    ),
    (
        "compare-too-many",
        "/v1/compare",
        {
            "scenario": S,
            "variants": {
                "tiers": ["standard", "global", "developer"],
                "deployments": ["standard", "global", "developer"],
                "regions": [
                    "swedencentral",
                    "eastus",
                    "eastus2",
                    "westus",
                    "westus3",
                    "uksouth",
                    "italynorth",
                    "japaneast",
                    "koreacentral",
                    "norwayeast",
                    "polandcentral",
                    "southindia",
                ],
            },
        },
        422,
        "invalid-input",
        "variants",
    ),
    (
        "compare-unknown-rank",
        "/v1/compare",
        {"scenario": S, "variants": {"tiers": ["global"]}, "rank_by": "cheapest"},
        400,
        "malformed-request",
        "rank_by",
    ),
    # simulate
    (
        "simulate-no-distributions",
        "/v1/simulate",
        {"scenario": S, "distributions": {}},
        400,
        "malformed-request",
        "distributions",
    ),
    (
        "simulate-unknown-kind",
        "/v1/simulate",
        {"scenario": S, "distributions": {FIELD: {"kind": "beta", "a": 1}}},
        400,
        "malformed-request",
        "",
    ),
    (
        "simulate-missing-kind",
        "/v1/simulate",
        {"scenario": S, "distributions": {FIELD: {"value": 1}}},
        400,
        "malformed-request",
        "",
    ),
    (
        "simulate-bad-key",
        "/v1/simulate",
        {"scenario": S, "distributions": {"Traffic!": {"kind": "fixed", "value": 1}}},
        400,
        "malformed-request",
        "distributions",
    ),
    (
        "simulate-unknown-field",
        "/v1/simulate",
        {"scenario": S, "distributions": {"traffic.foo": {"kind": "fixed", "value": 1}}},
        422,
        "invalid-input",
        "distributions.traffic.foo",
    ),
    (
        "simulate-low-over-high",
        "/v1/simulate",
        {"scenario": S, "distributions": {FIELD: {"kind": "uniform", "low": 5, "high": 1}}},
        422,
        "invalid-input",
        f"distributions.{FIELD}.high",
    ),
    (
        "simulate-over-field-bound",
        "/v1/simulate",
        {
            "scenario": S,
            "distributions": {"deployment.hours_per_month": {"kind": "fixed", "value": 800}},
        },
        422,
        "invalid-input",
        "distributions.deployment.hours_per_month.value",
    ),
    (
        "simulate-zero-p10",
        "/v1/simulate",
        {"scenario": S, "distributions": {FIELD: {"kind": "lognormal", "p10": 0, "p90": 1}}},
        400,
        "malformed-request",
        "",
    ),
    (
        "simulate-zero-samples",
        "/v1/simulate",
        {"scenario": S, "distributions": FIXED, "samples": 0},
        400,
        "malformed-request",
        "samples",
    ),
    (
        "simulate-too-many-samples",
        "/v1/simulate",
        {"scenario": S, "distributions": FIXED, "samples": 10**6},
        400,
        "malformed-request",
        "samples",
    ),
    (
        "simulate-negative-seed",
        "/v1/simulate",
        {"scenario": S, "distributions": FIXED, "seed": -1},
        400,
        "malformed-request",
        "seed",
    ),
    (
        "simulate-huge-seed",
        "/v1/simulate",
        {"scenario": S, "distributions": FIXED, "seed": 2**64},
        400,
        "malformed-request",
        "seed",
    ),
    (
        "simulate-unknown-model",
        "/v1/simulate",
        {"scenario": changed(S, "model", "davinci-003"), "distributions": FIXED},
        404,
        "unknown-model",
        "scenario.model",
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "status", "slug", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_analysis_bad_input(
    client: TestClient[Litestar], path: str, body: Any, status: int, slug: str, field: str
) -> None:
    """Each bad request is its 4xx problem, naming the request path of the culprit."""
    if body is None:  # NaN is not JSON: write it by hand
        raw = json.dumps({"scenario": S, "axes": [{"field": FIELD, "values": ["__X__"]}]})
        response = client.post(
            path, content=raw.replace('"__X__"', "NaN"), headers={"content-type": JSON}
        )
    else:
        response = call(client, path, body)
    doc = assert_problem(response, status, slug)
    if field:
        assert doc.get("field") == field, doc
