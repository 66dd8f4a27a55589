"""``ftcost count`` (tokens of a text, file or chat) and ``ftcost analyze`` (a training JSONL).

``analyze_file`` is the file-reading side of ``ftcost.dataset.analyze_dataset`` (the core reads
no files): other commands that take a dataset path (``ftcost estimate`` with
``training.dataset``) call it too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import msgspec

from ftcost.catalog import Catalog, resolve_model
from ftcost.cli._common import (
    add_json,
    add_pricing,
    add_tokenizer,
    catalog_from_args,
    print_json,
    tokenizer_counter,
)
from ftcost.errors import InvalidInputError

__all__ = ["analyze_file", "default_workers", "read_chunks", "register"]

CHUNK_BYTES = 1 << 20
MAX_COUNT_FILE_BYTES = 64 << 20
FORMATS = ("chat", "prompt_completion", "dpo", "rft")


def register(sub: Any) -> None:
    """Add ``count`` and ``analyze`` to the CLI."""
    count = sub.add_parser(
        "count",
        help="count the tokens of a text, a file or chat messages with a model's encoding",
        description=(
            "Count tokens offline with the model's own encoding (from the catalog). Messages "
            "use the OpenAI cookbook method (3 + role + content per message, + 1 + name, + 3 "
            "per conversation); tool definitions, tool calls and images are flagged estimates."
        ),
    )
    what = count.add_mutually_exclusive_group(required=True)
    what.add_argument("text", nargs="?", help="the text to count")
    what.add_argument("--file", type=Path, metavar="FILE", help="count a UTF-8 text file")
    what.add_argument(
        "--messages",
        type=Path,
        metavar="FILE",
        help='a JSON file: a list of messages, or {"messages": [...], "tools": [...]}',
    )
    _model_options(count)
    add_tokenizer(count)
    add_json(count)
    add_pricing(count)
    count.set_defaults(func=_count)

    analyze = sub.add_parser(
        "analyze",
        help="check a training JSONL and count its tokens, billed tokens, epochs and cost",
        description=(
            "Stream a fine-tuning JSONL file (chat, prompt/completion, DPO or RFT): count every "
            "example with the model's encoding, cap each at the training-example limit, pick "
            "epochs, price the training tokens on each tier and report every problem with its "
            "line number. Memory stays small whatever the file size. Exit status: 0 when the "
            "file is acceptable (warnings allowed), 1 when it would be rejected (the report is "
            "still printed, and one line on stderr names the first errors)."
        ),
    )
    analyze.add_argument("file", type=Path, metavar="FILE", help="training JSONL ('-': stdin)")
    _model_options(analyze)
    add_tokenizer(analyze)
    analyze.add_argument(
        "--validation", type=Path, metavar="FILE", help="validation JSONL (reported, not billed)"
    )
    analyze.add_argument(
        "--epochs",
        type=_epochs,
        default="auto",
        metavar="N|auto",
        help="training epochs (default: auto, the OpenAI cookbook heuristic)",
    )
    analyze.add_argument(
        "--format", choices=FORMATS, help="force the data format (default: detected)"
    )
    analyze.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"worker processes (default: the usable cores, here {default_workers()})",
    )
    add_json(analyze)
    add_pricing(analyze)
    analyze.set_defaults(func=_analyze)


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", "-m", required=True, help="model name, alias or fine-tuned id")
    parser.add_argument(
        "--provider", choices=("azure", "openai"), help="provider (default: first match)"
    )


def _epochs(text: str) -> int | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or 'auto'") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("epochs must be from 1 to 1000")
    return value


def default_workers() -> int:
    """The cores this process may use (at most 8)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


# ---------------------------------------------------------------------------------------------
# count


def _read_text(path: Path, what: str) -> str:
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(MAX_COUNT_FILE_BYTES + 1)
        else:
            with path.open("rb") as fh:
                data = fh.read(MAX_COUNT_FILE_BYTES + 1)
    except OSError as exc:
        raise InvalidInputError(f"cannot read {what} {path}: {exc.strerror}", field=what) from None
    if len(data) > MAX_COUNT_FILE_BYTES:
        raise InvalidInputError(
            f"{path} is over {MAX_COUNT_FILE_BYTES} bytes: use 'ftcost analyze' for datasets",
            field=what,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{path} is not UTF-8 text (byte {exc.start + 1})", field=what
        ) from None


def _count(args: argparse.Namespace) -> int:
    from ftcost import tokens

    catalog = catalog_from_args(args)
    rm = resolve_model(catalog, args.model, args.provider)
    encoding = _encoding_of(rm.entry.id, rm.entry.counts_with())
    text: str | None = args.text
    messages = tools = None
    if args.file is not None:
        text = _read_text(args.file, "file")
    elif args.messages is not None:
        messages, tools = _messages(_read_text(args.messages, "messages"), args.messages)
    counter = tokenizer_counter(args) or tokens.default_counter()
    result = tokens.count_tokens(counter, encoding, text=text, messages=messages, tools=tools)
    info = next(c for c in catalog.info() if c.provider == rm.provider)
    result = msgspec.structs.replace(result, model=rm.entry.id, provider=rm.provider, catalog=info)
    if args.json:
        print_json(result)
        return 0
    out = sys.stdout
    out.write(f"{result.tokens:,} tokens  {rm.entry.id} ({rm.provider}, {encoding})\n")
    parts = [
        ("text", result.text_tokens, text is not None),
        ("messages", result.messages_tokens, messages is not None),
        ("tools", result.tools_tokens, bool(tools)),
    ]
    shown = [(name, n) for name, n, present in parts if present]
    if len(shown) > 1 or result.estimates:
        for name, n in shown:
            out.write(f"  {name:<10}{n:>12,}\n")
    for est in result.estimates:
        out.write(f"  estimate: {est.part} {est.tokens:,} tokens ({est.method})\n")
    for issue in result.issues:
        out.write(f"  {issue.severity}: {issue.message}\n")
    return 0


