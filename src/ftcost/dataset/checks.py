"""Check and count one batch of JSONL lines: the unit of work of the dataset analysis.

``analyze_batch(blob, start_line, params)`` takes raw bytes holding whole lines and returns a
``BatchResult`` of plain numbers, a histogram of example sizes, duplicate-check hashes and the
issues found, each with its line number. It never raises on bad input: every line that is not a
countable example gets an issue. It runs in the calling process or in a worker process
(``ftcost.dataset.parallel``); in a worker it uses the process-wide tiktoken counter.

Line handling: lines end at ``\\n`` (``\\r\\n`` accepted); surrounding whitespace is ignored; a
UTF-8 byte-order mark is accepted (on a line other than the first it is also reported); JSON is
decoded with msgspec, falling back to the standard library for what msgspec refuses but JSON
allows (lone surrogate escapes, numbers beyond float range).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from typing import Any, Literal

import msgspec

from ftcost.errors import InvalidInputError
from ftcost.tokens import Issue, Severity, Sink, count_chat, count_messages

__all__ = [
    "BOM",
    "ISSUE_CAP",
    "BatchParams",
    "BatchResult",
    "DatasetFormat",
    "analyze_batch",
]

DatasetFormat = Literal["chat", "prompt_completion", "dpo", "rft"]
BOM = b"\xef\xbb\xbf"
ISSUE_CAP = 100  # issues kept per code (all are counted)


class BatchParams(msgspec.Struct, frozen=True, kw_only=True):
    """What every batch of one file is checked against."""

    encoding: str
    format: DatasetFormat
    example_limit: int | None
    separator: str | None = None
    max_line_bytes: int = 64 * 1024 * 1024


class BatchResult(msgspec.Struct, kw_only=True):
    """Aggregates of one batch; ``hashes``/``hash_lines`` are uint64 arrays, one per example."""

    lines: int = 0
    examples: int = 0
    tokens: int = 0
    billed: int = 0
    truncated: int = 0
    hist: dict[int, int] = {}
    hashes: bytes = b""
    hash_lines: bytes = b""
    issues: list[Issue] = []
    codes: dict[str, int] = {}
    estimates: dict[str, list[int]] = {}  # part -> [examples, tokens]


class _Out:
    """Mutable accumulation for one batch."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.codes: dict[str, int] = {}

    def add(
        self, line: int, severity: Severity, code: str, message: str, field: str | None = None
    ) -> None:
        seen = self.codes.get(code, 0)
        self.codes[code] = seen + 1
        if seen < ISSUE_CAP:
            self.issues.append(
                Issue(line=line, severity=severity, code=code, message=message, field=field)
            )


def analyze_batch(
    blob: bytes, start_line: int, params: BatchParams, counter: Any = None
) -> BatchResult:
    """Check and count every line of ``blob`` (line numbers start at ``start_line``)."""
    from ftcost import tokens  # tiktoken loads here, in whichever process runs the batch

    n = tokens.text_length(counter or tokens.default_counter(), params.encoding)
    lines = blob.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out = _Out()
    hist: dict[int, int] = {}
    hashes = array("Q")
    hash_lines = array("Q")
    estimates: dict[str, list[int]] = {}
    roles: dict[str, int] = {}
    sink = Sink()
    decode = msgspec.json.decode
    blake = hashlib.blake2b
    limit = params.example_limit
    fmt = params.format
    max_bytes = params.max_line_bytes
    examples = total = billed = truncated = 0
    for idx, raw in enumerate(lines):
        lineno = start_line + idx
        if len(raw) > max_bytes:
            out.add(lineno, "error", "line_too_long", _too_long(len(raw), max_bytes))
            continue
        s = raw.strip()
        if s[:3] == BOM:
            s = s[3:].strip()
            if lineno != 1:
                out.add(lineno, "warning", "bom", "a UTF-8 byte-order mark inside the file")
        if not s:
            out.add(lineno, "warning", "blank_line", "blank line (skipped)")
            continue
        try:
            obj = decode(s)
        except UnicodeDecodeError as exc:
            out.add(lineno, "error", "invalid_utf8", _bad_utf8(exc))
            continue
        except RecursionError:
            out.add(lineno, "error", "invalid_json", _TOO_DEEP)
            continue
        except msgspec.MsgspecError:
            obj = _fallback(s, lineno, out)
            if obj is _FAILED:
                continue
        if type(obj) is not dict:
            out.add(
                lineno, "error", "not_object", f"the line is a JSON {_kind(obj)}, not an object"
            )
            continue
        sink.reset()
        try:
            if fmt == "chat" or fmt == "rft":
                t = _chat(obj, fmt, n, params.encoding, sink, roles, lineno, out)
            elif fmt == "dpo":
                t = _dpo(obj, n, params.encoding, sink, roles, lineno, out)
            else:
                t = _prompt_completion(obj, n, params.separator, lineno, out)
        except RecursionError:
            out.add(lineno, "error", "invalid_json", _TOO_DEEP)
            continue
        except InvalidInputError as exc:  # the tokenizer boundary refused a text
            out.add(lineno, "error", "invalid_content", exc.detail)
            continue
        for issue in sink.issues:
            out.add(lineno, issue.severity, issue.code, issue.message, issue.field)
        if t < 0:
            continue
        examples += 1
        total += t
        hist[t] = hist.get(t, 0) + 1
        if limit is not None and t > limit:
            truncated += 1
            billed += limit
            out.add(
                lineno,
                "warning",
                "over_limit",
                f"example has {t} tokens, over the {limit}-token training-example limit: "
                f"truncated to {limit} (billed as {limit})",
            )
        else:
            billed += t
        for part, value in sink.estimates.items():
            acc = estimates.setdefault(part, [0, 0])
            acc[0] += 1
            acc[1] += value
        hashes.append(int.from_bytes(blake(s, digest_size=8).digest(), "little"))
        hash_lines.append(lineno)
    return BatchResult(
        lines=len(lines),
        examples=examples,
        tokens=total,
        billed=billed,
        truncated=truncated,
        hist=hist,
        hashes=hashes.tobytes(),
        hash_lines=hash_lines.tobytes(),
        issues=out.issues,
        codes=out.codes,
        estimates=estimates,
    )


