"""How chat messages, tool definitions, tool calls and images are counted (pure, no tiktoken).

Every function takes ``n``, a ``str -> tokens`` function for the model's encoding
(``ftcost.tokens.counter.text_length``), and a ``Sink`` that collects problems and estimates.

Exact (the OpenAI cookbook method for the chat models, ``num_tokens_from_messages``)
    ``3 + tokens(role) + tokens(content)`` per message, ``+ 1 + tokens(name)`` when a name is
    present, ``+ 3`` per conversation (the reply primer). Text content parts count as their
    text. ``weight``, ``tool_call_id`` and other non-text keys are not counted.

Estimates (reported in ``estimates``, never silently mixed in)
    * ``tool_definitions``: the cookbook's ``num_tokens_for_tools`` — per function
      ``func_init + tokens("name:description")`` (one trailing "." dropped), then
      ``prop_init`` once if it has properties, and per property ``prop_key +
      tokens("key:type:description")``, with ``enum_init`` once and ``enum_item + tokens(item)``
      per enum value; ``func_end`` once after all functions. Constants: ``func_init`` 7 for
      o200k_base (gpt-4o family), 10 for cl100k_base (gpt-3.5/gpt-4); ``prop_init`` 3,
      ``prop_key`` 3, ``enum_init`` −3, ``enum_item`` 3, ``func_end`` 12. Nested schemas
      (``properties``/``items`` inside a property), which the recipe ignores, add the tokens
      of their JSON text; a definition that is not a function object counts as its JSON text.
    * ``tool_calls``: no published method; each call (or legacy ``function_call``) counts
      ``3 + tokens(name) + tokens(arguments)``.
    * ``images``: ``detail: low`` 85; ``high``/``auto`` 85 + 170 per 512-px tile after the
      image is fitted into 2048×2048 and its shortest side brought down to 768 px (the tile
      method of gpt-4o and gpt-4.1; other models bill images differently). The size is read
      from the header of ``data:`` URLs (PNG, GIF, JPEG, WebP); when it is unknown a square
      image is assumed (765 tokens at high detail).

Unknown content part types are reported (``unknown_content_part``) and count 0.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from ftcost.tokens.images import image_part_tokens

__all__ = [
    "METHOD",
    "ROLES",
    "STRUCTURAL_CODES",
    "EstimatePart",
    "Issue",
    "Severity",
    "Sink",
    "count_chat",
    "count_messages",
    "count_tools",
    "estimate_method",
]

Severity = Literal["error", "warning", "info"]

METHOD = (
    "tiktoken with the model's encoding; chat: 3 + role + content per message, + 1 + name, "
    "+ 3 per conversation (OpenAI cookbook); tool definitions, tool calls and images are "
    "estimates"
)
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
)
# Problems that make a prompt uncountable (``count_request`` raises on them).
STRUCTURAL_CODES = frozenset(
    {"message_not_object", "missing_role", "invalid_content", "invalid_tools"}
)

TOKENS_PER_MESSAGE = 3
TOKENS_PER_NAME = 1
REPLY_PRIMER = 3
_FUNC_INIT = {"o200k_base": 7, "cl100k_base": 10}
_PROP_INIT = 3
_PROP_KEY = 3
_ENUM_INIT = -3
_ENUM_ITEM = 3
_FUNC_END = 12
_CALL_OVERHEAD = 3

_ESTIMATE_METHODS = {
    "tool_definitions": "OpenAI cookbook num_tokens_for_tools (gpt-4o / gpt-3.5 constants)",
    "tool_calls": "3 + name + arguments per call (no published method)",
    "images": "85 low; 85 + 170 per 512-px tile after scaling (size from data: URLs)",
}
_json = msgspec.json.Encoder(order="deterministic")


class Issue(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A problem found in the input; ``line`` is the JSONL line (null: the whole file)."""

    line: int | None
    severity: Severity
    code: str
    message: str
    field: str | None = None


class EstimatePart(msgspec.Struct, frozen=True, kw_only=True):
    """Tokens that come from an estimate rather than an exact count."""

    part: str
    tokens: int
    examples: int = 1
    method: str = ""


