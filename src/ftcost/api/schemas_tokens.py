"""Wire Structs of the token and dataset operations (responses are the core's own types).

``POST /v1/tokens/count`` answers a ``ftcost.tokens.counter.TokenCount``; ``POST
/v1/datasets/analyze`` a ``ftcost.dataset.report.DatasetReport``, the same shapes as
``ftcost count --json`` and ``ftcost analyze --json``.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from ftcost.api.schemas import SCHEMA_EXAMPLES
from ftcost.catalog import ProviderId

__all__ = ["DATASET_MEDIA_TYPES", "ChatMessageIn", "CountTokensRequest"]

MAX_TEXT = 10_000_000
MAX_MESSAGES = 100_000
MAX_TOOLS = 1_000
DATASET_MEDIA_TYPES = (
    "application/octet-stream",
    "application/jsonl",
    "application/x-ndjson",
    "text/plain",
)
"""What POST /v1/datasets/analyze reads; the OpenAPI document names the first (routes_tokens)."""


class ChatMessageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """One chat message as the chat completions API takes it."""

    role: Annotated[str, Meta(min_length=1, max_length=64)]
    content: (
        Annotated[str, Meta(max_length=MAX_TEXT)]
        | Annotated[list[dict[str, Any]], Meta(max_length=10_000)]
        | None
    ) = None
    name: Annotated[str, Meta(max_length=256)] | None = None
    tool_calls: Annotated[list[dict[str, Any]], Meta(max_length=1_000)] | None = None
    tool_call_id: Annotated[str, Meta(max_length=256)] | None = None
    function_call: dict[str, Any] | None = None
    weight: Annotated[int, Meta(ge=0, le=1)] | None = None


class CountTokensRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to count: plain ``text``, chat ``messages`` (with ``tools``), or both (summed)."""

    model: Annotated[str, Meta(min_length=1, max_length=300)]
    provider: ProviderId | None = None
    text: Annotated[str, Meta(max_length=MAX_TEXT)] | None = None
    messages: Annotated[list[ChatMessageIn], Meta(max_length=MAX_MESSAGES)] | None = None
    tools: Annotated[list[dict[str, Any]], Meta(max_length=MAX_TOOLS)] | None = None


SCHEMA_EXAMPLES[CountTokensRequest] = [
    {
        "provider": "azure",
        "model": "gpt-4.1-mini",
        "messages": [
            {"role": "system", "content": "You are a support agent for Contoso."},
            {"role": "user", "content": "Where is my order 1234?"},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_order",
                    "description": "Look up an order.",
                    "parameters": {
                        "type": "object",
                        "properties": {"id": {"type": "string", "description": "Order id"}},
                    },
                },
            }
        ],
    }
]
