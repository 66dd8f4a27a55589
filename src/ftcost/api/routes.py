"""Thin handlers: decode (litestar + ``StrictJSON``), call the core, return a Struct.

Handlers are ``async``. Catalog reads and an estimate from token counts are a few microseconds
to a millisecond of CPU and run on the event loop; an estimate that counts prompt text runs in
a worker thread under the heavy-work limit (``ftcost.api.limits``), as every other CPU-heavy
operation does. ``services`` is injected by ``create_app`` (catalog, token counter, settings,
heavy-work limit, response cache).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter

from ftcost import __version__
from ftcost.api.body import StrictJSON, json_body
from ftcost.api.cache import ResponseCache
from ftcost.api.limits import HeavyWork
from ftcost.api.problems import problem_responses
from ftcost.api.schemas import (
    HealthResponse,
    ModelId,
    ModelResponse,
    ModelsResponse,
    ModelSummary,
)
from ftcost.catalog import (
    Catalog,
    Customer,
    Method,
    ModelEntry,
    ProviderId,
    filter_models,
    model_regions,
    model_status,
    resolve_model,
)
from ftcost.engine import Projection, Scenario, estimate, with_start_date
from ftcost.settings import Settings

__all__ = ["ROUTES", "Services"]


@dataclass(frozen=True, slots=True)
class Services:
    """What the handlers share: loaded once per app by ``create_app``."""

    settings: Settings
    catalog: Catalog
    counter: Any = None
    cache: ResponseCache = field(default_factory=ResponseCache)
    heavy: HeavyWork = field(default_factory=lambda: HeavyWork(4))


_json = msgspec.json.Encoder()
# Every operation that takes a JSON body: 400 malformed, 413 too large, 415 wrong media type.
_BODY_PROBLEMS = (400, 408, 413, 415)


# ---------------------------------------------------------------------------------------------
# Service


@get(
    "/healthz",
    operation_id="HealthCheck",
    tags=["service"],
    summary="Liveness and readiness",
    description="200 when the service is up with its pricing catalog loaded.",
)
async def health(services: NamedDependency[Services]) -> HealthResponse:
    return HealthResponse(
        status="ok",
        version=__version__,
        catalog_versions={
            name: pf.version for name, pf in sorted(services.catalog.providers.items())
        },
    )


# ---------------------------------------------------------------------------------------------
# Catalog


def _summary(provider: str, entry: ModelEntry, on: dt.date, customer: Customer) -> ModelSummary:
    limit = entry.limits.training_example_tokens
    return ModelSummary(
        provider=provider,  # type: ignore[arg-type]
        id=entry.id,
        aliases=list(entry.aliases),
        encoding=entry.encoding,
        tokenizer=entry.tokenizer,
        methods=list(entry.methods),
        training_tiers=list(entry.tiers),
        deployments=list(entry.deployments),
        regions=model_regions(entry),
        training_example_tokens=limit.value if limit is not None else None,
        status=model_status(entry, on, customer),
        lifecycle=entry.lifecycle,
    )


@get(
    "/v1/models",
    operation_id="ListModels",
    tags=["catalog"],
    summary="List catalog models",
    description=(
        "Every model of the pricing catalog, optionally only those of one provider, that can "
        "be fine-tuned with one method, or that are offered in one Azure region. Each carries "
        "its lifecycle and its status on the date `on` (default today) for the `customer` "
        "type: available, existing_customers_only, retiring (within 12 months) or retired. "
        "Retired models are left out unless `include_retired` is true."
    ),
    responses=problem_responses(400, 422),
)
async def list_models(
    services: NamedDependency[Services],
    provider: Annotated[
        ProviderId | None, QueryParameter(description="only this provider's models")
    ] = None,
    method: Annotated[
        Method | None, QueryParameter(description="only models fine-tunable with this method")
    ] = None,
    region: Annotated[
        str | None,
        QueryParameter(
            description="only models offered in this Azure region (e.g. swedencentral)",
            pattern=r"^[A-Za-z0-9]{1,64}$",
        ),
    ] = None,
    on: Annotated[
        dt.date | None, QueryParameter(description="status as of this date (default today)")
    ] = None,
    customer: Annotated[
        Customer,
        QueryParameter(description="new: not fine-tuning this model yet; existing: already"),
    ] = "new",
    include_retired: Annotated[
        bool, QueryParameter(description="also list models retired on that date")
    ] = False,
) -> ModelsResponse:
    catalog = services.catalog
    day = on or dt.date.today()
    every = [
        _summary(name, entry, day, customer)
        for name, entry in filter_models(catalog, provider=provider, method=method, region=region)
    ]
    models = [m for m in every if include_retired or m.status.status != "retired"]
    return ModelsResponse(
        models=models,
        catalog=catalog.info(),
        on=day,
        customer=customer,
        retired_hidden=len(every) - len(models),
    )


@get(
    "/v1/models/{model_id:str}",
    operation_id="GetModel",
    tags=["catalog"],
    summary="One model in full",
    description=(
        "The catalog entry of a model name, alias or fine-tuned id (OpenAI `ft:…` ids and "
        "Azure `….ft-…` deployment names resolve to their base model): prices with sources "
        "and dates, limits, latency parameters, regions and lifecycle. An unknown name is a "
        "404 problem listing the closest names."
    ),
    responses=problem_responses(400, 404),
)
async def get_model(
    services: NamedDependency[Services],
    model_id: Annotated[
        ModelId, PathParameter(description="model name, alias or fine-tuned id", max_length=300)
    ],
    provider: Annotated[
        ProviderId | None,
        QueryParameter(description="the provider whose entry to return (default: first match)"),
    ] = None,
) -> ModelResponse:
    resolved = resolve_model(services.catalog, model_id, provider, field="model_id")
    info = services.catalog.provider_info(resolved.provider)
    return ModelResponse(
        provider=resolved.provider,  # type: ignore[arg-type]
        requested=resolved.requested,
        fine_tune_id=resolved.fine_tune_id,
        model=resolved.entry,
        catalog=info,
    )


# ---------------------------------------------------------------------------------------------
# Projections


@post(
    "/v1/estimate",
    operation_id="EstimateCost",
    tags=["projections"],
    summary="Cost, latency and break-even of a Scenario",
    description=(
        "The Projection of a Scenario: training cost, hosting per month, per-request cost of "
        "the base and the fine-tuned setup, latency percentiles, monthly net savings, "
        "break-even volume and payback (or `null` with a reason), the monthly series, "
        "warnings, assumptions and the catalog version. `start_date` defaults to today. "
        "Prompts given as text or messages are counted with the model's own encoding."
    ),
    status_code=200,
    dto=StrictJSON[Scenario],
    return_dto=None,
    before_request=json_body,
    responses=problem_responses(*_BODY_PROBLEMS, 404, 422, 503),
)
async def estimate_cost(
    data: JSONBody[Scenario],
    request: Request[Any, Any, Any],
    services: NamedDependency[Services],
) -> Response[Projection]:
    today = dt.date.today()
    body = await request.body()
    key = (body, today)
    encoded = services.cache.get(key)
    if encoded is None:
        scenario = with_start_date(data, today)
        if _has_text(scenario):  # counting text is heavy: a worker thread, under the limit
            encoded = await services.heavy.run(_estimate, scenario, services)
        else:
            encoded = _estimate(scenario, services)
        services.cache.put(key, encoded, size=len(body))
    return Response(encoded, media_type="application/json")  # type: ignore[arg-type]


def _has_text(s: Scenario) -> bool:
    return any(r.prompt is not None or r.messages is not None for r in (s.base, s.fine_tuned))


def _estimate(scenario: Scenario, services: Services) -> bytes:
    return _json.encode(estimate(scenario, services.catalog, services.counter))


ROUTES: list[Any] = [health, list_models, get_model, estimate_cost]
