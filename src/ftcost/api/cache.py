"""A small per-worker LRU of encoded answers to pure operations, bounded in bytes.

``POST /v1/estimate`` is a pure function of (request body, catalog, today's date): planning
tools and the widget send the same scenario again and again, so the worker keeps the encoded
Projection of recent bodies. The cache is bounded by the bytes it holds (keys and answers,
``max_bytes``), not by a number of entries, so a client sending many distinct bodies cannot
grow a worker's memory past it. Errors are never cached; bodies above ``max_key_bytes`` and
answers above an eighth of the budget are not cached either.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["ResponseCache"]

_ENTRY_OVERHEAD = 256  # bytes of bookkeeping per entry (key tuple, dict slot, bytes headers)


class ResponseCache:
    """Least-recently-used map from a hashable key to response bytes, at most ``max_bytes``."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_key_bytes: int = 64 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_key_bytes = max_key_bytes
        self._data: OrderedDict[Hashable, tuple[bytes, int]] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        """The cached bytes for ``key``, or None."""
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._data.move_to_end(key)
        self.hits += 1
        return entry[0]

    def put(self, key: Hashable, value: bytes, *, size: int = 0) -> None:
        """Remember ``value`` unless the key (``size`` bytes) or the value is too large."""
        cost = size + len(value) + _ENTRY_OVERHEAD
        if size > self.max_key_bytes or cost > self.max_bytes // 8:
            return
        old = self._data.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._data[key] = (value, cost)
        self.bytes += cost
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self._data.popitem(last=False)
            self.bytes -= dropped

    def __len__(self) -> int:
        return len(self._data)
