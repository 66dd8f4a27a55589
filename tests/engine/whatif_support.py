"""Builders for the solve/sweep/compare/simulate tests (imported by name, like engine_support)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from engine_support import DESIGN as ENGINE_DESIGN

from ftcost.engine import Scenario

DESIGN = {**ENGINE_DESIGN, "start_date": "2026-01-01"}

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
