"""Solve for one numeric input: the value of X at which fine-tuning breaks even or pays back.

``solve(SolveRequest, catalog, counter) -> SolveResult``. Every figure comes from
``costs.evaluate`` with the field replaced by an array of trial values; no formula is repeated.

Targets, as a *margin* g(x) that is ≥ 0 exactly where the target is met:

* ``break_even``: monthly net savings cover the amortised training,
  ``g = monthly_net_savings − training / R`` (R = ``retrain_every_months``, or the horizon when
  never retrained). Solving ``traffic.requests_per_month`` gives the Projection's break-even
  volume V*. The fine-tuned deployment's retirement is not part of this target (as for V*); a
  note says so when the projection at the answer does not pay because of it.
* ``payback``: training is repaid within ``payback_months`` (default: the horizon) and before
  the next retraining and before the retirement, ``g = monthly_net_savings × M − training`` with
  ``M = min(payback_months, R, months to retirement)``.

Method:

* **closed form** for every field except ``retrain_every_months`` and ``horizon_months``: g is
  affine (or monotone piecewise-affine where an RFT per-job cap binds) in those fields, so two
  evaluations at the ends of the domain give the root ``x = a − g(a)(b − a)/(g(b) − g(a))``;
  it is checked with one more evaluation (|g| within 1e-9 of the scale) and, where a cap bends
  g, refined by bracketing inside [a, b] instead.
* **bracketed** for the others: a scan of up to ~520 points (linear and logarithmic spacing)
  finds the sign changes of g; the one nearest the current value is refined by vectorised
  k-section (64 trial points per step, a bisection that shrinks the bracket 65-fold per
  evaluate call) to 1e-12 relative width.

Whole-number fields (token counts, epochs, runs, deployment count, months) answer the nearest
whole value on the side that meets the target: the smallest that works when g increases with
x, the largest when it decreases (``rounded`` says which; ``exact_value`` keeps the real root).

No value works → ``value`` null with ``status`` (``unreachable``: no value in the domain meets
the target; ``always_met``: every value does, so there is no threshold; ``no_effect``: the
field does not move the outcome, which misses the target) and a ``reason`` sentence. At most
about 600 + 64 × 45 points are evaluated per call.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import msgspec
import numpy as np
from msgspec import Meta

from ftcost.catalog import Catalog
from ftcost.engine import costs
from ftcost.engine.estimate import estimate
from ftcost.engine.inputs import (
    InputSpec,
    input_spec,
    resolve_in_request,
    scenario_with,
    substitute,
)
from ftcost.engine.projection import Projection, finite, reason_text
from ftcost.engine.resolve import Resolved
from ftcost.engine.scenario import MAX_MONTHS, Scenario
from ftcost.errors import InvalidInputError

__all__ = [
    "FieldName",
    "SolveRequest",
    "SolveResult",
    "solve",
]

FieldName = Annotated[
    str,
    Meta(min_length=1, max_length=120, pattern=r"^[a-z_]+(\[[0-9]+\])?(\.[a-z_]+(\[[0-9]+\])?)*$"),
]
Target = Literal["break_even", "payback"]
Method = Literal["closed_form", "bracketed"]
Status = Literal["solved", "unreachable", "always_met", "no_effect"]

_NONLINEAR = frozenset({"retrain_every_months", "horizon_months"})
_SCAN_POINTS = 257  # per spacing (linear and logarithmic)
_K = 64  # trial points per refinement step
_MAX_STEPS = 45
_REL = 1e-9  # |g| below this share of the bills it nets counts as a root
_REL_MEETS = 1e-12  # a whole-number answer must meet the target to this share (float noise)


class _Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, unknown keys rejected."""


class SolveRequest(_Base, frozen=True, kw_only=True):
    """What value of ``field`` makes fine-tuning break even (or pay back within N months)?"""

    scenario: Scenario
    field: FieldName
    target: Target = "break_even"
    payback_months: Annotated[float, Meta(gt=0.0, le=float(MAX_MONTHS))] | None = None


