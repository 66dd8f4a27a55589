"""The tokenizer boundary for long whitespace runs: count them exactly, or refuse them.

tiktoken's pre-tokenising regex (fancy-regex) matches a whitespace run with a backtracking
``\\s+(?!\\S)``; on a run of about a million whitespace characters it overflows its stack and the
Rust code panics (``pyo3_runtime.PanicException``, a ``BaseException``; the panic message is
printed on stderr before Python sees it). So no run of ``MAX_RUN`` or more whitespace
characters is ever handed to tiktoken:

* Inside such a run, every stretch of one repeated character (1M spaces, 200k tabs) is shortened
  by whole periods of ``PERIOD`` characters taken from its middle, keeping at least ``KEEP``
  characters, and each period removed adds the tokens one period is worth. This does not change
  the count: deep inside a long stretch BPE emits the same longest token of that character over
  and over (128 spaces, 16 tabs, ...), and ``PERIOD`` is a multiple of each of those lengths, so
  removing a period removes exactly ``tokens_per_period`` tokens and leaves both ends, and the
  regex pieces around the stretch, as they were. ``tokens_per_period`` is measured from the
  encoding itself (and must be the same for two consecutive periods, or the stretch is not
  shortened). ``tests/tokens/test_runs.py`` checks count(shortened) + removed ==
  count(whole text) with hypothesis on texts below tiktoken's threshold.
* A run that is still ``MAX_RUN`` characters or longer afterwards (mixed whitespace such as
  ``" \\t" * 100_000``) is refused with ``InvalidInputError`` naming its length and position.

Long texts are also encoded in pieces of about ``CHUNK`` characters (``chunks``), cut just
before a space that follows an ASCII letter: tiktoken's regex always has a piece boundary there
(a letter belongs to a letter piece, which takes a space only as its first character) and
matching at that point depends only on the text after it, so the counts add up exactly; the
token list of one call then stays small (a 61 MB line no longer needs gigabytes of ints).

``Python``'s ``\\s`` also matches U+001C..U+001F, which tiktoken's (Unicode ``White_Space``)
does not; the pattern below leaves them out, so "whitespace" means the same on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ftcost.errors import InvalidInputError

__all__ = ["CHUNK", "KEEP", "MAX_RUN", "PERIOD", "chunks", "long_runs", "shorten_runs"]

MAX_RUN = 100_000  # whitespace characters in a row handed to tiktoken (it panics near 1M)
PERIOD = 1024  # a multiple of the longest whitespace token of each character, in characters
KEEP = 8 * PERIOD  # characters of a stretch left in place, far beyond BPE's end effects
CHUNK = 1 << 20  # characters per tiktoken call for a long text

_WS = r"[^\S\x1c-\x1f]"
_WS_CHAR = re.compile(_WS)
_WS_RUN = re.compile(f"{_WS}+")  # forwards from a position
_WS_TAIL = re.compile(rf"{_WS}+\Z")  # backwards from a position (as the end of a window)
_char_cache: dict[str, re.Pattern[str]] = {}
_CUT = re.compile(r"(?<=[A-Za-z]) ")  # a piece boundary of both encodings' regex


def chunks(text: str, size: int = CHUNK) -> Iterator[str]:
    """``text`` in consecutive pieces of at least ``size`` characters (the last may be
    shorter), each cut where tiktoken's own segmentation has a boundary; a text with no such
    place is one piece."""
    start = 0
    while len(text) - start > size:
        m = _CUT.search(text, start + size)
        if m is None:
            break
        yield text[start : m.start()]
        start = m.start()
    yield text[start:]


def long_runs(text: str, max_run: int = MAX_RUN) -> list[tuple[int, int]]:
    """``(start, end)`` of every whitespace run of ``max_run`` characters or more.

    A run that long covers a multiple of ``max_run // 2``, so only those positions are looked
    at, and the run is measured from there (in C, by ``re``): ordinary text costs a few probes
    per megabyte instead of a scan that would hold the GIL for tens of milliseconds.
    """
    step = max(1, max_run // 2)
    found: list[tuple[int, int]] = []
    covered = 0
    for p in range(0, len(text), step):
        if p < covered or not _WS_CHAR.match(text, p):
            continue
        tail = _WS_TAIL.search(text, max(covered, p - step), p + 1)
        start = tail.start() if tail else p
        head = _WS_RUN.match(text, p)
        end = head.end() if head else p + 1
        covered = end
        if end - start >= max_run:
            found.append((start, end))
    return found


def shorten_runs(
    text: str,
    tokens_per_period: Callable[[str], int | None],
    *,
    max_run: int = MAX_RUN,
    period: int = PERIOD,
    keep: int = KEEP,
) -> tuple[str, int]:
    """``text`` with its long whitespace stretches shortened, and the tokens removed with them.

    ``tokens_per_period(c)`` is the number of tokens ``period`` more characters ``c`` add deep
    inside a stretch of ``c`` (None: not periodic, leave it). Raises ``InvalidInputError`` when
    a whitespace run of ``max_run`` characters or more remains.
    """
    if len(text) < max_run:
        return text, 0
    runs = long_runs(text, max_run)
    if not runs:
        return text, 0
    parts: list[str] = []
    removed = 0
    last = 0
    for start, end in runs:
        parts.append(text[last:start])
        left = 0
        for s in _stretches(text, start, end):
            periods = (len(s) - keep) // period
            per = tokens_per_period(s[0]) if periods > 0 else None
            if per is not None:
                s = s[: len(s) - periods * period]
                removed += periods * per
            parts.append(s)
            left += len(s)
            if left >= max_run:
                raise InvalidInputError(
                    f"the text has a run of {end - start:,} whitespace characters mixing "
                    f"several kinds at character {start:,}; at most {max_run - 1:,} such "
                    "characters in a row can be counted"
                )
        last = end
    parts.append(text[last:])
    return "".join(parts), removed


def _stretches(text: str, start: int, end: int) -> Iterator[str]:
    """``text[start:end]`` cut into stretches of one repeated character."""
    i = start
    while i < end:
        char = text[i]
        pat = _char_cache.get(char)
        if pat is None:
            pat = _char_cache[char] = re.compile(re.escape(char) + "+")
        m = pat.match(text, i, end)
        assert m is not None
        yield m.group()
        i = m.end()
