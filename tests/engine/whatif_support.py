"""Builders for the solve/sweep/compare/simulate tests (imported by name, like engine_support)."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from ftcost.scenario import Scenario

DESIGN = {
    "provider": "azure",
    "model": "gpt-4.1-mini",
    "start_date": "2026-01-01",
    "training": {"method": "sft", "tier": "global", "tokens_per_epoch": 1_000_000, "epochs": 3},
    "deployment": {"type": "global", "count": 1, "hours_per_month": 730},
    "traffic": {"requests_per_month": 3_000_000},
    "base": {"prompt_tokens": 2500, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500, "output_tokens": 200},
    "retrain_every_months": 6,
    "horizon_months": 12,
}

WHOLE = re.compile(r"(tokens|epochs|runs|count|months)$")


def scenario_dict(**over: Any) -> dict[str, Any]:
    """The DESIGN example as builtins, with top-level keys replaced by ``over``."""
    data: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(DESIGN))
    data.update(over)
    return data


def with_value(data: dict[str, Any], path: str, value: float) -> Scenario:
    """A Scenario from ``data`` with the dotted ``path`` set (whole numbers for int fields)."""
    copy: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(data))
    node = copy
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = round(value) if WHOLE.search(path) else float(value)
    return msgspec.convert(copy, Scenario)
