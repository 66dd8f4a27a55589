"""Sweep one or two numeric inputs over value lists or ranges: grids of savings and payback.

``sweep(SweepRequest, catalog, counter) -> SweepResult``. The scenario is resolved once; the
grid is then evaluated by ``costs.evaluate`` on numpy arrays, never by a Python loop over the
points: in chunks of ``CHUNK_POINTS``, so the working space stays at ~30 MB whatever the grid
size (the result arrays take 33 bytes a point; the JSON-ready lists of ``SweepResult`` about
160 MB at 10⁶ points). ``benchmarks/bench_sweep.py`` measures it.

An axis is ``{field, values: [...]}`` or ``{field, start, stop, num, scale: linear|log}``
(``numpy.linspace`` / ``numpy.geomspace``, both ends included; log needs start and stop > 0).
Whole-number fields (token counts, epochs, runs, deployment count, months) take whole values:
listed values must be whole, range points are rounded to the nearest whole number and repeats
dropped (the result's ``axes`` give the values used). Values outside a field's bounds are
rejected with the path of the item (``axes[0].values[3]``).

Bounds of one call: at most two axes, ``MAX_SWEEP_POINTS`` (1,000,000) grid points in all.

Grids are flat, row-major: the point ``(i, j)`` of a two-axis sweep is at index
``i × len(axes[1].values) + j``; ``shape`` gives the lengths. ``payback_months`` and
``break_even_requests_per_month`` are null where they do not exist; ``reason_codes`` say why
fine-tuning never pays (``pays`` where it does), as in the Projection.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

import msgspec
import numpy as np
from msgspec import Meta

from ftcost.catalog import Catalog, CatalogInfo
from ftcost.engine import costs
from ftcost.engine.inputs import (
    InputSpec,
    check_values,
    input_spec,
    reason_code_list,
    resolve_in_request,
    substitute,
)
from ftcost.engine.projection import ReasonCode, WarningItem
from ftcost.engine.resolve import Resolved
from ftcost.engine.scenario import MAX_TRAINING_TOKENS, Scenario
from ftcost.engine.solve import FieldName
from ftcost.errors import InvalidInputError

__all__ = [
    "CHUNK_POINTS",
    "MAX_SWEEP_POINTS",
    "SweepAxis",
    "SweepAxisResult",
    "SweepGrid",
    "SweepRequest",
    "SweepResult",
    "axis_values",
    "sweep",
    "sweep_grid",
]

MAX_SWEEP_POINTS = 1_000_000
CHUNK_POINTS = 65_536
_OUTCOME_NAMES = {"break_even_requests_per_month": "breakeven_requests_per_month"}
AxisNumber = Annotated[float, Meta(ge=0.0, le=float(MAX_TRAINING_TOKENS))]


class _Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, unknown keys rejected."""


class SweepAxis(_Base, frozen=True, kw_only=True):
    """One swept field: a list of ``values``, or ``start``/``stop``/``num`` with a ``scale``."""

    field: FieldName
    values: Annotated[list[AxisNumber], Meta(min_length=1, max_length=MAX_SWEEP_POINTS)] | None = (
        None
    )
    start: AxisNumber | None = None
    stop: AxisNumber | None = None
    num: Annotated[int, Meta(ge=1, le=MAX_SWEEP_POINTS)] | None = None
    scale: Literal["linear", "log"] = "linear"


class SweepRequest(_Base, frozen=True, kw_only=True):
    """A scenario and one or two axes to vary (at most 1,000,000 grid points)."""

    scenario: Scenario
    axes: Annotated[list[SweepAxis], Meta(min_length=1, max_length=2)]


class SweepAxisResult(_Base, frozen=True, kw_only=True):
    """The values one axis took (after rounding whole-number fields)."""

    field: str
    values: list[float]
    integer: bool
    current_value: float  # the scenario's own value of the field


