"""The cost engine: a Scenario and the catalog in, a Projection (and what-if results) out.

``scenario`` is the input contract; ``resolve`` turns a Scenario into ``Resolved`` (every catalog
lookup and token count, once); ``costs`` evaluates the numbers (numpy, broadcasting) and
``latency`` samples latency; ``build`` fills in the result Structs of ``projection``;
``estimate`` is resolve -> evaluate -> build. ``training`` and ``notes`` are resolve's per-stage
prices and its warnings and assumptions. ``inputs`` names the numeric inputs the what-if features
vary: ``solve``, ``sweep``, ``compare`` and ``simulate``.

The engine never reads the clock, the environment, files or the network.
"""

from __future__ import annotations

from ftcost.engine.caching import cached_tokens, prefix_cached_tokens
from ftcost.engine.compare import CompareRequest, CompareResult, CompareVariants, RankBy, compare
from ftcost.engine.costs import STAGE_FIELDS, NeverReason, Prices, StagePrices
from ftcost.engine.estimate import estimate
from ftcost.engine.inputs import scenario_with
from ftcost.engine.latency import (
    LatencyEstimate,
    LatencyParams,
    Spread,
    estimate_latency,
    sample_parameter,
)
from ftcost.engine.projection import Projection, Provisioning, PtuPlan, SeriesPoint, WarningItem
from ftcost.engine.resolve import NUMERIC_FIELDS, Resolved, resolve
from ftcost.engine.scenario import (
    Scenario,
    dated_request,
    decode_scenario,
    field_path,
    with_start_date,
)
from ftcost.engine.simulate import (
    MAX_SAMPLES,
    Distribution,
    Fixed,
    Lognormal,
    Percentiles,
    SimulateRequest,
    SimulateResult,
    Triangular,
    Uniform,
    simulate,
)
from ftcost.engine.solve import SolveRequest, SolveResult, solve
from ftcost.engine.sweep import SweepAxis, SweepRequest, SweepResult, sweep, sweep_grid
from ftcost.engine.training import auto_epochs

__all__ = [
    "MAX_SAMPLES",
    "NUMERIC_FIELDS",
    "STAGE_FIELDS",
    "CompareRequest",
    "CompareResult",
    "CompareVariants",
    "Distribution",
    "Fixed",
    "LatencyEstimate",
    "LatencyParams",
    "Lognormal",
    "NeverReason",
    "Percentiles",
    "Prices",
    "Projection",
    "Provisioning",
    "PtuPlan",
    "RankBy",
    "Resolved",
    "Scenario",
    "SeriesPoint",
    "SimulateRequest",
    "SimulateResult",
    "SolveRequest",
    "SolveResult",
    "Spread",
    "StagePrices",
    "SweepAxis",
    "SweepRequest",
    "SweepResult",
    "Triangular",
    "Uniform",
    "WarningItem",
    "auto_epochs",
    "cached_tokens",
    "compare",
    "dated_request",
    "decode_scenario",
    "estimate",
    "estimate_latency",
    "field_path",
    "prefix_cached_tokens",
    "resolve",
    "sample_parameter",
    "scenario_with",
    "simulate",
    "solve",
    "sweep",
    "sweep_grid",
    "with_start_date",
]
