"""Monte-Carlo simulation: uncertain inputs in, P(payback within horizon) and percentiles out.

``simulate(SimulateRequest, catalog, counter) -> SimulateResult``. Each named field gets a
distribution; ``samples`` joint draws (seeded, ``numpy.random.default_rng(seed)``, fields drawn
in sorted name order so the same request always gives the same numbers) are evaluated in one
``costs.evaluate`` call. Fields not named keep the scenario's value.

Distributions (``kind``):

* ``fixed``: always ``value``;
* ``uniform``: ``low`` ≤ x ≤ ``high``;
* ``triangular``: ``low`` ≤ ``mode`` ≤ ``high``;
* ``lognormal``: through its 10th and 90th percentiles (0 < ``p10`` ≤ ``p90``):
  ``ln x ~ N(μ, σ)`` with ``μ = (ln p10 + ln p90) / 2``, ``σ = (ln p90 − ln p10) / (2 × 1.2816)``.

Draws are clipped to the field's bounds (a note counts them) and rounded to whole numbers for
whole-number fields (token counts, epochs, runs, deployment count, months); parameters outside a
field's bounds are rejected with their path (``distributions.traffic.requests_per_month.high``).

Results: the share of samples that pay back within the horizon (``payback_months ≤
horizon_months``, the sample's own horizon), the share that ever pays, the count of "never"
samples by reason, and p5/p10/p50/p90/p95 (plus mean) of monthly net savings, horizon net
savings and payback months. Payback percentiles count "never" as longer than any payback: a
percentile that falls among them is null. Bounds of one call: ``MAX_SAMPLES`` (200,000) samples,
at most 64 distributions.
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated

import msgspec
import numpy as np
from msgspec import Meta

from ftcost.catalog import Catalog, CatalogInfo
from ftcost.engine import costs
from ftcost.engine.inputs import InputSpec, input_spec, resolve_in_request, substitute
from ftcost.engine.projection import REASON_CODES, ReasonCode, WarningItem
from ftcost.engine.resolve import Resolved
from ftcost.engine.scenario import MAX_TRAINING_TOKENS, Scenario
from ftcost.engine.solve import FieldName
from ftcost.errors import InvalidInputError

__all__ = [
    "MAX_SAMPLES",
    "Distribution",
    "Fixed",
    "Lognormal",
    "Percentiles",
    "SimulateRequest",
    "SimulateResult",
    "Triangular",
    "Uniform",
    "simulate",
]

MAX_SAMPLES = 200_000
DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 20250825
_Z90 = 1.2815515655446004  # standard normal 90th percentile
_QS = (5.0, 10.0, 50.0, 90.0, 95.0)

Number = Annotated[float, Meta(ge=0.0, le=float(MAX_TRAINING_TOKENS))]


class _Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, unknown keys rejected."""


class Fixed(_Base, frozen=True, kw_only=True, tag="fixed", tag_field="kind"):
    """Always ``value``."""

    value: Number


class Uniform(_Base, frozen=True, kw_only=True, tag="uniform", tag_field="kind"):
    """Uniform between ``low`` and ``high``."""

    low: Number
    high: Number


class Triangular(_Base, frozen=True, kw_only=True, tag="triangular", tag_field="kind"):
    """Triangular on [``low``, ``high``] peaking at ``mode``."""

    low: Number
    mode: Number
    high: Number


class Lognormal(_Base, frozen=True, kw_only=True, tag="lognormal", tag_field="kind"):
    """Lognormal with the given 10th and 90th percentiles."""

    p10: Annotated[float, Meta(gt=0.0, le=float(MAX_TRAINING_TOKENS))]
    p90: Annotated[float, Meta(gt=0.0, le=float(MAX_TRAINING_TOKENS))]


Distribution = Fixed | Uniform | Triangular | Lognormal


class SimulateRequest(_Base, frozen=True, kw_only=True):
    """A scenario, distributions for some of its numeric fields, a sample count and a seed."""

    scenario: Scenario
    distributions: Annotated[dict[FieldName, Distribution], Meta(min_length=1, max_length=64)]
    samples: Annotated[int, Meta(ge=1, le=MAX_SAMPLES)] = DEFAULT_SAMPLES
    seed: Annotated[int, Meta(ge=0, le=2**63 - 1)] = DEFAULT_SEED


class Percentiles(_Base, frozen=True, kw_only=True):
    """p5/p10/p50/p90/p95 and the mean of one figure (null where it does not exist)."""

    p5: float | None
    p10: float | None
    p50: float | None
    p90: float | None
    p95: float | None
    mean: float | None


class SimulateResult(_Base, frozen=True, kw_only=True):
    """Probabilities and percentile bands over the samples."""

    samples: int
    seed: int
    fields: list[str]  # the fields that were drawn, in draw order
    p_payback_within_horizon: float
    p_pays: float  # pays back at all (before retraining and retirement)
    never_count: int  # samples that never pay back
    never_reasons: dict[ReasonCode, int]  # never_count split by reason
    monthly_net_savings_usd: Percentiles
    horizon_net_savings_usd: Percentiles
    payback_months: Percentiles  # "never" counts as longer than any payback; mean of payers
    warnings: list[WarningItem]  # the scenario's own (catalog) warnings
    notes: list[str]
    catalog: CatalogInfo


