"""CLI command family cmd_models."""

from __future__ import annotations

from typing import Any

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add this family's commands to the CLI."""
