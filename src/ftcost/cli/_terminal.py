"""Terminals that cannot take UTF-8 (``LC_ALL=C``, ``PYTHONIOENCODING=ascii``).

``ascii_fallback()`` sets an error handler on stdout and stderr when their encoding is not a
UTF one: characters the terminal cannot encode become their ASCII spelling (``×`` -> ``x``,
``…`` -> ``...``, ``→`` -> ``->``) or ``?``. Every command's text output then prints instead of
failing with UnicodeEncodeError. JSON output is written as UTF-8 bytes regardless (``_common``).
"""

from __future__ import annotations

import codecs
import sys
from typing import Any

__all__ = ["ASCII", "ascii_fallback"]

ASCII = str.maketrans(
    {
        "…": "...",
        "×": "x",
        "→": "->",
        "←": "<-",
        "–": "-",
        "—": "-",
        "−": "-",
        "≤": "<=",
        "≥": ">=",
        "’": "'",
        "‘": "'",
        "“": '"',
        "”": '"',
        "≈": "~",
        "€": "EUR",
        "·": "-",
        "•": "*",
        "✓": "ok",
        "µ": "u",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
    }
)
_HANDLER = "ftcost-ascii"


def _spell(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    text = bad.translate(ASCII)
    return "".join(c if c.isascii() else "?" for c in text), exc.end


def _is_utf(stream: Any) -> bool:
    enc = (getattr(stream, "encoding", None) or "ascii").lower().replace("-", "").replace("_", "")
    return enc.startswith("utf")


def ascii_fallback() -> None:
    """Let stdout and stderr spell what they cannot encode (no-op on UTF terminals)."""
    try:
        codecs.lookup_error(_HANDLER)
    except LookupError:
        codecs.register_error(_HANDLER, _spell)
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not _is_utf(stream) and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors=_HANDLER)
            except (ValueError, OSError):  # a stream that cannot change now: leave it
                continue
