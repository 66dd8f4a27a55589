"""The dataset report (``DatasetReport``) and the pieces computed once a file has been read.

JSON keys clients rely on: ``examples``, ``tokens.total``, ``tokens.billed_per_epoch``,
``tokens.per_example`` (``min``, ``mean``, ``p50``, ``p90``, ``p99``, ``max``; nearest-rank
percentiles, so each is the size of a real example), ``epochs.value``, ``epochs.auto``,
``training_tokens``, ``truncated_examples``, ``issues`` (``line``, ``severity``, ``code``,
``message``), ``validation``, ``cost`` (one entry per training tier of the model),
``assumptions`` and ``catalog`` (the catalog version used).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import msgspec
import numpy as np

from ftcost.catalog import CatalogInfo, Method, ModelEntry, Tier, find_price
from ftcost.dataset.checks import ISSUE_CAP, DatasetFormat
from ftcost.errors import PriceUnavailableError
from ftcost.tokens import EstimatePart, Issue

__all__ = [
    "DatasetLimits",
    "DatasetReport",
    "EpochsInfo",
    "PerExample",
    "SplitReport",
    "TierCost",
    "TokenStats",
    "duplicate_issues",
    "per_example",
    "tier_costs",
]

FORMAT_METHOD: dict[str, Method] = {
    "chat": "sft",
    "prompt_completion": "sft",
    "dpo": "dpo",
    "rft": "rft",
}


class _Out(msgspec.Struct, frozen=True, kw_only=True):
    """Report parts: immutable, keyword-only."""


class PerExample(_Out, frozen=True, kw_only=True):
    """Tokens per example (before truncation): extremes, mean and nearest-rank percentiles."""

    min: int
    mean: float
    p50: int
    p90: int
    p99: int
    max: int


class TokenStats(_Out, frozen=True, kw_only=True):
    """Tokens of one file; ``billed_per_epoch`` caps each example at the example limit."""

    total: int
    billed_per_epoch: int
    per_example: PerExample | None


class EpochsInfo(_Out, frozen=True, kw_only=True):
    """Epochs used for ``training_tokens``; ``auto`` when the heuristic chose them."""

    value: int
    auto: bool
    rule: str


class TierCost(_Out, frozen=True, kw_only=True):
    """Training cost of the file on one tier (``usd`` null when the tier has no usable price)."""

    tier: str
    method: str
    available: bool
    usd: float | None = None
    usd_per_mtok: float | None = None
    status: str | None = None
    note: str = ""


class DatasetLimits(_Out, frozen=True, kw_only=True):
    """The catalog limits the file was checked against (null: no source gives one)."""

    training_example_tokens: int | None
    job_tokens: int | None
    min_examples: int | None
    file_bytes: int | None


class SplitReport(_Out, frozen=True, kw_only=True):
    """Statistics of the validation file: reported, not billed."""

    examples: int
    lines: int
    bytes: int
    tokens: TokenStats
    truncated_examples: int
    issues: list[Issue]
    issue_counts: dict[str, int]
    billed: bool = False
    note: str = "validation tokens are reported but not billed (assumption)"


class DatasetReport(_Out, frozen=True, kw_only=True):
    """Everything ``ftcost analyze`` and ``POST /v1/datasets/analyze`` say about a file."""

    provider: str
    model: str
    encoding: str
    format: DatasetFormat
    format_detected: bool
    method: str
    examples: int
    lines: int
    bytes: int
    tokens: TokenStats
    epochs: EpochsInfo
    training_tokens: int
    truncated_examples: int
    ok: bool
    issues: list[Issue]
    issue_counts: dict[str, int]
    validation: SplitReport | None
    cost: list[TierCost]
    estimates: list[EstimatePart]
    limits: DatasetLimits
    assumptions: list[str]
    catalog: CatalogInfo
    counting_method: str


def per_example(hist: Mapping[int, int]) -> PerExample | None:
    """Min, mean, p50/p90/p99 (nearest rank) and max from a {tokens: examples} histogram."""
    count = sum(hist.values())
    if count == 0:
        return None
    keys = sorted(hist)
    targets = {q: max(1, math.ceil(q / 100 * count)) for q in (50, 90, 99)}
    found: dict[int, int] = {}
    seen = 0
    for k in keys:
        seen += hist[k]
        for q, rank in targets.items():
            if q not in found and seen >= rank:
                found[q] = k
    total = sum(k * v for k, v in hist.items())
    return PerExample(
        min=keys[0],
        mean=total / count,
        p50=found[50],
        p90=found[90],
        p99=found[99],
        max=keys[-1],
    )


def duplicate_issues(hashes: Sequence[bytes], lines: Sequence[bytes]) -> tuple[list[Issue], int]:
    """Issues for examples identical to an earlier one (at most ``ISSUE_CAP``), and the count."""
    if not hashes:
        return [], 0
    h = np.frombuffer(b"".join(hashes), dtype="<u8")
    ln = np.frombuffer(b"".join(lines), dtype="<u8")
    if h.size < 2:
        return [], 0
    order = np.lexsort((ln, h))  # by hash, then by line
    hs, ls = h[order], ln[order]
    dup = np.flatnonzero(hs[1:] == hs[:-1]) + 1
    if dup.size == 0:
        return [], 0
    # The first line of each run of equal hashes is the original.
    starts = np.flatnonzero(np.r_[True, hs[1:] != hs[:-1]])
    first_of = starts[np.searchsorted(starts, dup, side="right") - 1]
    dup_lines, first_lines = ls[dup], ls[first_of]
    keep = np.argsort(dup_lines, kind="stable")[:ISSUE_CAP]  # the earliest duplicates only
    issues = [
        Issue(
            line=int(dup_lines[k]),
            severity="warning",
            code="duplicate",
            message=f"duplicate of line {int(first_lines[k])}",
        )
        for k in keep
    ]
    return issues, int(dup.size)


def tier_costs(entry: ModelEntry, method: Method, training_tokens: int) -> list[TierCost]:
    """Training cost per tier the model offers; tiers without a usable price say why."""
    out: list[TierCost] = []
    for tier in entry.tiers:
        if method not in entry.methods:
            out.append(
                TierCost(
                    tier=tier,
                    method=method,
                    available=False,
                    note=f"{entry.id} cannot be fine-tuned with {method.upper()}",
                )
            )
            continue
        if method == "rft":
            out.append(_rft_cost(entry, tier))
            continue
        try:
            price = find_price(entry, "training", tier, method=method)
        except PriceUnavailableError as exc:
            out.append(TierCost(tier=tier, method=method, available=False, note=exc.detail))
            continue
        assert price.value is not None
        note = price.rule if price.status == "derived" else price.note
        out.append(
            TierCost(
                tier=tier,
                method=method,
                available=True,
                usd=training_tokens / 1e6 * float(price.value),
                usd_per_mtok=float(price.value),
                status=price.status,
                note=note,
            )
        )
    return out


def _rft_cost(entry: ModelEntry, tier: Tier) -> TierCost:
    try:
        price = find_price(entry, "rft_training", tier, method="rft")
    except PriceUnavailableError as exc:
        return TierCost(tier=tier, method="rft", available=False, note=exc.detail)
    return TierCost(
        tier=tier,
        method="rft",
        available=False,
        status=price.status,
        note=(
            f"RFT is billed per training hour ({price.value} usd_per_hour), not per token: "
            "give training hours to ftcost estimate"
        ),
    )
