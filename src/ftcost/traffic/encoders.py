"""Token counting for the traffic batches, with a bounded per-process cache of static texts.

``encoders(counter, encoding)`` returns ``n(text) -> tokens``, ``ids(text) -> token ids`` (packed
uint32, see ``ftcost.traffic.prefix``) and a dict of the ``Unit`` of each plain static message
seen. Texts whose ids were asked for are cached (up to ``MAX_CHARS`` characters, then the cache
starts again), so ``n`` of a repeated system prompt is a dict look-up. A counter without token
ids (a ``TokenCounter`` with ``count`` only) gets one pseudo-id per text: the shared prefix is
then found at message granularity.
"""

from __future__ import annotations

import hashlib
from array import array
from typing import Any

from ftcost.traffic.prefix import Unit

__all__ = ["encoders"]


class _TokenCache:
    """Token ids of static message texts, per encoding, bounded (cleared when full)."""

    MAX_CHARS = 8 << 20

    def __init__(self, owner: Any) -> None:
        self.owner = owner  # the counter (kept alive, so its id is not reused)
        self.ids: dict[str, bytes] = {}
        self.units: dict[tuple[str, str | None, str], Unit] = {}
        self.chars = 0


_CACHES: dict[str, _TokenCache] = {}


def encoders(counter: Any, encoding: str) -> tuple[Any, Any, dict[Any, Unit]]:
    """``n(text) -> tokens``, ``ids(text) -> token ids`` and the units of plain static
    messages, sharing one bounded cache per process."""
    from ftcost import tokens  # tiktoken loads here, in whichever process runs the batch

    base = counter or tokens.default_counter()
    plain = tokens.text_length(base, encoding)
    enc_of = getattr(base, "encoding", None)
    enc = enc_of(encoding) if callable(enc_of) else None
    raw = getattr(getattr(enc, "_core_bpe", None), "encode_ordinary", None)
    safe = getattr(enc, "encode_ordinary", None)
    cache = _CACHES.get(f"{encoding}:{id(base)}")
    if cache is None or cache.owner is not base:
        cache = _CACHES[f"{encoding}:{id(base)}"] = _TokenCache(base)
    table = cache.ids

    def encode(text: str) -> bytes:
        if raw is not None:
            try:
                return array("I", raw(text)).tobytes()
            except UnicodeEncodeError:
                pass
        if safe is not None:
            return array("I", safe(text)).tobytes()
        # A counter without token ids: one pseudo-id per text (the prefix is then found at
        # message granularity).
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=4).digest()

    def ids(text: str) -> bytes:
        got = table.get(text)
        if got is None:
            got = encode(text)
            if cache.chars > _TokenCache.MAX_CHARS:
                table.clear()
                cache.units.clear()
                cache.chars = 0
            table[text] = got
            cache.chars += len(text)
        return got

    def n(text: str) -> int:
        got = table.get(text)
        return plain(text) if got is None else (len(got) // 4 if raw or safe else plain(text))

    return n, ids, cache.units
