"""CSV of the results people share: an estimate's monthly series, a sweep's grid, a
comparison's rows.

One module for the CLI (``--csv``) and the API (``Accept: text/csv``), so both print the same
columns. Figures are unrounded (``repr`` of the float); an empty cell is a null. The columns
are named as the JSON fields are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ftcost.engine import CompareResult, Projection, SweepResult

__all__ = ["CSV_MEDIA_TYPE", "compare_csv", "series_csv", "sweep_csv", "to_csv"]

CSV_MEDIA_TYPE = "text/csv"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends) with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def series_csv(p: Projection) -> str:
    """One row per month: cumulative cost of both setups, their difference, training events."""
    return to_csv(
        [
            "month",
            "base_cumulative_usd",
            "fine_tuned_cumulative_usd",
            "net_savings_cumulative_usd",
            "training_event",
        ],
        (
            [
                int(s.month) if float(s.month).is_integer() else s.month,
                s.base_cumulative_usd,
                s.fine_tuned_cumulative_usd,
                s.base_cumulative_usd - s.fine_tuned_cumulative_usd,
                s.training_event,
            ]
            for s in p.series
        ),
    )


def sweep_csv(r: SweepResult) -> str:
    """One row per grid point (row-major, as the JSON grids): axis values, then the figures."""
    fields = [a.field for a in r.axes]
    rows = []
    for i in range(r.points):
        index, coords = i, []
        for axis, n in zip(reversed(r.axes), reversed(r.shape), strict=True):
            coords.append(axis.values[index % n])
            index //= n
        rows.append(
            [
                *reversed(coords),
                r.monthly_net_savings_usd[i],
                r.horizon_net_savings_usd[i],
                r.payback_months[i],
                r.break_even_requests_per_month[i],
                r.pays[i],
                r.reason_codes[i],
            ]
        )
    header = [
        *fields,
        "monthly_net_savings_usd",
        "horizon_net_savings_usd",
        "payback_months",
        "break_even_requests_per_month",
        "pays",
        "reason_code",
    ]
    return to_csv(header, rows)


def compare_csv(r: CompareResult) -> str:
    """One row per priced combination (cheapest first), then one per combination not offered."""
    header = [
        "rank",
        "tier",
        "region",
        "model",
        "deployment",
        "model_id",
        "training_usd",
        "hosting_monthly_usd",
        "monthly_fine_tuned_usd",
        "monthly_net_savings_usd",
        "horizon_fine_tuned_usd",
        "horizon_net_savings_usd",
        "payback_months",
        "pays",
        "reason_code",
        "warnings",
        "unavailable_reason",
    ]
    rows: list[list[Any]] = []
    for row in r.rows:
        v = row.variant
        rows.append(
            [
                row.rank,
                v.tier,
                v.region,
                v.model,
                v.deployment,
                row.model_id,
                row.training_usd,
                row.hosting_monthly_usd,
                row.monthly_fine_tuned_usd,
                row.monthly_net_savings_usd,
                row.horizon_fine_tuned_usd,
                row.horizon_net_savings_usd,
                row.payback_months,
                row.pays,
                row.reason_code,
                " ".join(row.warnings),
                None,
            ]
        )
    for u in r.unavailable:
        v = u.variant
        rows.append([None, v.tier, v.region, v.model, v.deployment, *([None] * 11), u.reason])
    return to_csv(header, rows)
