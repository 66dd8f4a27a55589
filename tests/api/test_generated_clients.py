"""Clients generated from the committed openapi/openapi.json work against a live server.

openapi-python-client (attrs classes and one function per operation) and
datamodel-code-generator (pydantic models) are run on the committed document; the server is the
real app under uvicorn on 127.0.0.1, started and stopped here. Estimate, solve, sweep, compare
and simulate must parse into typed objects whose figures equal the server's JSON.
"""

from __future__ import annotations

import copy
import importlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from ftcost.api.app import create_app
from ftcost.api.schemas import SCHEMA_EXAMPLES
from ftcost.engine import CompareRequest, Scenario, SimulateRequest, SolveRequest, SweepRequest
from ftcost.settings import Settings

pytestmark = pytest.mark.slow

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
BIN = Path(sys.executable).parent
PACKAGE = "ftcost_generated_client"

SCENARIO = SCHEMA_EXAMPLES[Scenario][0]
AUTO_EPOCHS = {**SCENARIO, "training": {**SCENARIO["training"], "epochs": "auto"}}
# what-if: (path, request body, module of the openapi-python-client function)
CALLS: dict[str, tuple[str, dict[str, Any], str]] = {
    "estimate": ("/v1/estimate", SCENARIO, "projections.estimate_cost"),
    "estimate-auto-epochs": ("/v1/estimate", AUTO_EPOCHS, "projections.estimate_cost"),
    "solve": ("/v1/solve", SCHEMA_EXAMPLES[SolveRequest][0], "analysis.solve_break_even"),
    "sweep": ("/v1/sweep", SCHEMA_EXAMPLES[SweepRequest][0], "analysis.sweep_scenario"),
    "compare": ("/v1/compare", SCHEMA_EXAMPLES[CompareRequest][0], "analysis.compare_scenarios"),
    "simulate": ("/v1/simulate", SCHEMA_EXAMPLES[SimulateRequest][0], "analysis.simulate_scenario"),
}
RESULT_MODELS = {
    "/v1/estimate": "Projection",
    "/v1/solve": "SolveResult",
    "/v1/sweep": "SweepResult",
    "/v1/compare": "CompareResult",
    "/v1/simulate": "SimulateResult",
}
REQUEST_MODELS = {
    "/v1/estimate": "Scenario",
    "/v1/solve": "SolveRequest",
    "/v1/sweep": "SweepRequest",
    "/v1/compare": "CompareRequest",
    "/v1/simulate": "SimulateRequest",
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on a free loopback port, for this module only."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(access_log=False))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", loop="asyncio")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=15)
    sock.close()


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Both generators run on the committed document, into a folder put on sys.path."""
    out = tmp_path_factory.mktemp("clients")
    opc = _run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(SPEC),
            "--meta",
            "none",
            "--output-path",
            str(out / PACKAGE),
        ],
        out,
    )
    assert opc.returncode == 0, opc.stdout + opc.stderr
    log = opc.stdout + opc.stderr
    # Not one warning, skipped endpoint or dropped schema.
    for word in ("Warning", "WARNING", "Unable", "will not be generated", "Skipping"):
        assert word not in log, log
    dmcg = _run(
        [
            str(BIN / "datamodel-codegen"),
            "--input",
            str(SPEC),
            "--input-file-type",
            "openapi",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--output",
            str(out / "ftcost_pydantic_models.py"),
        ],
        out,
    )
    assert dmcg.returncode == 0, dmcg.stdout + dmcg.stderr
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.startswith((PACKAGE, "ftcost_pydantic"))]:
            del sys.modules[name]


def _server_json(server: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(server + path, json=body, timeout=60)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _numbers(value: Any, prefix: str = "") -> dict[str, float]:
    """Every number of a JSON value by its path (the figures to compare)."""
    out: dict[str, float] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(_numbers(v, f"{prefix}.{k}"))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.update(_numbers(v, f"{prefix}[{i}]"))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out[prefix] = float(value)
    return out


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


@pytest.mark.parametrize("call", list(CALLS))
def test_openapi_python_client_parses_every_what_if(
    generated: Path, server: str, call: str
) -> None:
    """openapi-python-client's typed call returns the result model; its figures are the server's."""
    path, body, module = CALLS[call]
    client_mod = importlib.import_module(PACKAGE)
    models = importlib.import_module(f"{PACKAGE}.models")
    operation = importlib.import_module(f"{PACKAGE}.api.{module}")
    request_type = getattr(models, REQUEST_MODELS[path])
    result_type = getattr(models, RESULT_MODELS[path])
    with client_mod.Client(base_url=server, raise_on_unexpected_status=True) as client:
        result = operation.sync(client=client, body=request_type.from_dict(copy.deepcopy(body)))
    assert isinstance(result, result_type), result
    expected = _server_json(server, path, body)
    got = result.to_dict()
    assert _numbers(_drop_none(got)) == _numbers(_drop_none(expected))
    assert _drop_none(json.loads(json.dumps(got))) == _drop_none(expected)


@pytest.mark.parametrize("call", list(CALLS))
def test_datamodel_code_generator_models_parse_every_what_if(
    generated: Path, server: str, call: str
) -> None:
    """The pydantic models validate the server's answer and keep every figure."""
    path, body, _ = CALLS[call]
    models = importlib.import_module("ftcost_pydantic_models")
    request_type = getattr(models, REQUEST_MODELS[path])
    result_type = getattr(models, RESULT_MODELS[path])
    sent = request_type.model_validate(body).model_dump(mode="json", exclude_unset=True)
    expected = _server_json(server, path, sent)
    parsed = result_type.model_validate(expected)
    assert _numbers(parsed.model_dump(mode="json")) == _numbers(expected)
    assert _drop_none(parsed.model_dump(mode="json", by_alias=True)) == _drop_none(expected)