class Sink:
    """Collects issues and estimated tokens while counting one prompt or one example."""

    __slots__ = ("estimates", "issues", "saw_assistant")

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.estimates: dict[str, int] = {}
        self.saw_assistant = False

    def issue(self, severity: Severity, code: str, message: str, field: str | None) -> None:
        self.issues.append(
            Issue(line=None, severity=severity, code=code, message=message, field=field)
        )

    def estimate(self, part: str, tokens: int) -> None:
        self.estimates[part] = self.estimates.get(part, 0) + tokens

    def reset(self) -> None:
        self.issues.clear()
        self.estimates.clear()
        self.saw_assistant = False

    def estimate_parts(self) -> list[EstimatePart]:
        return [
            EstimatePart(part=p, tokens=t, method=estimate_method(p))
            for p, t in sorted(self.estimates.items())
        ]


def estimate_method(part: str) -> str:
    """How the tokens of an estimated part are computed."""
    return _ESTIMATE_METHODS.get(part, "")


def count_chat(
    messages: list[Any],
    tools: Any,
    functions: Any,
    n: Any,
    encoding: str,
    sink: Sink,
    *,
    field: str = "messages",
    cache: dict[str, int] | None = None,
) -> int:
    """Tokens of one conversation: messages, the reply primer and tool definitions."""
    total = count_messages(messages, n, sink, field=field, cache=cache) + REPLY_PRIMER
    if tools is not None:
        total += count_tools(tools, n, encoding, sink, field="tools")
    if functions is not None:
        total += count_tools(functions, n, encoding, sink, field="functions", bare=True)
    return total


def count_messages(
    messages: list[Any],
    n: Any,
    sink: Sink,
    *,
    field: str = "messages",
    cache: dict[str, int] | None = None,
) -> int:
    """Tokens of the messages themselves (no reply primer); problems go to ``sink``."""
    roles = cache if cache is not None else {}
    total = 0
    for i, m in enumerate(messages):
        if type(m) is not dict:
            sink.issue("error", "message_not_object", f"{field}[{i}] is not an object", field)
            continue
        role = m.get("role")
        rt = roles.get(role) if type(role) is str else None
        if rt is None:
            if type(role) is not str or not role:
                sink.issue(
                    "error", "missing_role", f"{field}[{i}] has no role", f"{field}[{i}].role"
                )
                role = ""
            rt = roles[role] = n(role) if role else 0
        if role not in ROLES and role:
            sink.issue(
                "error",
                "unknown_role",
                f"{field}[{i}] has an unknown role {role!r} (expected one of "
                f"{', '.join(sorted(ROLES))})",
                f"{field}[{i}].role",
            )
        elif role == "assistant":
            sink.saw_assistant = True
        total += TOKENS_PER_MESSAGE + rt
        content = m.get("content")
        if type(content) is str and content:
            total += n(content)
        elif type(content) is list:
            total += _parts(content, n, sink, f"{field}[{i}].content")
        elif content is None or content == "":
            if m.get("tool_calls") is None and m.get("function_call") is None:
                sink.issue(
                    "error",
                    "empty_content",
                    f"{field}[{i}] ({role or 'no role'}) has empty content",
                    f"{field}[{i}].content",
                )
        else:
            sink.issue(
                "error",
                "invalid_content",
                f"{field}[{i}].content is a {_kind(content)}, not a string or a list of parts",
                f"{field}[{i}].content",
            )
        if len(m) > 2 or "content" not in m or "role" not in m:  # keys beyond the two
            total += _extra_keys(m, n, sink, f"{field}[{i}]")
    return total


def _extra_keys(m: dict[str, Any], n: Any, sink: Sink, at: str) -> int:
    total = 0
    name = m.get("name")
    if name is not None:
        if type(name) is str:
            total += TOKENS_PER_NAME + n(name)
        else:
            sink.issue("error", "invalid_name", f"{at}.name is not a string", f"{at}.name")
    weight = m.get("weight", 1)
    if type(weight) not in (int, float) or weight not in (0, 1):
        sink.issue("error", "invalid_weight", f"{at}.weight must be 0 or 1", f"{at}.weight")
    calls = m.get("tool_calls")
    if calls is not None:
        if type(calls) is list:
            for j, call in enumerate(calls):
                fn = call.get("function") if type(call) is dict else None
                if type(fn) is not dict:
                    sink.issue(
                        "error",
                        "invalid_tool_call",
                        f"{at}.tool_calls[{j}] has no function object",
                        f"{at}.tool_calls[{j}]",
                    )
                    continue
                total += _call(fn, n, sink)
        else:
            sink.issue(
                "error", "invalid_tool_call", f"{at}.tool_calls is not a list", f"{at}.tool_calls"
            )
    fc = m.get("function_call")
    if type(fc) is dict:
        total += _call(fc, n, sink)
    elif fc is not None:
        sink.issue(
            "error",
            "invalid_tool_call",
            f"{at}.function_call is not an object",
            f"{at}.function_call",
        )
    for key in m:
        if key not in MESSAGE_KEYS:
            sink.issue("warning", "unrecognized_key", f"{at} has an unrecognised key {key!r}", at)
    return total


