"""The committed openapi/openapi.json is the app's document: regenerate it when routes change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ftcost.api.app import create_app, openapi_document
from ftcost.cli import main

SPEC = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"
REGENERATE = "the committed openapi/openapi.json is out of date; regenerate it with: ftcost openapi"

# Every operation of the DESIGN contract that the app serves, by stable operation id.
DESIGN_OPERATIONS = {
    ("get", "/healthz"): "HealthCheck",
    ("get", "/v1/models"): "ListModels",
    ("get", "/v1/models/{model_id}"): "GetModel",
    ("post", "/v1/estimate"): "EstimateCost",
    ("post", "/v1/tokens/count"): "CountTokens",
    ("post", "/v1/datasets/analyze"): "AnalyzeDataset",
    ("post", "/v1/solve"): "SolveBreakEven",
    ("post", "/v1/sweep"): "SweepScenario",
    ("post", "/v1/compare"): "CompareScenarios",
    ("post", "/v1/simulate"): "SimulateScenario",
    ("get", "/widget/ftcost-widget.js"): "GetWidgetScript",
    ("get", "/widget"): "GetWidgetPage",
}


@pytest.fixture(scope="module")
def document() -> dict[str, object]:
    """The app's OpenAPI document, built exactly as ``ftcost openapi`` builds it."""
    return openapi_document(create_app())


def test_committed_spec_is_current(document: dict[str, object]) -> None:
    """openapi/openapi.json equals the app's document (run `ftcost openapi` when it does not)."""
    committed = json.loads(SPEC.read_text(encoding="utf-8"))
    assert committed == document, REGENERATE


def test_committed_spec_is_formatted_as_written(document: dict[str, object]) -> None:
    """The file is byte-for-byte what `ftcost openapi` writes (no hand edits, no reformatting)."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    assert SPEC.read_text(encoding="utf-8") == text, REGENERATE


def test_openapi_check_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """`ftcost openapi --check` passes on the committed file, fails on a stale one with the fix."""
    assert main(["openapi", "--check", "--output", str(SPEC)]) == 0
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert main(["openapi", "--check", "--output", str(stale)]) == 1
    assert "regenerate it with: ftcost openapi" in capsys.readouterr().err


def test_operations_have_stable_ids(document: dict[str, object]) -> None:
    """Each DESIGN operation is in the document under its CamelCase operation id, once."""
    paths = document["paths"]
    assert isinstance(paths, dict)
    for (method, path), op_id in DESIGN_OPERATIONS.items():
        assert paths[path][method]["operationId"] == op_id
    ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_body_operations_document_their_problems(document: dict[str, object]) -> None:
    """Every JSON-body operation documents 400, 413, 415 and 422 as problem+json."""
    paths = document["paths"]
    assert isinstance(paths, dict)
    for (method, path), _ in DESIGN_OPERATIONS.items():
        if method != "post":
            continue
        responses = paths[path][method]["responses"]
        for status in ("400", "413", "415", "422"):
            assert "application/problem+json" in responses[status]["content"], (path, status)
