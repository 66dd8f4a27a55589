"""Builders shared by the engine tests (imported by name: conftest puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

import msgspec

from ftcost.engine import Scenario

# The scenario of DESIGN.md's example (no start date: lifecycle dates are not placed).
DESIGN: dict[str, Any] = {
    "provider": "azure",
    "model": "gpt-4.1-mini",
    "training": {"method": "sft", "tier": "global", "tokens_per_epoch": 1_000_000, "epochs": 3},
    "deployment": {"type": "global", "count": 1, "hours_per_month": 730},
    "traffic": {"requests_per_month": 3_000_000},
    "base": {"prompt_tokens": 2500, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500, "output_tokens": 200},
    "retrain_every_months": 6,
    "horizon_months": 12,
}


def scenario(**over: Any) -> Scenario:
    """A Scenario from the DESIGN example, with top-level keys replaced by ``over``."""
    return msgspec.convert({**DESIGN, **over}, Scenario)
