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

``Python``'s ``\\s`` also matches U+001C..U+001F, which tiktoken's (Unicode ``White_Space``)
does not; the pattern below leaves them out, so "whitespace" means the same on both sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ftcost.errors import InvalidInputError

__all__ = ["KEEP", "MAX_RUN", "PERIOD", "shorten_runs"]

MAX_RUN = 100_000  # whitespace characters in a row handed to tiktoken (it panics near 1M)
PERIOD = 1024  # a multiple of the longest whitespace token of each character, in characters
KEEP = 8 * PERIOD  # characters of a stretch left in place, far beyond BPE's end effects

_WS = r"[^\S\x1c-\x1f]"
_runs_cache: dict[int, re.Pattern[str]] = {}
_char_cache: dict[str, re.Pattern[str]] = {}


def _long_runs(max_run: int) -> re.Pattern[str]:
    # Anchored at the start of a run (the lookbehind), so each run is scanned once.
    pat = _runs_cache.get(max_run)
    if pat is None:
        pat = _runs_cache[max_run] = re.compile(rf"(?<!{_WS}){_WS}{{{max_run},}}")
    return pat


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
    pattern = _long_runs(max_run)
    if pattern.search(text) is None:
        return text, 0
    parts: list[str] = []
    removed = 0
    last = 0
    for run in pattern.finditer(text):
        parts.append(text[last : run.start()])
        for s in _stretches(run.group()):
            periods = (len(s) - keep) // period
            per = tokens_per_period(s[0]) if periods > 0 else None
            if per is None:
                parts.append(s)
                continue
            parts.append(s[: len(s) - periods * period])
            removed += periods * per
        last = run.end()
    parts.append(text[last:])
    short = "".join(parts)
    left = pattern.search(short)
    if left is not None:
        raise InvalidInputError(
            f"the text has a run of {len(left.group()):,} whitespace characters mixing "
            f"several kinds (near character {_position(text, left.group()):,}); at most "
            f"{max_run - 1:,} such characters in a row can be counted"
        )
    return short, removed


def _stretches(run: str) -> list[str]:
    """``run`` cut into stretches of one repeated character."""
    out: list[str] = []
    i = 0
    while i < len(run):
        char = run[i]
        pat = _char_cache.get(char)
        if pat is None:
            pat = _char_cache[char] = re.compile(re.escape(char) + "+")
        m = pat.match(run, i)
        assert m is not None
        out.append(m.group())
        i = m.end()
    return out


def _position(text: str, run: str) -> int:
    """Where ``run`` (or its first stretch) starts in ``text``, for the message."""
    at = text.find(run[:64])
    return max(at, 0)
