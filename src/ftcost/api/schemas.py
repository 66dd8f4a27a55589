"""Wire-only Structs of the HTTP API (requests end in ``Request``, responses in ``Response``).

Operations that take or return a core type (``Scenario``, ``Projection``, ``DatasetReport``)
use it directly, so the API, the CLI's ``--json`` and the widget share one shape.
``SCHEMA_EXAMPLES`` attaches an example to the OpenAPI schema of a Struct.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from ftcost.catalog import (
    CatalogInfo,
    Customer,
    Encoding,
    Lifecycle,
    Method,
    ModelEntry,
    ModelStatus,
    ProviderId,
    Tier,
)
from ftcost.engine import CompareRequest, Scenario, SimulateRequest, SolveRequest, SweepRequest

__all__ = [
    "SCHEMA_EXAMPLES",
    "HealthResponse",
    "ModelResponse",
    "ModelSummary",
    "ModelsResponse",
]


class _Wire(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Keyword-only; requests reject unknown keys (``additionalProperties: false``)."""


class HealthResponse(_Wire, kw_only=True):
    """The service is up and has a catalog loaded."""

    status: Literal["ok"]
    version: str
    catalog_versions: dict[str, str]


class ModelSummary(_Wire, kw_only=True):
    """One catalog model: names, encoding, what it can be fine-tuned with, where."""

    provider: ProviderId
    id: str
    aliases: list[str]
    encoding: Encoding | None
    tokenizer: str | None = None  # a tokenizer other than tiktoken ("hf:<owner>/<repo>")
    methods: list[Method]
    training_tiers: list[Tier]
    deployments: list[Tier]
    regions: list[str]
    training_example_tokens: int | None
    status: ModelStatus  # on the date asked about (``on``, default today), for ``customer``
    lifecycle: Lifecycle | None


class ModelsResponse(_Wire, kw_only=True):
    """The models matching the filters, and the catalog versions they come from."""

    models: list[ModelSummary]
    catalog: list[CatalogInfo]
    on: dt.date
    customer: Customer
    retired_hidden: int  # retired models left out (``include_retired=false``)


class ModelResponse(_Wire, kw_only=True):
    """One catalog entry in full: prices with sources, limits, latency, regions, lifecycle."""

    provider: ProviderId
    requested: str
    fine_tune_id: str | None
    model: ModelEntry
    catalog: CatalogInfo


ModelId = Annotated[str, Meta(min_length=1, max_length=300)]

SCHEMA_EXAMPLES: dict[type[Any], list[Any]] = {}

SCHEMA_EXAMPLES[Scenario] = [
    {
        "provider": "azure",
        "model": "gpt-4.1-mini",
        "region": None,
        "training": {
            "method": "sft",
            "tier": "global",
            "tokens_per_epoch": 1000000,
            "epochs": 3,
            "runs": 1,
        },
        "deployment": {"type": "global", "count": 1, "hours_per_month": 730},
        "traffic": {"requests_per_month": 3000000},
        "base": {
            "model": "gpt-4.1-mini",
            "deployment": "global",
            "prompt_tokens": 2500,
            "cached_prompt_tokens": 0,
            "output_tokens": 200,
        },
        "fine_tuned": {"prompt_tokens": 500, "cached_prompt_tokens": 0, "output_tokens": 200},
        "retrain_every_months": 6,
        "horizon_months": 12,
    }
]

_SCENARIO = SCHEMA_EXAMPLES[Scenario][0]

SCHEMA_EXAMPLES[SolveRequest] = [
    {"scenario": _SCENARIO, "field": "traffic.requests_per_month", "target": "break_even"},
    {
        "scenario": _SCENARIO,
        "field": "fine_tuned.prompt_tokens",
        "target": "payback",
        "payback_months": 3,
    },
]

SCHEMA_EXAMPLES[SweepRequest] = [
    {
        "scenario": _SCENARIO,
        "axes": [
            {
                "field": "traffic.requests_per_month",
                "start": 100000,
                "stop": 10000000,
                "num": 5,
                "scale": "log",
            },
            {"field": "fine_tuned.prompt_tokens", "values": [250, 500, 1000]},
        ],
    }
]

SCHEMA_EXAMPLES[CompareRequest] = [
    {
        "scenario": _SCENARIO,
        "variants": {
            "tiers": ["standard", "global", "developer"],
            "models": ["gpt-4.1-mini", "gpt-4.1-nano"],
        },
        "rank_by": "horizon_total",
    }
]

SCHEMA_EXAMPLES[SimulateRequest] = [
    {
        "scenario": _SCENARIO,
        "distributions": {
            "traffic.requests_per_month": {"kind": "lognormal", "p10": 1000000, "p90": 6000000},
            "fine_tuned.prompt_tokens": {
                "kind": "triangular",
                "low": 300,
                "mode": 500,
                "high": 900,
            },
        },
        "samples": 10000,
        "seed": 1,
    }
]
