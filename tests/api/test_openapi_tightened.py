"""The served OpenAPI document states what the handlers check beyond one field's type."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ftcost.api.app import create_app, openapi_document
from ftcost.catalog import load_catalog
from ftcost.settings import Settings


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return openapi_document(create_app(Settings(max_sweep_points=5000), catalog=load_catalog()))


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


@pytest.mark.parametrize(
    ("path", "ok"),
    [
        ("traffic.requests_per_month", True),
        ("training.stages[3].epochs", True),
        ("training.stages[0].grader.output_tokens", True),
        ("_", False),
        ("traffic.requests", False),
        ("training.stages[0].tier", False),
    ],
)
def test_field_paths_are_the_numeric_inputs(doc: dict[str, Any], path: str, ok: bool) -> None:
    """Solve, sweep and simulate name a numeric Scenario input, nothing else."""
    schemas = _schemas(doc)
    patterns = [
        schemas["SolveRequest"]["properties"]["field"]["pattern"],
        schemas["SweepAxis"]["properties"]["field"]["pattern"],
        schemas["SimulateRequest"]["properties"]["distributions"]["propertyNames"]["pattern"],
    ]
    assert len(set(patterns)) == 1
    assert bool(re.match(patterns[0], path)) is ok


def test_sweep_axes_state_this_servers_point_limit(doc: dict[str, Any]) -> None:
    """An axis can have at most FTCOST_MAX_SWEEP_POINTS points (5,000 here)."""
    axis = _schemas(doc)["SweepAxis"]["properties"]
    assert axis["num"]["oneOf"][0]["maximum"] == 5000
    assert axis["values"]["oneOf"][0]["maxItems"] == 5000


def test_cross_field_rules(doc: dict[str, Any]) -> None:
    """Counting needs something to count; compare at least one list; a sweep axis values or a
    range; the ListModels region filter one of the catalog's regions."""
    schemas = _schemas(doc)
    # stated as x-ftcost-anyOf / x-ftcost-oneOf and in the description: client generators cannot
    # read an object-level anyOf of constraint-only clauses (openapi-python-client drops the type)
    count = schemas["CountTokensRequest"]
    assert [a["required"] for a in count["x-ftcost-anyOf"]] == [["text"], ["messages"], ["tools"]]
    assert "at least one of: `text`; `messages`; `tools`" in count["description"]
    assert len(schemas["CompareVariants"]["x-ftcost-anyOf"]) == 4
    assert [o["required"] for o in schemas["SweepAxis"]["x-ftcost-oneOf"]] == [
        ["values"],
        ["start", "stop", "num"],
    ]
    assert "exactly one of" in schemas["SweepAxis"]["description"]
    params = doc["paths"]["/v1/models"]["get"]["parameters"]
    region = next(p for p in params if p["name"] == "region")
    assert "swedencentral" in region["schema"]["oneOf"][0]["enum"]
