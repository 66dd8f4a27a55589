"""Checks every problem document must pass, and the scenario the bad-input tables start from."""

from __future__ import annotations

import copy
from typing import Any

import httpx

PROBLEM = "application/problem+json"
TYPE_BASE = "https://ftcost.dev/problems/"
ABSENT: Any = object()

# A valid Scenario (DESIGN's example, trimmed); tables below change one thing at a time.
SCENARIO: dict[str, Any] = {
    "provider": "azure",
    "model": "gpt-4.1-mini",
    "training": {"method": "sft", "tier": "global", "tokens_per_epoch": 1_000_000, "epochs": 3},
    "deployment": {"type": "global", "count": 1, "hours_per_month": 730},
    "traffic": {"requests_per_month": 3_000_000},
    "base": {"prompt_tokens": 2500, "cached_prompt_tokens": 0, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500, "output_tokens": 200},
    "retrain_every_months": 6,
    "horizon_months": 12,
}


def changed(doc: dict[str, Any], path: str, value: Any = ABSENT) -> dict[str, Any]:
    """A deep copy of ``doc`` with the dotted ``path`` set to ``value`` (removed when ABSENT)."""
    out = copy.deepcopy(doc)
    node = out
    *parents, last = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    if value is ABSENT:
        node.pop(last, None)
    else:
        node[last] = value
    return out


def assert_problem(
    response: httpx.Response,
    status: int,
    slug: str,
    *,
    field: Any = ABSENT,
    detail_has: str = "",
) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem with this status, type slug and (if given) field."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    doc: dict[str, Any] = response.json()
    assert doc["type"] == TYPE_BASE + slug
    assert doc["status"] == status
    assert isinstance(doc["title"], str)
    assert doc["title"]
    assert isinstance(doc["detail"], str)
    assert doc["detail"]
    assert doc["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    if field is not ABSENT:
        assert doc.get("field") == field, doc
    if detail_has:
        assert detail_has.lower() in doc["detail"].lower(), doc["detail"]
    return doc