class SweepResult(_Base, frozen=True, kw_only=True):
    """Flat row-major grids over the axes (``shape`` gives their lengths)."""

    axes: list[SweepAxisResult]
    shape: list[int]
    points: int
    monthly_net_savings_usd: list[float]
    horizon_net_savings_usd: list[float]
    payback_months: list[float | None]
    break_even_requests_per_month: list[float | None]
    pays: list[bool]
    reason_codes: list[ReasonCode]
    warnings: list[WarningItem]  # the scenario's own (catalog) warnings
    notes: list[str]
    catalog: CatalogInfo


@dataclass(frozen=True, slots=True)
class SweepGrid:
    """The numeric grids of a sweep as flat float64 arrays (what ``SweepResult`` encodes)."""

    monthly_net_savings_usd: np.ndarray
    horizon_net_savings_usd: np.ndarray
    payback_months: np.ndarray
    break_even_requests_per_month: np.ndarray
    never_reason: np.ndarray


def axis_values(resolved: Resolved, axis: SweepAxis, where: str) -> tuple[InputSpec, np.ndarray]:
    """The checked values of one axis (whole-number fields rounded, repeats dropped)."""
    spec = input_spec(resolved, axis.field, where=f"{where}.field")
    ranged = (axis.start, axis.stop, axis.num)
    if axis.values is not None:
        if any(x is not None for x in ranged):
            raise InvalidInputError(
                f"{where}: give either values or start, stop and num, not both", field=where
            )
        values = np.asarray(axis.values, dtype=np.float64)
        check_values(spec, values, where=f"{where}.values")
        return spec, values
    for name, x in zip(("start", "stop", "num"), ranged, strict=True):
        if x is None:
            raise InvalidInputError(
                f"{where}.{name} is required (or give values)", field=f"{where}.{name}"
            )
    assert axis.start is not None
    assert axis.stop is not None
    assert axis.num is not None
    for name, x in (("start", axis.start), ("stop", axis.stop)):
        check_values(spec, np.array([x]), where=f"{where}.{name}", indexed=False)
    if axis.scale == "log":
        for name, x in (("start", axis.start), ("stop", axis.stop)):
            if x <= 0:
                raise InvalidInputError(
                    f"{where}.{name} must be > 0 on a log scale", field=f"{where}.{name}"
                )
        values = np.geomspace(axis.start, axis.stop, axis.num)
    else:
        values = np.linspace(axis.start, axis.stop, axis.num)
    if axis.num > 1:
        values[0], values[-1] = axis.start, axis.stop  # exact ends despite geomspace rounding
    if spec.integer:
        values = np.round(values)
        _, first = np.unique(values, return_index=True)
        values = values[np.sort(first)]
    return spec, values


def _clipped_cache_notes(r: Resolved, fields: list[str], values: list[np.ndarray]) -> list[str]:
    """Where swept cached tokens exceed the prompt, evaluate clips them: say so."""
    notes = []
    for role in ("base", "fine_tuned"):
        p_name, c_name = f"{role}.prompt_tokens", f"{role}.cached_prompt_tokens"
        if p_name not in fields and c_name not in fields:
            continue
        prompt = values[fields.index(p_name)] if p_name in fields else np.array([r.values[p_name]])
        cached = values[fields.index(c_name)] if c_name in fields else np.array([r.values[c_name]])
        if float(cached.max()) > float(prompt.min()):
            notes.append(
                f"where {c_name} exceeds {p_name} it is clipped to the prompt (as in estimate)"
            )
    return notes


