"""A small per-worker LRU of encoded answers to pure operations.

``POST /v1/estimate`` is a pure function of (request body, catalog, today's date): planning
tools and the widget send the same scenario again and again, so the worker keeps the encoded
Projection of the last few thousand bodies. Errors are never cached; bodies above
``max_key_bytes`` are not cached either.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["ResponseCache"]


class ResponseCache:
    """Least-recently-used map from a hashable key to response bytes."""

    def __init__(self, max_entries: int = 4096, max_key_bytes: int = 64 * 1024) -> None:
        self.max_entries = max_entries
        self.max_key_bytes = max_key_bytes
        self._data: OrderedDict[Hashable, bytes] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        """The cached bytes for ``key``, or None."""
        value = self._data.get(key)
        if value is None:
            self.misses += 1
            return None
        self._data.move_to_end(key)
        self.hits += 1
        return value

    def put(self, key: Hashable, value: bytes, *, size: int = 0) -> None:
        """Remember ``value`` unless the key is too large (``size`` bytes) to be worth it."""
        if self.max_entries <= 0 or size > self.max_key_bytes:
            return
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
