"""Plumbing shared by the command families: catalog loading, JSON output, option helpers."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import sys
from pathlib import Path
from typing import Any

import msgspec

from ftcost.catalog import Catalog, load_catalog
from ftcost.errors import InvalidInputError
from ftcost.refresh import active_sheet

__all__ = [
    "add_csv",
    "add_json",
    "add_pricing",
    "add_tokenizer",
    "catalog_from_args",
    "date_arg",
    "emit_csv",
    "print_json",
    "tokenizer_counter",
    "write_text",
]


def add_pricing(parser: argparse.ArgumentParser) -> None:
    """``--pricing FILE`` (repeatable): price sheets laid over the shipped catalog."""
    parser.add_argument(
        "--pricing",
        metavar="FILE",
        action="append",
        type=Path,
        default=[],
        help=(
            "a pricing TOML of your own laid over the shipped catalog and the refreshed sheet "
            "(negotiated prices, custom models, another currency); repeatable; also "
            f"FTCOST_PRICING (paths separated by {os.pathsep!r})"
        ),
    )


def add_tokenizer(parser: argparse.ArgumentParser) -> None:
    """``--tokenizer FILE``: the tokenizer.json of a model whose tokenizer is not tiktoken's."""
    parser.add_argument(
        "--tokenizer",
        metavar="FILE",
        type=Path,
        help=(
            "a tokenizer.json (Hugging Face tokenizers format) for a model whose catalog "
            "tokenizer is not a tiktoken encoding (open-weight models, e.g. hf:Qwen/...); read "
            "offline. Without it such models are estimated at 4 characters per token, flagged"
        ),
    )


def tokenizer_counter(args: argparse.Namespace) -> Any:
    """A counter that uses ``--tokenizer`` for non-tiktoken models, or None without it."""
    path: Path | None = getattr(args, "tokenizer", None)
    if path is None:
        return None
    if not path.is_file():
        from ftcost.errors import InvalidInputError

        raise InvalidInputError(f"--tokenizer: no such file: {path}", field="tokenizer")
    from ftcost.tokens import OtherTokenizerCounter

    return OtherTokenizerCounter(path)


def add_json(parser: argparse.ArgumentParser) -> None:
    """``--json``: machine-readable output instead of tables."""
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def add_csv(parser: argparse.ArgumentParser, what: str) -> None:
    """``--csv``: the rows as CSV on stdout (for spreadsheets), instead of tables."""
    parser.add_argument("--csv", action="store_true", help=f"print {what}")


def emit_csv(text: str) -> None:
    """CSV to stdout as UTF-8 bytes, whatever the terminal's encoding (model names are ASCII)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(text)
        return
    buffer.write(text.encode("utf-8"))
    buffer.flush()


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8); an unwritable path is one error line, exit 1."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot write {path}: {exc.strerror}") from None


def catalog_from_args(args: argparse.Namespace) -> Catalog:
    """The shipped catalog with the refreshed sheet (``ftcost catalog refresh``), then
    FTCOST_PRICING, then ``--pricing`` files laid over it."""
    env = os.environ.get("FTCOST_PRICING", "")
    sheet = active_sheet()
    paths = [sheet] if sheet is not None else []
    paths += [Path(p) for p in env.split(os.pathsep) if p]
    paths += list(getattr(args, "pricing", []) or [])
    return _load(tuple(paths), tuple(_mtime(p) for p in paths))


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1  # load_catalog names the missing file


@functools.lru_cache(maxsize=4)
def _load(paths: tuple[Path, ...], mtimes: tuple[int, ...]) -> Catalog:
    """Cached per process; ``mtimes`` makes a sheet rewritten since (a refresh) load again."""
    return load_catalog(overlays=paths)


_encoder = msgspec.json.Encoder(order="deterministic")


def print_json(obj: Any) -> None:
    """Write ``obj`` (Structs, dicts, lists) as indented JSON on stdout.

    JSON is UTF-8: on a stdout with another encoding the bytes go to its binary buffer.
    """
    text = msgspec.json.format(_encoder.encode(obj), indent=2).decode() + "\n"
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
    buffer = getattr(sys.stdout, "buffer", None)
    if encoding != "utf8" and buffer is not None:
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    sys.stdout.write(text)


def date_arg(text: str) -> dt.date:
    """An argparse ``type``: a YYYY-MM-DD date, else a usage error naming the text."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None
