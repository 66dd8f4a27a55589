"""Token counting and streamed dataset analysis (tokens/count, datasets/analyze).

``POST /v1/datasets/analyze`` never holds the body: chunks go from ``request.stream()`` into a
``DatasetAnalyzer`` as they arrive, so memory stays bounded up to ``max_dataset_bytes``
(``FTCOST_MAX_DATASET_BYTES``, larger than the JSON body limit; the route lifts litestar's
limit and counts the bytes itself). The analysis runs in this process, in a worker thread per
batch of about 1 MiB: the server already runs one process per core (``FTCOST_WORKERS``), so
concurrent uploads use the cores, and forking worker processes from a threaded, async server
is unsafe. An upload arrives at network speed, which the in-process analysis keeps up with.
Each batch of an upload is analysed under the heavy-work limit (``ftcost.api.limits``), waiting
for a free slot rather than holding one while bytes travel; counting ``POST /v1/tokens/count``
runs in a worker thread under the same limit.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from ftcost import tokens
from ftcost.api.body import JsonlUpload, StrictJSON, check_upload, json_body, stream_into
from ftcost.api.problems import problem_responses
from ftcost.api.routes import Services
from ftcost.api.schemas_tokens import CountTokensRequest
from ftcost.catalog import ProviderId, resolve_model
from ftcost.dataset import DatasetAnalyzer, DatasetFormat, DatasetReport
from ftcost.errors import InvalidInputError
from ftcost.tokens import TokenCount

__all__ = ["TOKEN_ROUTES"]


@post(
    "/v1/tokens/count",
    operation_id="CountTokens",
    tags=["tokens"],
    summary="Count the tokens of a text or a chat prompt",
    description=(
        "Tokens of `text` (plain), of chat `messages` (3 + role + content per message, + 1 + "
        "name, + 3 per conversation: the OpenAI cookbook method) and of `tools` definitions, "
        "with the model's own encoding from the catalog; parts given together are summed. "
        "Tool definitions, tool calls and images are estimates, listed in `estimates` "
        "(`estimated` is true when any part is). Unknown content parts are listed in "
        "`issues` and not counted."
    ),
    status_code=200,
    dto=StrictJSON[CountTokensRequest],
    return_dto=None,
    guards=[json_body],
    responses=problem_responses(400, 404, 408, 413, 415, 422, 503),
)
async def count_tokens(
    data: JSONBody[CountTokensRequest], services: NamedDependency[Services]
) -> TokenCount:
    return await services.heavy.run(_count, data, services)


def _count(data: CountTokensRequest, services: Services) -> TokenCount:
    resolved = resolve_model(services.catalog, data.model, data.provider)
    encoding = resolved.entry.counts_with()
    if encoding is None:
        raise InvalidInputError(f"no encoding known for {resolved.entry.id}", field="model")
    messages = (
        [msgspec.to_builtins(m) for m in data.messages] if data.messages is not None else None
    )
    counter = services.counter if services.counter is not None else tokens.default_counter()
    # A tokenizer that is not tiktoken's is estimated (4 characters per token) and flagged.
    result = tokens.count_tokens(
        counter, encoding, text=data.text, messages=messages, tools=data.tools
    )
    info = services.catalog.provider_info(resolved.provider)
    return msgspec.structs.replace(
        result, model=resolved.entry.id, provider=resolved.provider, catalog=info
    )


class _JsonlBody(JsonlUpload):
    """The operation with its JSONL request body documented (``JsonlUpload``)."""

    body_description = (
        "The training file: one JSON example per line (chat, prompt/completion, DPO "
        "or RFT), streamed; up to FTCOST_MAX_DATASET_BYTES (default 512 MiB). Sent as "
        "`application/octet-stream`, `application/jsonl`, `application/x-ndjson` or "
        "`text/plain`."
    )


@post(
    "/v1/datasets/analyze",
    operation_id="AnalyzeDataset",
    tags=["datasets"],
    summary="Check a training JSONL and count its tokens, epochs and cost",
    description=(
        "Streams the JSONL body (`application/octet-stream`, `application/jsonl`, "
        "`application/x-ndjson` or `text/plain`) "
        "through the dataset analysis: examples, tokens (total, billed per epoch with each "
        "example capped at the model's training-example limit, per-example statistics), "
        "epochs (given, or the cookbook heuristic), training tokens, cost per training tier, "
        "every problem with its line number, and the assumptions. The body is never held in "
        "memory; over FTCOST_MAX_DATASET_BYTES it is a 413. A validation file is analysed "
        "with `ftcost analyze --validation`."
    ),
    status_code=200,
    request_max_body_size=None,
    operation_class=_JsonlBody,
    responses=problem_responses(400, 404, 408, 413, 415, 422, 503),
)
async def analyze_dataset(
    request: Request[Any, Any, Any],
    services: NamedDependency[Services],
    model: Annotated[
        str,
        QueryParameter(
            description="model name, alias or fine-tuned id", min_length=1, max_length=300
        ),
    ],
    provider: Annotated[
        ProviderId | None, QueryParameter(description="provider (default: first match)")
    ] = None,
    epochs: Annotated[
        str,
        QueryParameter(
            description='training epochs, 1–1000, or "auto" (the cookbook heuristic)',
            pattern=r"^(auto|[1-9][0-9]{0,2}|1000)$",
        ),
    ] = "auto",
    format: Annotated[
        DatasetFormat | None,
        QueryParameter(description="force the data format (default: detected)"),
    ] = None,
) -> DatasetReport:
    limit = services.settings.max_dataset_bytes
    check_upload(request, limit)
    return await _analyze(request, services, model, provider, epochs, format, limit)


async def _analyze(
    request: Request[Any, Any, Any],
    services: Services,
    model: str,
    provider: ProviderId | None,
    epochs: str,
    format: DatasetFormat | None,
    limit: int,
) -> DatasetReport:
    analyzer = DatasetAnalyzer(
        catalog=services.catalog,
        model=model,
        provider=provider,
        epochs="auto" if epochs == "auto" else int(epochs),
        format=format,
        counter=services.counter,
    )
    return await stream_into(request, analyzer, limit, services.heavy.run_when_free)


TOKEN_ROUTES: list[Any] = [count_tokens, analyze_dataset]