_FAILED: Any = object()
_TOO_DEEP = "invalid JSON: nested too deeply to decode"


def _fallback(s: bytes, lineno: int, out: _Out) -> Any:
    """Decode with the standard library; report the line when that fails too."""
    try:
        return json.loads(s.decode("utf-8"))
    except UnicodeDecodeError as exc:
        out.add(lineno, "error", "invalid_utf8", _bad_utf8(exc))
    except json.JSONDecodeError as exc:
        out.add(lineno, "error", "invalid_json", f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        out.add(lineno, "error", "invalid_json", _TOO_DEEP)
    except ValueError as exc:
        out.add(lineno, "error", "invalid_json", f"invalid JSON: {exc}")
    return _FAILED


def _chat(
    obj: dict[str, Any],
    fmt: str,
    n: Any,
    encoding: str,
    sink: Sink,
    roles: dict[str, int],
    lineno: int,
    out: _Out,
) -> int:
    msgs = obj.get("messages")
    if type(msgs) is not list or not msgs:
        what = "missing" if msgs is None else ("empty" if msgs == [] else "not a list")
        out.add(lineno, "error", "missing_messages", f"`messages` is {what}", "messages")
        return -1
    t = count_chat(msgs, obj.get("tools"), obj.get("functions"), n, encoding, sink, cache=roles)
    if fmt == "chat" and not sink.saw_assistant:
        out.add(lineno, "error", "no_assistant", "no assistant message to learn from", "messages")
    return t


def _dpo(
    obj: dict[str, Any],
    n: Any,
    encoding: str,
    sink: Sink,
    roles: dict[str, int],
    lineno: int,
    out: _Out,
) -> int:
    inp = obj.get("input")
    msgs = inp.get("messages") if type(inp) is dict else None
    bad = False
    if type(msgs) is not list or not msgs:
        out.add(
            lineno,
            "error",
            "missing_messages",
            "`input.messages` is missing or empty",
            "input.messages",
        )
        bad = True
    outputs: list[list[Any]] = []
    for key in ("preferred_output", "non_preferred_output"):
        value = obj.get(key)
        if type(value) is not list or not value:
            out.add(lineno, "error", f"missing_{key}", f"`{key}` is missing or empty", key)
            bad = True
        else:
            outputs.append(value)
    if bad:
        return -1
    assert type(inp) is dict
    assert type(msgs) is list
    t = count_chat(msgs, inp.get("tools"), inp.get("functions"), n, encoding, sink, cache=roles)
    for key, value in zip(("preferred_output", "non_preferred_output"), outputs, strict=True):
        sink.saw_assistant = False
        t += count_messages(value, n, sink, field=key, cache=roles)
        if not sink.saw_assistant:
            out.add(lineno, "error", "no_assistant", f"`{key}` has no assistant message", key)
    return t


def _prompt_completion(
    obj: dict[str, Any], n: Any, separator: str | None, lineno: int, out: _Out
) -> int:
    prompt = obj.get("prompt")
    completion = obj.get("completion")
    bad = False
    for key, value in (("prompt", prompt), ("completion", completion)):
        if type(value) is not str:
            what = "missing" if value is None else f"a {_kind(value)}, not a string"
            out.add(lineno, "error", f"missing_{key}", f"`{key}` is {what}", key)
            bad = True
    if bad:
        return -1
    assert type(prompt) is str
    assert type(completion) is str
    if not completion:
        out.add(lineno, "error", "empty_content", "the completion is empty", "completion")
    if separator:
        ends = prompt.endswith(separator)
        body = prompt[: -len(separator)] if ends else prompt
        if not ends:
            out.add(
                lineno,
                "warning",
                "missing_separator",
                f"the prompt does not end with the separator {separator!r}",
                "prompt",
            )
        for key, text in (("prompt", body), ("completion", completion)):
            if separator in text:
                out.add(
                    lineno,
                    "warning",
                    "separator_in_content",
                    f"the separator {separator!r} appears inside the {key}",
                    key,
                )
    return (n(prompt) if prompt else 0) + (n(completion) if completion else 0)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _bad_utf8(exc: UnicodeDecodeError) -> str:
    return f"not valid UTF-8 (byte {exc.start + 1} of the line)"


def _too_long(size: int, limit: int) -> str:
    return f"the line is {size} bytes, over the {limit}-byte line limit (skipped)"