def sweep_grid(
    resolved: Resolved,
    fields: Sequence[str],
    values: Sequence[np.ndarray],
    *,
    chunk: int = CHUNK_POINTS,
) -> SweepGrid:
    """Evaluate the row-major grid of ``values`` over ``fields`` with ``costs.evaluate``."""
    shape = tuple(len(v) for v in values)
    n = int(np.prod(shape))
    out = {
        name: np.empty(n, dtype=np.float64)
        for name in (
            "monthly_net_savings_usd",
            "horizon_net_savings_usd",
            "payback_months",
            "break_even_requests_per_month",
        )
    }
    reason = np.empty(n, dtype=np.int8)
    for start in range(0, n, chunk):
        idx = np.arange(start, min(n, start + chunk))
        points = np.unravel_index(idx, shape)
        arrays = {f: v[i] for f, v, i in zip(fields, values, points, strict=True)}
        o = costs.evaluate(substitute(resolved, arrays), resolved.prices)
        for name, arr in out.items():
            arr[idx] = getattr(o, _OUTCOME_NAMES.get(name, name))
        reason[idx] = o.never_reason
    return SweepGrid(**out, never_reason=reason)


def _nullable(a: np.ndarray) -> list[float | None]:
    obj = a.astype(object)
    obj[~np.isfinite(a)] = None
    out: list[float | None] = obj.tolist()
    return out


def _check_served(r: Resolved, fields: list[str], values: list[np.ndarray]) -> None:
    """As in ``estimate``: no grid point may serve traffic with no deployment or no hours."""
    by_field = dict(zip(fields, values, strict=True))
    traffic = by_field.get("traffic.requests_per_month")
    busy = (
        bool(np.any(traffic > 0))
        if traffic is not None
        else (r.values["traffic.requests_per_month"] > 0)
    )
    for i, name in enumerate(fields):
        if name in ("deployment.count", "deployment.hours_per_month") and busy:
            zero = np.flatnonzero(values[i] == 0)
            if zero.size:
                where = f"axes[{i}].values[{int(zero[0])}]"
                raise InvalidInputError(
                    f"{where}: {name} 0 with traffic: nothing would serve the requests",
                    field=where,
                )


def sweep(request: SweepRequest, catalog: Catalog, counter: object | None = None) -> SweepResult:
    """Grids of net savings, payback and break-even over one or two axes (see module doc)."""
    r = resolve_in_request(request.scenario, catalog, counter)
    specs: list[InputSpec] = []
    values: list[np.ndarray] = []
    for i, axis in enumerate(request.axes):
        spec, vals = axis_values(r, axis, f"axes[{i}]")
        if any(s.field == spec.field for s in specs):
            raise InvalidInputError(
                f"axes[{i}].field: {spec.field} is already swept", field=f"axes[{i}].field"
            )
        specs.append(spec)
        values.append(vals)
    points = int(np.prod([len(v) for v in values]))
    if points > MAX_SWEEP_POINTS:
        raise InvalidInputError(
            f"axes: {' × '.join(str(len(v)) for v in values)} = {points:,} points; at most "
            f"{MAX_SWEEP_POINTS:,} per sweep",
            field="axes",
        )
    fields = [s.field for s in specs]
    _check_served(r, fields, values)
    grid = sweep_grid(r, fields, values)
    notes = [
        f"{s.field}: range points are rounded to whole numbers; repeats are dropped"
        for a, s in zip(request.axes, specs, strict=True)
        if s.integer and a.values is None
    ] + _clipped_cache_notes(r, fields, values)
    return SweepResult(
        axes=[
            SweepAxisResult(
                field=s.field, values=v.tolist(), integer=s.integer, current_value=s.current
            )
            for s, v in zip(specs, values, strict=True)
        ],
        shape=[len(v) for v in values],
        points=points,
        monthly_net_savings_usd=grid.monthly_net_savings_usd.tolist(),
        horizon_net_savings_usd=grid.horizon_net_savings_usd.tolist(),
        payback_months=_nullable(grid.payback_months),
        break_even_requests_per_month=_nullable(grid.break_even_requests_per_month),
        pays=(grid.never_reason == costs.NeverReason.PAYS).tolist(),
        reason_codes=reason_code_list(grid.never_reason),
        warnings=list(r.warnings),
        notes=notes,
        catalog=r.catalog,
    )
