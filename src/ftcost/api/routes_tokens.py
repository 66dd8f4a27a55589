"""Token counting and streamed dataset analysis (tokens/count, datasets/analyze)."""

from __future__ import annotations

from typing import Any

__all__ = ["TOKEN_ROUTES"]

TOKEN_ROUTES: list[Any] = []
