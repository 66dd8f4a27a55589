"""The traffic report (``TrafficReport``): the JSON shape of ``ftcost traffic analyze --json`` and
``POST /v1/traffic/analyze``.

Keys clients rely on: ``requests``, ``requests_per_month``, ``span_days``, ``prompt_tokens``,
``output_tokens``, ``cached_tokens``, ``shared_prefix_tokens`` (each with ``p10``, ``p50``,
``p90``, ``mean``), ``groups`` (each with ``prefix_tokens``, ``requests``, ``share``),
``scenario`` (a complete Scenario) and ``distributions`` (``simulate``'s own type).
"""

from __future__ import annotations

from typing import Literal

import msgspec

from ftcost.catalog import CatalogInfo
from ftcost.engine import Distribution, Scenario
from ftcost.tokens import Issue
from ftcost.traffic.latency import LatencyCalibration
from ftcost.traffic.stats import Stats

__all__ = [
    "DistillReport",
    "DistillTierCost",
    "LatencyReport",
    "PrefixGroup",
    "TrafficReport",
    "UsageCheck",
]

CachedSource = Literal["observed", "estimated"]


class _Out(msgspec.Struct, frozen=True, kw_only=True):
    """Report parts: immutable, keyword-only."""


class PrefixGroup(_Out, frozen=True, kw_only=True):
    """Requests sharing their leading static content, and the prefix they share."""

    id: str  # short hex of the group key
    preview: str  # the first characters of the system/developer instructions, else the role
    requests: int
    share: float  # of all requests with a prompt
    prefix_tokens: int  # longest common prefix (0 for a group of one)
    system_prefix_tokens: int  # of those, the leading system/developer instructions
    few_shot_turns: int  # assistant turns wholly inside the prefix
    tools_tokens: int  # tool definitions (kept by the fine-tuned prompt)
    cacheable_tokens: int  # cached under the provider's rule (tools + prefix)
    prompt_tokens: Stats
    variable_prompt_tokens: Stats


class UsageCheck(_Out, frozen=True, kw_only=True):
    """Counted prompt tokens against ``usage.prompt_tokens`` where the log has both."""

    compared: int
    mismatches: int
    mismatch_rate: float | None
    mean_abs_difference: float | None  # over the mismatches


class LatencyReport(_Out, frozen=True, kw_only=True):
    """Observed timings and, when enough requests carry both, the calibrated law."""

    ttft_s: Stats
    e2e_s: Stats
    calibration: LatencyCalibration | None
    model: str  # the model the timings are of


class DistillTierCost(_Out, frozen=True, kw_only=True):
    """Training cost of the distilled data on one tier (``usd`` null without a price)."""

    tier: str
    available: bool
    usd: float | None = None
    usd_per_mtok: float | None = None
    note: str = ""


class DistillReport(_Out, frozen=True, kw_only=True):
    """The logged responses as training data (dataset counting rules)."""

    examples: int
    tokens: int
    tokens_per_epoch: int  # billed: each example capped at the training-example limit
    truncated_examples: int
    example_tokens: Stats
    epochs: int
    epochs_auto: bool
    training_tokens: int
    cost: list[DistillTierCost]


class TrafficReport(_Out, frozen=True, kw_only=True):
    """Everything the log says about the traffic, and the Scenario it implies."""

    provider: str
    model: str
    encoding: str
    lines: int
    bytes: int
    records: dict[str, int]  # by shape: chat, wrapped, batch_input, batch_output
    requests: int
    responses: int
    models: dict[str, int]  # the `model` field of the requests
    span_days: float | None
    first_timestamp: str | None
    last_timestamp: str | None
    requests_per_month: float | None
    peak_requests_per_minute: int | None
    prompt_tokens: Stats
    variable_prompt_tokens: Stats
    shared_prefix_tokens: Stats
    output_tokens: Stats
    cached_tokens: Stats
    cached_source: CachedSource
    groups: list[PrefixGroup]
    usage_check: UsageCheck
    latency: LatencyReport | None
    distill: DistillReport | None
    scenario: Scenario
    distributions: dict[str, Distribution]
    ok: bool  # no line had an error
    issues: list[Issue]
    issue_counts: dict[str, int]
    assumptions: list[str]
    catalog: CatalogInfo
