"""What-if operations on a Scenario: solve, sweep, compare, simulate."""

from __future__ import annotations

from typing import Any

__all__ = ["ANALYSIS_ROUTES"]

ANALYSIS_ROUTES: list[Any] = []
