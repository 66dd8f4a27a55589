"""Property-based conformance: schemathesis drives every operation of the served schema.

A schema-valid request may still be a 422 problem (documented on every operation that can
answer it): the catalog decides which model, tier and region combinations exist, which no
JSON Schema can say. Positive-data acceptance therefore counts 422 as expected. Likewise 413:
the body-size limit is a deployment setting (``FTCOST_MAX_BODY_BYTES``, 256 KiB here), so a
schema-valid body with a few hundred thousand characters of prompt text is rightly refused.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case

from ftcost.api.app import create_app
from ftcost.catalog import load_catalog
from ftcost.settings import Settings

APP = create_app(Settings(max_body_bytes=256 * 1024), catalog=load_catalog())
CONFIG = schemathesis.config.SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "413", "422", "429"]
            }
        }
    }
)
# POST /v1/datasets/analyze takes JSONL text: send the generated strings as they are.
schemathesis.serializer.alias("application/jsonl", "text/plain")
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


def test_schema_covers_every_operation() -> None:
    """The schema schemathesis loads lists every operation of the DESIGN contract."""
    ids = {op.ok().definition.raw.get("operationId") for op in SCHEMA.get_all_operations()}
    assert {
        "HealthCheck",
        "ListModels",
        "GetModel",
        "EstimateCost",
        "CountTokens",
        "AnalyzeDataset",
        "SolveBreakEven",
        "SweepScenario",
        "CompareScenarios",
        "SimulateScenario",
        "GetWidgetScript",
        "GetWidgetPage",
    } <= ids


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Case) -> None:
    """Generated requests never get a 5xx and every answer matches the documented schema."""
    case.call_and_validate()