def _call(fn: dict[str, Any], n: Any, sink: Sink) -> int:
    args = fn.get("arguments", "")
    text = args if type(args) is str else _json.encode(args).decode()
    tokens: int = _CALL_OVERHEAD + n(str(fn.get("name", ""))) + (n(text) if text else 0)
    sink.estimate("tool_calls", tokens)
    return tokens


def _parts(parts: list[Any], n: Any, sink: Sink, at: str) -> int:
    total = 0
    for k, part in enumerate(parts):
        kind = part.get("type") if type(part) is dict else None
        if kind == "text":
            text = part.get("text")
            if type(text) is str:
                total += n(text)
            else:
                sink.issue(
                    "error",
                    "invalid_content",
                    f"{at}[{k}].text is not a string",
                    f"{at}[{k}].text",
                )
        elif kind == "image_url":
            tokens, known = image_part_tokens(part.get("image_url"))
            if not known:
                sink.issue(
                    "info",
                    "image_size_unknown",
                    f"{at}[{k}]: image size unknown, counted as a square image ({tokens} tokens)",
                    f"{at}[{k}]",
                )
            sink.estimate("images", tokens)
            total += tokens
        else:
            what = f"type {kind!r}" if isinstance(kind, str) else "no type"
            sink.issue(
                "warning",
                "unknown_content_part",
                f"{at}[{k}] is a content part of {what}: not counted",
                f"{at}[{k}]",
            )
    return total


def count_tools(
    tools: Any, n: Any, encoding: str, sink: Sink, *, field: str, bare: bool = False
) -> int:
    """Tokens of tool definitions (``bare``: legacy ``functions``, no ``function`` wrapper)."""
    if type(tools) is not list:
        sink.issue("error", "invalid_tools", f"{field} is not a list", field)
        return 0
    if not tools:
        return 0
    func_init = _FUNC_INIT.get(encoding, _FUNC_INIT["o200k_base"])
    total = 0
    for i, tool in enumerate(tools):
        fn = tool if bare else (tool.get("function") if type(tool) is dict else None)
        if type(fn) is not dict:
            text = _json.encode(tool).decode() if _encodable(tool) else str(tool)
            sink.issue(
                "warning",
                "unknown_tool",
                f"{field}[{i}] is not a function definition: counted as its JSON text",
                f"{field}[{i}]",
            )
            total += n(text)
            continue
        total += func_init
        desc = _text(fn.get("description"))
        if desc.endswith("."):
            desc = desc[:-1]
        total += n(f"{_text(fn.get('name'))}:{desc}")
        params = fn.get("parameters")
        props = params.get("properties") if type(params) is dict else None
        if type(props) is dict and props:
            total += _PROP_INIT
            for key, prop in props.items():
                total += _PROP_KEY
                p = prop if type(prop) is dict else {}
                enum = p.get("enum")
                if type(enum) is list:
                    total += _ENUM_INIT
                    for item in enum:
                        total += _ENUM_ITEM + n(_text(item))
                p_desc = _text(p.get("description"))
                if p_desc.endswith("."):
                    p_desc = p_desc[:-1]
                total += n(f"{key}:{_text(p.get('type'))}:{p_desc}")
                for nested in ("properties", "items"):
                    if nested in p:
                        total += n(_json.encode(p[nested]).decode())
    total += _FUNC_END
    sink.estimate("tool_definitions", total)
    return total


def _text(value: Any) -> str:
    if value is None:
        return ""
    if type(value) is str:
        return value
    return _json.encode(value).decode() if _encodable(value) else str(value)


def _encodable(value: Any) -> bool:
    try:
        _json.encode(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return True


def _kind(value: Any) -> str:
    return {bool: "boolean", int: "number", float: "number", dict: "object"}.get(
        type(value), type(value).__name__
    )