class SolveResult(_Base, frozen=True, kw_only=True):
    """The value of ``field`` that meets the target, or null with the reason none does."""

    field: str
    target: Target
    payback_months: float | None  # the payback target used (null for break_even)
    value: float | None
    exact_value: float | None  # the real-valued root before rounding to a whole number
    integer: bool  # the field takes whole numbers
    rounded: Literal["up", "down"] | None
    current_value: float
    search_low: float
    search_high: float
    method: Method
    status: Status
    reason: str | None
    note: str | None
    projection: Projection | None  # the full Projection with ``field`` set to ``value``


class _Problem:
    """The margin function g(x) of one request on a resolved scenario."""

    def __init__(self, r: Resolved, field: str, target: Target, months: float | None) -> None:
        self.r = r
        self.field = field
        self.target = target
        self.months = months
        self.calls = 0

    def outcome(self, x: np.ndarray) -> costs.Outcome:
        self.calls += 1
        return costs.evaluate(substitute(self.r, {self.field: x}), self.r.prices)

    def margin(self, x: np.ndarray) -> np.ndarray:
        """g(x): ≥ 0 exactly where the target is met."""
        return self.margin_tol(x)[0]

    def margin_tol(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """g(x) and the rounding tolerance of each value (1e-9 of the bills it nets)."""
        o = self.outcome(x)
        scale = np.abs(o.monthly_base_usd) + np.abs(o.monthly_fine_tuned_usd)
        if self.target == "break_even":
            g = o.monthly_net_savings_usd - o.training_amortised_monthly_usd
            scale = scale + np.abs(o.training_amortised_monthly_usd)
            return g, _REL * scale + 1e-300
        retrain = np.broadcast_to(np.asarray(self.r.values["retrain_every_months"]), x.shape)
        if self.field == "retrain_every_months":
            retrain = x
        assert self.months is not None
        m = np.minimum(self.months, np.where(retrain > 0, retrain, np.inf))
        m = np.minimum(m, self.r.prices.months_to_shutdown)
        g = o.monthly_net_savings_usd * m - o.training_usd
        return g, _REL * (scale * np.abs(m) + np.abs(o.training_usd)) + 1e-300


def _domain(r: Resolved, spec: InputSpec) -> tuple[float, float]:
    """Search interval: the field's bounds, narrowed where the scenario ties it to another."""
    low, high = spec.low, spec.high
    name = spec.field
    if name.endswith(".prompt_tokens"):
        low = max(low, r.values[name.replace(".prompt_tokens", ".cached_prompt_tokens")])
    elif name.endswith(".cached_prompt_tokens"):
        high = min(high, r.values[name.replace(".cached_prompt_tokens", ".prompt_tokens")])
    elif name == "retrain_every_months":
        low = max(low, 1.0)  # 0 means "never retrained": not a point on the same curve
    elif name in ("deployment.count", "deployment.hours_per_month"):
        if r.values["traffic.requests_per_month"] > 0:
            low = max(low, 1.0 if spec.integer else 1e-6)  # traffic needs a deployment
    elif name.endswith(".rft_hours"):
        stage = 0 if name == "training.rft_hours" else int(name.split("[")[1].split("]")[0]) + 1
        limit = r.stages[stage].job_hours_limit
        if limit is not None:
            high = min(high, limit)  # a job fails after this many hours
    return low, high


def _refine(
    p: _Problem, a: float, b: float, ga: float, gb: float
) -> tuple[float, float, float, float]:
    """Shrink a bracket [a, b] (g(a), g(b) on opposite sides of 0) by vectorised k-section.

    Whole-number fields are refined as real numbers too: the real root is ``exact_value``,
    and ``_answer`` then picks the whole neighbour that meets the target.
    """
    for _ in range(_MAX_STEPS):
        if b - a <= 1e-12 * max(1.0, abs(a), abs(b)):
            break
        xs = np.linspace(a, b, _K + 2)[1:-1]
        gs = p.margin(xs)
        pts = np.concatenate(([a], xs, [b]))
        vals = np.concatenate(([ga], gs, [gb]))
        feas = vals >= 0
        i = int(np.argmax(feas[:-1] != feas[1:]))
        a, b, ga, gb = float(pts[i]), float(pts[i + 1]), float(vals[i]), float(vals[i + 1])
    return a, b, ga, gb


def _interp(a: float, b: float, ga: float, gb: float) -> float:
    """The root of the line through (a, ga) and (b, gb), kept inside [a, b]."""
    if gb == ga:
        return a if ga >= 0 else b
    return min(max(a - ga * (b - a) / (gb - ga), a), b)


def _scan_points(low: float, high: float, current: float, integer: bool) -> np.ndarray:
    pts = [np.linspace(low, high, _SCAN_POINTS), np.array([current])]
    if high > 0:
        pts.append(np.geomspace(max(low, min(1.0, high)), high, _SCAN_POINTS))
    xs = np.concatenate(pts)
    if integer:
        xs = np.round(xs)
    return np.unique(np.clip(xs, low, high))


class _Answer(msgspec.Struct, frozen=True, kw_only=True):
    value: float | None = None
    exact: float | None = None
    rounded: Literal["up", "down"] | None = None
    method: Method
    status: Status = "solved"
    reason: str | None = None


def _answer(p: _Problem, spec: InputSpec, root: float, increasing: bool, method: Method) -> _Answer:
    """The answer for a real root; whole-number fields take the neighbour that meets the target.

    When g increases with x the smallest whole value that meets it, else the largest.
    """
    if not spec.integer:
        return _Answer(value=root, exact=root, method=method)
    lo_i = max(spec.low, float(math.floor(root)))
    hi_i = min(spec.high, float(math.ceil(root)))
    g, tol = p.margin_tol(np.array([lo_i, hi_i]))
    tol = tol * (_REL_MEETS / _REL)  # a whole value must meet the target up to float noise
    # Rounding noise at the boundary may leave neither within tol: take the target's side.
    ok = [x for x, gx, t in zip((lo_i, hi_i), g, tol, strict=True) if gx >= -t] or [
        hi_i if increasing else lo_i
    ]
    value = min(ok) if increasing else max(ok)
    rounded: Literal["up", "down"] | None = None
    if value != root:
        rounded = "up" if value > root else "down"
    return _Answer(value=value, exact=root, rounded=rounded, method=method)


def _unmet_reason(p: _Problem, x_best: float, where: str) -> str:
    """Why the target is missed at the most favourable value ``x_best``."""
    r = p.r
    values = {**r.values, p.field: x_best}
    o = costs.evaluate(values, r.prices)
    code = int(o.never_reason)
    why = reason_text(code, values, o, r.prices.months_to_shutdown)
    repay = finite(o.months_to_repay_training)
    if p.target == "payback" and code == costs.NeverReason.PAYS and repay is not None:
        why = f"training takes {repay:.2f} months to repay, more than {p.months:g}"
    elif why is None:
        why = (
            f"monthly net savings (${float(o.monthly_net_savings_usd):,.2f}) stay below the "
            f"amortised training (${float(o.training_amortised_monthly_usd):,.2f} a month)"
        )
    return f"{where} {p.field} = {x_best:g}: {why}"


def _no_root(
    p: _Problem,
    spec: InputSpec,
    span: tuple[float, float],
    xs: np.ndarray,
    gs: np.ndarray,
    tol: np.ndarray,
    method: Method,
) -> _Answer:
    """No sign change: every value meets the target, none does, or the field has no effect."""
    where = f"[{span[0]:g}, {span[1]:g}]"
    flat = float(np.max(gs)) - float(np.min(gs)) <= float(np.max(tol))
    if bool(np.all(gs >= 0)):
        effect = " (it does not change the outcome here)" if flat else ""
        reason = (
            f"the target is met at every value of {spec.field} in {where}{effect}, so there is "
            f"no threshold (e.g. at the current {spec.current:g})"
        )
        return _Answer(method=method, status="always_met", reason=reason)
    if flat:
        reason = f"{spec.field} does not change the outcome here; " + _unmet_reason(
            p, spec.current, "at"
        )
        return _Answer(method=method, status="no_effect", reason=reason)
    best = float(xs[int(np.argmax(gs))])
    reason = f"no value of {spec.field} in {where} meets the target; " + _unmet_reason(
        p, best, "even at the most favourable"
    )
    return _Answer(method=method, status="unreachable", reason=reason)


def _closed_form(p: _Problem, spec: InputSpec, low: float, high: float) -> _Answer:
    """Two evaluations at the ends of the domain; g is monotone (affine where no cap binds)."""
    ends = np.array([low, high])
    g, tol = p.margin_tol(ends)
    ga, gb = float(g[0]), float(g[1])
    if (ga >= 0) == (gb >= 0) or high == low:
        # A threshold exactly at one end (e.g. V* = 0 with no hosting and no training).
        if abs(ga) <= tol[0] and gb - ga > tol[1]:
            return _answer(p, spec, low, True, "closed_form")
        if abs(gb) <= tol[1] and ga - gb > tol[0]:
            return _answer(p, spec, high, False, "closed_form")
        return _no_root(p, spec, (low, high), ends, g, tol, "closed_form")
    root = _interp(low, high, ga, gb)
    g_root, tol_root = p.margin_tol(np.array([root]))
    if abs(float(g_root[0])) <= float(tol_root[0]):
        return _answer(p, spec, root, gb > ga, "closed_form")
    # A per-job cap bends g between the ends: bracket the root instead.
    a, b, fa, fb = _refine(p, low, high, ga, gb)
    return _answer(p, spec, _interp(a, b, fa, fb), gb > ga, "bracketed")


def _bracketed(p: _Problem, spec: InputSpec, low: float, high: float) -> _Answer:
    """Scan for sign changes, take the one nearest the current value, refine it."""
    xs = _scan_points(low, high, spec.current, spec.integer)
    gs, tol = p.margin_tol(xs)
    feas = gs >= 0
    changes = np.flatnonzero(feas[:-1] != feas[1:])
    if changes.size == 0:
        return _no_root(p, spec, (low, high), xs, gs, tol, "bracketed")
    dist = np.minimum(np.abs(xs[changes] - spec.current), np.abs(xs[changes + 1] - spec.current))
    i = int(changes[int(np.argmin(dist))])
    ga, gb = float(gs[i]), float(gs[i + 1])
    a, b, fa, fb = _refine(p, float(xs[i]), float(xs[i + 1]), ga, gb)
    return _answer(p, spec, _interp(a, b, fa, fb), gb > ga, "bracketed")


def solve(request: SolveRequest, catalog: Catalog, counter: object | None = None) -> SolveResult:
    """The value of ``request.field`` that meets ``request.target`` (see the module doc)."""
    r = resolve_in_request(request.scenario, catalog, counter)
    spec = input_spec(r, request.field, where="field")
    months: float | None = None
    if request.target == "payback":
        months = request.payback_months or r.values["horizon_months"]
    elif request.payback_months is not None:
        raise InvalidInputError(
            "payback_months applies to target 'payback' only", field="payback_months"
        )
    p = _Problem(r, spec.field, request.target, months)
    low, high = _domain(r, spec)
    if spec.field in _NONLINEAR:
        ans = _bracketed(p, spec, low, high)
    else:
        ans = _closed_form(p, spec, low, high)

    projection: Projection | None = None
    notes: list[str] = []
    if ans.value is not None:
        projection = estimate(scenario_with(r, {spec.field: ans.value}), catalog, counter)
        if ans.rounded is not None:
            which = "smallest" if ans.rounded == "up" else "largest"
            notes.append(
                f"{spec.field} takes whole numbers: {ans.value:g} is the {which} whole value "
                f"that meets the target (exact root {ans.exact:.6g})"
            )
        if not projection.break_even.pays and projection.break_even.reason:
            notes.append(
                f"the projection at this value still never pays: {projection.break_even.reason}"
            )
    return SolveResult(
        field=spec.field,
        target=request.target,
        payback_months=months,
        value=ans.value,
        exact_value=ans.exact,
        integer=spec.integer,
        rounded=ans.rounded,
        current_value=spec.current,
        search_low=low,
        search_high=high,
        method=ans.method,
        status=ans.status,
        reason=ans.reason,
        note="; ".join(notes) or None,
        projection=projection,
    )
