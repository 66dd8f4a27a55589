"""Plumbing shared by the command families: catalog loading, JSON output, option helpers."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path
from typing import Any

import msgspec

from ftcost.catalog import Catalog, load_catalog
from ftcost.errors import InvalidInputError

__all__ = [
    "add_csv",
    "add_json",
    "add_pricing",
    "catalog_from_args",
    "emit_csv",
    "print_json",
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
            "a pricing TOML of your own laid over the shipped catalog (negotiated prices, "
            "custom models, another currency); repeatable; also FTCOST_PRICING "
            f"(paths separated by {os.pathsep!r})"
        ),
    )


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
    """The shipped catalog with FTCOST_PRICING, then ``--pricing`` files, laid over it."""
    env = os.environ.get("FTCOST_PRICING", "")
    paths = [Path(p) for p in env.split(os.pathsep) if p]
    paths += list(getattr(args, "pricing", []) or [])
    return _load(tuple(paths))


@functools.lru_cache(maxsize=4)
def _load(paths: tuple[Path, ...]) -> Catalog:
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
