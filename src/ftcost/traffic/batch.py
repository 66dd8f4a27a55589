"""Count and summarise one batch of log lines: the unit of work of the traffic analysis.

``analyze_batch(blob, start_line, params)`` takes raw bytes holding whole lines and returns a
``BatchResult`` of histograms, group prefixes, a latency sample and the issues found, each with
its line number. It never raises on bad input. It runs in the calling process or in a worker
process (``ftcost.traffic.stream``).

Speed: the static part of the prompts (system prompts, few-shot turns) repeats from request to
request, so the token ids and units of each static message are cached per process
(``ftcost.traffic.encoders``): a repeated system prompt is hashed, not encoded again.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import msgspec

from ftcost.tokens import Issue, Severity, Sink, count_chat, count_messages
from ftcost.traffic.encoders import encoders
from ftcost.traffic.prefix import Unit, common_prefix, group_key
from ftcost.traffic.records import Record, parse_record, parse_timestamp
from ftcost.traffic.stats import Row, Sample, add_hist

__all__ = ["ISSUE_CAP", "BatchParams", "BatchResult", "GroupPart", "analyze_batch", "merge_group"]

ISSUE_CAP = 100
# The roles ``ftcost.tokens`` counts without an issue (others take the checked path).
ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
BOM = b"\xef\xbb\xbf"
_PREVIEW_CHARS = 80
_json = msgspec.json.Encoder(order="deterministic")


class BatchParams(msgspec.Struct, frozen=True, kw_only=True):
    """What every batch of one log is read with."""

    encoding: str
    format: str | None = None  # None: detected per line; else "chat" | "wrapped" | "batch"
    example_limit: int | None = None
    distill: bool = False  # count request/response pairs as training examples
    max_line_bytes: int = 64 * 1024 * 1024
    sample_size: int = 20_000


class GroupPart(msgspec.Struct, kw_only=True):
    """One group's share of a batch: the common prefix so far, the members' prompt sizes."""

    units: list[Unit]
    requests: int
    prompt_hist: dict[int, int]
    tools_tokens: int
    preview: str


class BatchResult(msgspec.Struct, kw_only=True):
    """Aggregates of one batch."""

    lines: int = 0
    requests: int = 0
    responses: int = 0
    kinds: dict[str, int] = {}
    groups: dict[bytes, GroupPart] = {}
    output_hist: dict[int, int] = {}
    cached_hist: dict[int, int] = {}
    usage_compared: int = 0
    usage_mismatches: int = 0
    usage_abs_diff: int = 0
    usage_prompt_hist: dict[int, int] = {}  # records with usage but no request (Batch output)
    timestamps: int = 0
    first_ts: float | None = None
    last_ts: float | None = None
    minutes: dict[int, int] = {}
    ttft_hist: dict[int, int] = {}  # milliseconds
    e2e_hist: dict[int, int] = {}
    sample: list[Row] = []
    examples: int = 0
    example_tokens: int = 0
    example_billed: int = 0
    truncated: int = 0
    example_hist: dict[int, int] = {}
    models: dict[str, int] = {}
    issues: list[Any] = []
    codes: dict[str, int] = {}


def merge_group(into: GroupPart, other: GroupPart) -> None:
    """Fold ``other`` (the same group, another batch) into ``into``."""
    into.units = common_prefix(into.units, other.units)
    into.requests += other.requests
    add_hist(into.prompt_hist, other.prompt_hist)


class _Out:
    def __init__(self) -> None:
        self.issues: list[Any] = []
        self.codes: dict[str, int] = {}

    def add(
        self, line: int, severity: Severity, code: str, message: str, field: str | None = None
    ) -> None:
        seen = self.codes.get(code, 0)
        self.codes[code] = seen + 1
        if seen < ISSUE_CAP:
            self.issues.append(
                Issue(
                    line=line,
                    severity=severity,
                    code=code,
                    message=message,
                    field=field,
                )
            )


def _static_count(messages: list[Any]) -> int:
    """How many leading messages are static candidates: those before the last user message."""
    for i in range(len(messages) - 1, -1, -1):
        m = messages[i]
        if type(m) is dict and m.get("role") == "user":
            return i
    return max(0, len(messages) - 1)


def _units(
    messages: list[Any], k: int, n: Any, ids: Any, cache: dict[Any, Unit], roles: dict[str, int]
) -> tuple[list[Unit], bool]:
    """The units of the first ``k`` messages, and whether all are plain messages (a known role,
    text content, an optional name) whose tokens need no checks."""
    out: list[Unit] = []
    plain_all = True
    scratch = Sink()
    for m in messages[:k]:
        if type(m) is not dict:
            return out, False
        content = m.get("content")
        role = m.get("role")
        name = m.get("name")
        if (
            type(content) is str
            and content
            and type(role) is str
            and role in ROLES
            and (len(m) == 2 or (len(m) == 3 and type(name) is str))
        ):
            key = (role, name, content)
            unit = cache.get(key)
            if unit is None:
                tids = ids(content)
                tokens = 3 + n(role) + n(content) + (1 + n(name) if name is not None else 0)
                unit = cache[key] = Unit(header=f"{role}\x00{name or ''}", ids=tids, tokens=tokens)
            out.append(unit)
            continue
        plain_all = False
        texts = _texts(content)
        rest = {key: v for key, v in m.items() if key != "content" or texts is None}
        header = f"{role}\x00{name or ''}\x00{_text(rest)}"
        tids = b"".join(ids(t) for t in texts if t) if texts is not None else b""
        scratch.reset()
        tokens = count_messages([m], n, scratch, cache=roles)
        out.append(Unit(header=header, ids=tids, tokens=tokens))
    return out, plain_all


def _texts(content: Any) -> list[str] | None:
    """The texts of a content that is text only (a string, or a list of text parts)."""
    if type(content) is str:
        return [content]
    if type(content) is not list:
        return None
    out: list[str] = []
    for part in content:
        text = part.get("text") if type(part) is dict and part.get("type") == "text" else None
        if type(text) is not str:
            return None
        out.append(text)
    return out


def _text(value: Any) -> str:
    try:
        return _json.encode(value).decode()
    except (TypeError, ValueError, OverflowError):
        return repr(value)


def analyze_batch(
    blob: bytes, start_line: int, params: BatchParams, counter: Any = None
) -> BatchResult:
    """Read every line of ``blob`` (line numbers start at ``start_line``)."""
    n, ids, unit_cache = encoders(counter, params.encoding)
    lines = blob.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = _Out()
    r = BatchResult(
        kinds={}, groups={}, output_hist={}, cached_hist={}, minutes={}, ttft_hist={},
        e2e_hist={}, example_hist={}, models={}, usage_prompt_hist={},
    )  # fmt: skip
    sample = Sample(params.sample_size)
    roles: dict[str, int] = {}
    sink = Sink()
    decode = msgspec.json.decode
    for idx, raw in enumerate(lines):
        lineno = start_line + idx
        if len(raw) > params.max_line_bytes:
            out.add(lineno, "error", "line_too_long",
                    f"the line is {len(raw)} bytes, over the {params.max_line_bytes}-byte line "
                    "limit (skipped)")  # fmt: skip
            continue
        s = raw.strip()
        if s[:3] == BOM:
            s = s[3:].strip()
        if not s:
            continue
        try:
            obj = decode(s)
        except UnicodeDecodeError as exc:
            out.add(
                lineno,
                "error",
                "invalid_utf8",
                f"not valid UTF-8 (byte {exc.start + 1} of the line)",
            )
            continue
        except msgspec.MsgspecError:
            obj = _fallback(s, lineno, out)
            if obj is _FAILED:
                continue
        if type(obj) is not dict:
            out.add(lineno, "error", "not_object", "the line is not a JSON object")
            continue
        rec = parse_record(obj, params.format)
        if type(rec) is str:
            out.add(lineno, "error", "unknown_shape", rec)
            continue
        assert isinstance(rec, Record)
        r.kinds[rec.kind] = r.kinds.get(rec.kind, 0) + 1
        prompt = _request(rec, r, (n, ids, unit_cache), params.encoding, roles, sink, lineno, out)
        _response(rec, r, prompt, n, roles, sink, params, sample, s, lineno, out)
    r.lines = len(lines)
    r.sample = sample.rows()
    r.issues = out.issues
    r.codes = out.codes
    return r


def _request(
    rec: Record, r: BatchResult, enc: tuple[Any, Any, dict[Any, Unit]], encoding: str,
    roles: dict[str, int], sink: Sink, lineno: int, out: _Out,
) -> int | None:  # fmt: skip
    req = rec.request
    if req is None:
        return None
    msgs = req.get("messages")
    if type(msgs) is not list or not msgs:
        out.add(
            lineno, "error", "missing_messages", "the request has no `messages` list", "messages"
        )
        return None
    model = req.get("model")
    if type(model) is str and (model in r.models or len(r.models) < 100):
        r.models[model] = r.models.get(model, 0) + 1
    tools, functions = req.get("tools"), req.get("functions")
    n, ids, unit_cache = enc
    units, plain = _units(msgs, _static_count(msgs), n, ids, unit_cache, roles)
    sink.reset()
    k = len(units)
    if plain and k:  # the static part is counted: count the rest (recount if it has issues)
        rest = msgs[k:]
        prompt = sum(u.tokens for u in units)
        prompt += count_chat(rest, tools, functions, n, encoding, sink, cache=roles)
        if sink.issues:
            sink.reset()
            prompt = count_chat(msgs, tools, functions, n, encoding, sink, cache=roles)
    else:
        prompt = count_chat(msgs, tools, functions, n, encoding, sink, cache=roles)
    tools_tokens = sink.estimates.get("tool_definitions", 0)
    for issue in sink.issues:
        if issue.severity != "info":
            out.add(lineno, "warning", issue.code, issue.message, issue.field)
    fp = b"" if tools is None and functions is None else _text([tools, functions]).encode()
    key = group_key(fp, units)
    g = r.groups.get(key)
    if g is None:
        first = units[0] if units else None
        preview = ""
        if first is not None:  # instructions are shown, what users wrote is not
            role = first.header.split("\x00", 1)[0]
            texts = _texts(msgs[0].get("content")) if type(msgs[0]) is dict else None
            if role in ("system", "developer") and texts:
                preview = " ".join(texts)[:_PREVIEW_CHARS]
            else:
                preview = f"({role} message)"
        r.groups[key] = GroupPart(
            units=units, requests=1, prompt_hist={prompt: 1}, tools_tokens=tools_tokens,
            preview=preview,
        )  # fmt: skip
    else:
        g.units = common_prefix(g.units, units)
        g.requests += 1
        g.prompt_hist[prompt] = g.prompt_hist.get(prompt, 0) + 1
    r.requests += 1
    return prompt


def _response(
    rec: Record, r: BatchResult, prompt: int | None, n: Any, roles: dict[str, int], sink: Sink,
    params: BatchParams, sample: Sample, line: bytes, lineno: int, out: _Out,
) -> None:  # fmt: skip
    if rec.failed:
        out.add(lineno, "warning", "failed_request",
                "the Batch output line is an error (not counted as a response)")  # fmt: skip
        return
    has_response = rec.kind == "batch_output" or (
        rec.completion is not None or rec.message is not None or rec.usage_prompt is not None
    )
    if has_response:
        r.responses += 1
    output: int | None = rec.completion
    if output is None and rec.message is not None:  # the reply's text and tool calls
        sink.reset()
        output = count_messages([rec.message], n, sink, cache=roles) - 3 - n("assistant")
    if output is not None:
        r.output_hist[output] = r.output_hist.get(output, 0) + 1
    if rec.cached is not None:
        r.cached_hist[rec.cached] = r.cached_hist.get(rec.cached, 0) + 1
    if prompt is None and rec.usage_prompt is not None:
        up = rec.usage_prompt
        r.usage_prompt_hist[up] = r.usage_prompt_hist.get(up, 0) + 1
    if prompt is not None and rec.usage_prompt is not None:
        r.usage_compared += 1
        if rec.usage_prompt != prompt:
            r.usage_mismatches += 1
            r.usage_abs_diff += abs(rec.usage_prompt - prompt)
    if rec.timestamp is not None:
        ts = parse_timestamp(rec.timestamp)
        if ts is None:
            out.add(lineno, "warning", "bad_timestamp",
                    "the timestamp is neither ISO-8601 nor an epoch number (ignored)",
                    "timestamp")  # fmt: skip
        else:
            r.timestamps += 1
            r.first_ts = ts if r.first_ts is None else min(r.first_ts, ts)
            r.last_ts = ts if r.last_ts is None else max(r.last_ts, ts)
            minute = int(ts // 60)
            r.minutes[minute] = r.minutes.get(minute, 0) + 1
    if rec.ttft_ms is not None:
        k = round(rec.ttft_ms)
        r.ttft_hist[k] = r.ttft_hist.get(k, 0) + 1
    if rec.duration_ms is not None:
        k = round(rec.duration_ms)
        r.e2e_hist[k] = r.e2e_hist.get(k, 0) + 1
    if rec.ttft_ms is not None and rec.duration_ms is not None and output is not None:
        p = rec.usage_prompt if rec.usage_prompt is not None else prompt
        if p is not None:
            uncached = max(0, p - (rec.cached or 0))
            key = zlib.crc32(line) << 32 | lineno & 0xFFFFFFFF  # a fixed pseudo-random order
            sample.offer((key, float(uncached), float(output), rec.ttft_ms / 1000.0,
                          rec.duration_ms / 1000.0))  # fmt: skip
    if params.distill and prompt is not None and rec.message is not None:
        sink.reset()
        t = prompt + count_messages([rec.message], n, sink, cache=roles)
        r.examples += 1
        r.example_tokens += t
        r.example_hist[t] = r.example_hist.get(t, 0) + 1
        limit = params.example_limit
        if limit is not None and t > limit:
            r.truncated += 1
            r.example_billed += limit
        else:
            r.example_billed += t


_FAILED: Any = object()


def _fallback(s: bytes, lineno: int, out: _Out) -> Any:
    """Decode with the standard library; report the line when that fails too."""
    try:
        return json.loads(s.decode("utf-8"))
    except UnicodeDecodeError as exc:
        out.add(
            lineno, "error", "invalid_utf8", f"not valid UTF-8 (byte {exc.start + 1} of the line)"
        )
    except json.JSONDecodeError as exc:
        out.add(lineno, "error", "invalid_json", f"invalid JSON: {exc.msg} at column {exc.colno}")
    except (ValueError, RecursionError) as exc:
        out.add(lineno, "error", "invalid_json", f"invalid JSON: {exc}")
    return _FAILED