def _encoding_of(model: str, encoding: str | None) -> str:
    if encoding is None:
        raise InvalidInputError(f"no encoding known for {model}", field="model")
    return encoding


def _messages(text: str, path: Path) -> tuple[list[Any], list[Any] | None]:
    try:
        data = msgspec.json.decode(text)
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"{path} is not valid JSON: {exc}", field="messages") from None
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        tools = data.get("tools")
        if tools is not None and not isinstance(tools, list):
            raise InvalidInputError(f"{path}: `tools` must be a list", field="tools")
        return data["messages"], tools
    raise InvalidInputError(
        f'{path} must hold a list of messages or {{"messages": [...], "tools": [...]}}',
        field="messages",
    )


# ---------------------------------------------------------------------------------------------
# analyze


def read_chunks(path: Path, size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The bytes of ``path`` (``-``: stdin) in chunks; read errors name the file."""
    try:
        fh = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}", field="dataset") from None
    try:
        while True:
            try:
                chunk = fh.read(size)
            except OSError as exc:
                raise InvalidInputError(
                    f"cannot read {path}: {exc.strerror}", field="dataset"
                ) from None
            if not chunk:
                return
            yield chunk
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def analyze_file(
    path: Path,
    *,
    catalog: Catalog,
    model: str,
    provider: str | None = None,
    epochs: int | str = "auto",
    format: str | None = None,
    validation: Path | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    counter: Any = None,
) -> Any:
    """``DatasetReport`` of a JSONL file (and validation file), read in chunks."""
    from ftcost.dataset import analyze_dataset

    return analyze_dataset(
        read_chunks(path),
        catalog=catalog,
        model=model,
        provider=provider,
        epochs=epochs,  # type: ignore[arg-type]
        format=format,  # type: ignore[arg-type]
        validation=read_chunks(validation) if validation is not None else None,
        workers=workers or default_workers(),
        progress=progress,
        counter=counter,
    )


class _ProgressBar:
    """A one-line bar on a terminal, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO, label: str, total: int | None) -> None:
        self._stream = stream
        self._label = label
        self._total = total
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and (self._total is None or done < self._total):
            return
        self._last = now
        mib = done / (1 << 20)
        if self._total:
            frac = min(1.0, done / self._total)
            bar = "#" * int(frac * 30)
            total = self._total / (1 << 20)
            line = f"{self._label} [{bar:<30}] {frac:4.0%} {mib:,.1f}/{total:,.1f} MiB"
        else:
            line = f"{self._label} {mib:,.1f} MiB"
        self._stream.write("\r" + line[:100])
        self._stream.flush()
        self._drawn = True

    def clear(self) -> None:
        if self._drawn:
            self._stream.write("\r" + " " * 100 + "\r")
            self._stream.flush()


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if str(path) != "-" else None
    except OSError:
        return None


def _analyze(args: argparse.Namespace) -> int:
    catalog = catalog_from_args(args)
    if args.workers is not None and args.workers < 1:
        raise InvalidInputError("--workers must be at least 1", field="workers")
    bar = None
    if not args.json and sys.stderr.isatty():
        bar = _ProgressBar(sys.stderr, f"analyzing {args.file.name}", _size(args.file))
    try:
        report = analyze_file(
            args.file,
            catalog=catalog,
            model=args.model,
            provider=args.provider,
            epochs=args.epochs,
            format=args.format,
            validation=args.validation,
            workers=args.workers,
            progress=bar,
            counter=tokenizer_counter(args),
        )
    finally:
        if bar is not None:
            bar.clear()
    if args.json:
        print_json(report)
    else:
        from ftcost.cli._dataset_text import render_report

        sys.stdout.write(render_report(report, str(args.file)))
    if report.ok:
        return 0
    sys.stdout.flush()
    print(f"ftcost: error: {_rejection(report, str(args.file))}", file=sys.stderr)
    return 1


def _rejection(report: Any, name: str) -> str:
    """One line: how many errors, and the first few by code with their line."""
    errors = [i for i in report.issues if i.severity == "error"]
    total = sum(n for code, n in report.issue_counts.items() if any(e.code == code for e in errors))
    firsts: dict[str, str] = {}
    for e in errors:
        firsts.setdefault(e.code, f"{e.code} at line {e.line}" if e.line else e.code)
    shown = list(firsts.values())
    more = ", …" if len(shown) > 3 else ""
    plural = "s" if total != 1 else ""
    return f"{name} would be rejected: {total} error{plural} ({', '.join(shown[:3])}{more})"
