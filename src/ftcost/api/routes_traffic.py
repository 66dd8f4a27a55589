"""Streamed request-log analysis (``POST /v1/traffic/analyze``).

Like ``/v1/datasets/analyze``: the body is never held; chunks go from ``request.stream()`` into a
``TrafficAnalyzer`` as they arrive, in a worker thread per batch of about 1 MiB, up to
``max_traffic_bytes`` (``FTCOST_MAX_TRAFFIC_BYTES``, its own limit; the route lifts litestar's
body limit and counts the bytes itself). The analysis runs in this process: the server already
runs one process per core.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from ftcost.api.body import JsonlUpload, check_upload, stream_into
from ftcost.api.problems import problem_responses
from ftcost.api.routes import Services
from ftcost.catalog import ProviderId
from ftcost.traffic import TrafficAnalyzer, TrafficFormat, TrafficReport

__all__ = ["TRAFFIC_ROUTES"]


class _LogBody(JsonlUpload):
    """The operation with its JSONL request body documented (``JsonlUpload``)."""

    body_description = (
        "The request log: one JSON record per line (a Chat Completions request body, a "
        "wrapped {timestamp, request, response} record, or a Batch API input or output "
        "line), streamed; up to FTCOST_MAX_TRAFFIC_BYTES (default 1 GiB). Sent as "
        "`application/octet-stream`, `application/jsonl`, `application/x-ndjson` or "
        "`text/plain`."
    )


@post(
    "/v1/traffic/analyze",
    operation_id="AnalyzeTraffic",
    tags=["traffic"],
    summary="Read a production request log: volume, shared prefix, tokens, latency, Scenario",
    description=(
        "Streams the JSONL body through the traffic analysis: prompt tokens with the model's "
        "encoding (compared with `usage.prompt_tokens` where present), the shared prefix per "
        "group of requests (system prompt and few-shot turns), variable prompt, output and "
        "cached tokens (p10/p50/p90/mean), volume (`requests`, `span_days`, "
        "`requests_per_month`, peak per minute), latency percentiles and calibration when "
        "timings are present, the logged responses as training data, and a complete "
        "`scenario` with `distributions` for `/v1/simulate`. Bad lines are listed in `issues` "
        "with their numbers and skipped. Over FTCOST_MAX_TRAFFIC_BYTES it is a 413."
    ),
    status_code=200,
    request_max_body_size=None,
    operation_class=_LogBody,
    responses=problem_responses(400, 404, 413, 415, 422, 503),
)
async def analyze_traffic(
    request: Request[Any, Any, Any],
    services: NamedDependency[Services],
    model: Annotated[
        str,
        QueryParameter(description="the model to fine-tune", min_length=1, max_length=300),
    ],
    provider: Annotated[
        ProviderId | None, QueryParameter(description="provider (default: first match)")
    ] = None,
    format: Annotated[
        TrafficFormat | None,
        QueryParameter(description="force the record shape (default: detected per line)"),
    ] = None,
    keep_system: Annotated[
        bool,
        QueryParameter(description="the fine-tuned prompt keeps the system instructions"),
    ] = False,
    distill: Annotated[
        bool,
        QueryParameter(description="the logged responses are the training data"),
    ] = False,
    examples: Annotated[
        int,
        QueryParameter(
            description="training examples assumed without distill", ge=1, le=100_000_000
        ),
    ] = 1000,
) -> TrafficReport:
    limit = services.settings.max_traffic_bytes
    check_upload(request, limit)
    analyzer = TrafficAnalyzer(
        catalog=services.catalog,
        model=model,
        provider=provider,
        format=format,
        keep_system=keep_system,
        distill=distill,
        examples=examples,
        counter=services.counter,
    )
    return await stream_into(request, analyzer, limit, services.heavy.run_when_free)


TRAFFIC_ROUTES: list[Any] = [analyze_traffic]
