"""Where the refreshed price sheet lives, whether it is there, how old it is, writing it safely.

The sheet is ``azure-retail.toml`` in the user's data directory
(``platformdirs.user_data_dir("ftcost")``: ``~/.local/share/ftcost`` on Linux, honouring
``XDG_DATA_HOME``). The CLI and the API lay it over the shipped catalog before any
``--pricing`` / ``FTCOST_PRICING`` sheet.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import msgspec

from ftcost.catalog import parse_catalog
from ftcost.errors import RefreshError

__all__ = [
    "SHEET_NAME",
    "SheetInfo",
    "Staged",
    "active_sheet",
    "default_sheet_path",
    "sheet_info",
    "staged_write",
]

SHEET_NAME = "azure-retail.toml"


def default_sheet_path() -> Path:
    """``<user data dir>/azure-retail.toml`` (the file need not exist)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("ftcost", appauthor=False)) / SHEET_NAME


def active_sheet() -> Path | None:
    """The refreshed sheet when it exists, else None."""
    path = default_sheet_path()
    return path if path.is_file() else None


class SheetInfo(msgspec.Struct, frozen=True, kw_only=True):
    """The refreshed sheet as ``ftcost catalog info`` shows it."""

    path: str
    exists: bool
    version: str = ""
    as_of: dt.date | None = None  # the latest as_of of its prices: the fetch date
    age_days: int | None = None  # from as_of to ``today``
    prices: int = 0


def sheet_info(path: Path, *, today: dt.date) -> SheetInfo:
    """What the sheet at ``path`` holds; a broken sheet raises ``CatalogError``."""
    if not path.is_file():
        return SheetInfo(path=str(path), exists=False)
    pf = parse_catalog(path.read_bytes(), source=str(path), overlay=True)
    dates = [p.as_of for m in pf.models for p in m.prices if p.value is not None]
    as_of = max(dates) if dates else None
    return SheetInfo(
        path=str(path),
        exists=True,
        version=pf.version,
        as_of=as_of,
        age_days=(today - as_of).days if as_of else None,
        prices=len(dates),
    )


class Staged:
    """A temporary file beside the target; ``commit`` False keeps the target as it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.commit = True


@contextlib.contextmanager
def staged_write(path: Path, text: str) -> Iterator[Staged]:
    """Write ``text`` to a temporary file beside ``path`` and yield it for checking.

    When the block ends without an exception and ``commit`` is still True, the file replaces
    ``path`` atomically (``os.replace``); otherwise it is removed and ``path`` keeps its
    previous content.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise RefreshError(f"cannot write the price sheet: {exc.strerror}", url=str(path)) from None
    staged = Staged(Path(name))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        yield staged
        if staged.commit:
            os.replace(staged.path, path)
    except OSError as exc:
        raise RefreshError(f"cannot write the price sheet: {exc.strerror}", url=str(path)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.path.unlink()
