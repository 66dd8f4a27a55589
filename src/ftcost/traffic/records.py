"""What one log line holds: its shape, the request, the response, the timestamp and timings.

Shapes (``TrafficFormat``; detected per line unless one is forced):

``chat``
    a Chat Completions request body: ``{"model", "messages", "tools"?, ...}``.
``wrapped``
    ``{"timestamp", "request": {...}, "response": {...}}``; the timestamp is ISO-8601 (no zone:
    UTC) or epoch seconds (milliseconds when above 1e11), else the response's ``created``; the
    response may carry ``usage`` (``prompt_tokens``, ``completion_tokens``,
    ``prompt_tokens_details.cached_tokens``), the completion (``choices[0].message``) and
    timings ``ttft_ms`` and ``duration_ms`` (also accepted beside ``request`` and ``response``).
``batch``
    a line of an OpenAI / Azure Batch API input file (``custom_id``, ``body``: the request) or
    output file (``custom_id``, ``response.body``: the completion, whose ``created`` is the
    timestamp).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

__all__ = ["Record", "TrafficFormat", "parse_record", "parse_timestamp"]

TrafficFormat = Literal["chat", "wrapped", "batch"]
_EPOCH_MS = 1e11  # epoch numbers above this are milliseconds
_EPOCH_MAX = 253_402_300_799.0  # 9999-12-31T23:59:59Z


class Record:
    """The parts of one line (any may be missing)."""

    __slots__ = ("cached", "completion", "duration_ms", "failed", "kind", "message", "request",
                 "timestamp", "ttft_ms", "usage_prompt")  # fmt: skip

    def __init__(self, kind: str) -> None:
        self.kind = kind  # chat | wrapped | batch_input | batch_output
        self.request: dict[str, Any] | None = None
        self.timestamp: Any = None
        self.usage_prompt: int | None = None
        self.completion: int | None = None
        self.cached: int | None = None
        self.message: dict[str, Any] | None = None  # the assistant reply
        self.ttft_ms: float | None = None
        self.duration_ms: float | None = None
        self.failed = False  # a Batch output line of a request that failed


def _shape(obj: dict[str, Any]) -> str | None:
    if type(obj.get("request")) is dict:
        return "wrapped"
    if "custom_id" in obj:
        if type(obj.get("body")) is dict:
            return "batch_input"
        if type(obj.get("response")) is dict:
            return "batch_output"
        return None
    if "messages" in obj:
        return "chat"
    return None


_FAMILY = {"chat": "chat", "wrapped": "wrapped", "batch_input": "batch", "batch_output": "batch"}


def parse_record(obj: dict[str, Any], forced: str | None) -> Record | str:
    """The record of a decoded line, or the reason it has no known shape."""
    kind = _shape(obj)
    if kind is None:
        if forced is not None:
            return f"the line is not a {forced} record"
        return (
            "unknown shape: expected a Chat Completions request (messages), a wrapped record "
            "(request, response) or a Batch API line (custom_id with body or response)"
        )
    if forced is not None and _FAMILY[kind] != forced:
        return f"the line is a {_FAMILY[kind]} record, not {forced}"
    rec = Record(kind)
    if kind == "chat":
        rec.request = obj
    elif kind == "batch_input":
        rec.request = obj["body"]
    elif kind == "batch_output":
        status = obj["response"].get("status_code")
        rec.failed = obj.get("error") is not None or (type(status) is int and status != 200)
        body = obj["response"].get("body")
        if type(body) is dict and not rec.failed:
            _response(rec, body)
            rec.timestamp = body.get("created")
    else:
        rec.request = obj["request"]
        rec.timestamp = obj.get("timestamp")
        resp = obj.get("response")
        if type(resp) is dict:
            _response(rec, resp)
        if rec.timestamp is None and type(resp) is dict:
            rec.timestamp = resp.get("created")  # the completion's own epoch seconds
        if rec.ttft_ms is None:
            rec.ttft_ms = _ms(obj.get("ttft_ms"))
        if rec.duration_ms is None:
            rec.duration_ms = _ms(obj.get("duration_ms"))
    return rec


def _count(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _ms(value: Any) -> float | None:
    if type(value) in (int, float) and math.isfinite(value) and value >= 0:
        return float(value)
    return None


def _response(rec: Record, resp: dict[str, Any]) -> None:
    usage = resp.get("usage")
    if type(usage) is dict:
        rec.usage_prompt = _count(usage.get("prompt_tokens"))
        rec.completion = _count(usage.get("completion_tokens"))
        details = usage.get("prompt_tokens_details")
        if type(details) is dict:
            rec.cached = _count(details.get("cached_tokens"))
    choices = resp.get("choices")
    if type(choices) is list and choices and type(choices[0]) is dict:
        msg = choices[0].get("message")
        if type(msg) is dict:
            reply: dict[str, Any] = {"role": "assistant", "content": msg.get("content")}
            if msg.get("tool_calls"):
                reply["tool_calls"] = msg["tool_calls"]
            if type(reply["content"]) is str or "tool_calls" in reply:
                rec.message = reply
    rec.ttft_ms = _ms(resp.get("ttft_ms"))
    rec.duration_ms = _ms(resp.get("duration_ms"))


def parse_timestamp(value: Any) -> float | None:
    """Epoch seconds of an ISO-8601 string or an epoch number; None when it is neither, or
    before 1970 or after 9999."""
    if type(value) in (int, float):
        x = float(value)
        if not math.isfinite(x) or x < 0:
            return None
        x = x / 1000.0 if x > _EPOCH_MS else x
        return x if x <= _EPOCH_MAX else None
    if type(value) is str:
        try:
            t = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            try:
                return parse_timestamp(float(value))
            except ValueError:
                return None
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        x = t.timestamp()
        return x if 0 <= x <= _EPOCH_MAX else None
    return None