def _check(spec: InputSpec, d: Distribution, where: str) -> None:
    """Parameters inside the field's bounds and in order (whole-number draws are rounded
    later, so parameters of whole-number fields may be fractional)."""
    for name in d.__struct_fields__:
        x = float(getattr(d, name))
        if not (spec.low <= x <= spec.high):
            raise InvalidInputError(
                f"{where}.{name}: {x!r} is not in [{spec.low:g}, {spec.high:g}] ({spec.field})",
                field=f"{where}.{name}",
            )
    order = {
        Uniform: ("low", "high"),
        Triangular: ("low", "mode", "high"),
        Lognormal: ("p10", "p90"),
    }.get(type(d), ())
    for lo, hi in itertools.pairwise(order):
        if getattr(d, lo) > getattr(d, hi):
            raise InvalidInputError(
                f"{where}.{hi}: must be ≥ {lo} ({getattr(d, lo):g})", field=f"{where}.{hi}"
            )


def _draw(d: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    if isinstance(d, Fixed):
        return np.full(n, d.value)
    if isinstance(d, Uniform):
        return rng.uniform(d.low, d.high, n)
    if isinstance(d, Triangular):
        if d.low == d.high:
            return np.full(n, d.low)
        return rng.triangular(d.low, d.mode, d.high, n)
    mu = (math.log(d.p10) + math.log(d.p90)) / 2.0
    sigma = (math.log(d.p90) - math.log(d.p10)) / (2.0 * _Z90)
    return rng.lognormal(mu, sigma, n)


def _percentiles(a: np.ndarray, *, mean_of: np.ndarray | None = None) -> Percentiles:
    """Percentiles of ``a`` (inf allowed: such percentiles are null)."""
    with np.errstate(invalid="ignore"):  # inf − inf between two "never" samples: null
        q = np.percentile(a, _QS) if a.size else np.full(len(_QS), np.nan)
    m = mean_of if mean_of is not None else a
    mean = float(np.mean(m)) if m.size else math.nan

    def f(x: float) -> float | None:
        return float(x) if math.isfinite(x) else None

    return Percentiles(p5=f(q[0]), p10=f(q[1]), p50=f(q[2]), p90=f(q[3]), p95=f(q[4]), mean=f(mean))


def draw_samples(
    r: Resolved, distributions: dict[str, Distribution], samples: int, seed: int
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The sampled arrays by field (clipped, rounded) and notes about clipping."""
    rng = np.random.default_rng(seed)
    drawn: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for name in sorted(distributions):
        where = f"distributions.{name}"
        spec = input_spec(r, name, where=where)
        d = distributions[name]
        _check(spec, d, where)
        x = _draw(d, samples, rng)
        clipped = int(np.count_nonzero((x < spec.low) | (x > spec.high)))
        x = np.clip(x, spec.low, spec.high)
        raw = x
        if spec.integer:
            x = np.round(x)
        if name == "retrain_every_months":
            # a drawn period that rounds to 0 is still a retraining period (0 means "never"):
            # it becomes one month; only a draw of exactly 0 (e.g. fixed 0) means never
            short = (raw > 0) & (x < 1.0)
            if bool(np.any(short)):
                notes.append(f"{name}: {int(np.count_nonzero(short))} draws raised to 1 month")
                x = np.where(short, 1.0, x)
        if clipped:
            notes.append(f"{name}: {clipped} draws clipped to [{spec.low:g}, {spec.high:g}]")
        drawn[name] = x
    if any(input_spec(r, n, where="").integer for n in drawn):
        notes.append("draws of whole-number fields are rounded to the nearest whole number")
    return drawn, notes


def simulate(
    request: SimulateRequest, catalog: Catalog, counter: object | None = None
) -> SimulateResult:
    """P(payback within horizon) and percentile bands over seeded samples (module doc)."""
    r = resolve_in_request(request.scenario, catalog, counter)
    n = request.samples
    drawn, notes = draw_samples(r, request.distributions, n, request.seed)
    o = costs.evaluate(substitute(r, drawn), r.prices)
    reason = np.broadcast_to(o.never_reason, (n,))
    horizon = np.broadcast_to(
        np.asarray(drawn.get("horizon_months", r.values["horizon_months"])), (n,)
    )
    payback = np.broadcast_to(o.payback_months, (n,))
    pays = reason == costs.NeverReason.PAYS
    within = pays & (payback <= horizon * (1 + 1e-9))
    never = ~pays
    payback_inf = np.where(pays, payback, np.inf)
    by_code = np.bincount(reason[never].astype(np.intp), minlength=len(costs.NeverReason))
    counts = {REASON_CODES[c]: int(k) for c, k in enumerate(by_code) if k}
    return SimulateResult(
        samples=n,
        seed=request.seed,
        fields=sorted(drawn),
        p_payback_within_horizon=float(np.mean(within)),
        p_pays=float(np.mean(pays)),
        never_count=int(np.count_nonzero(never)),
        never_reasons=counts,
        monthly_net_savings_usd=_percentiles(np.broadcast_to(o.monthly_net_savings_usd, (n,))),
        horizon_net_savings_usd=_percentiles(np.broadcast_to(o.horizon_net_savings_usd, (n,))),
        payback_months=_percentiles(payback_inf, mean_of=payback[pays]),
        warnings=list(r.warnings),
        notes=notes,
        catalog=r.catalog,
    )
