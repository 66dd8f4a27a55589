"""What-if operations on a Scenario: solve, sweep, compare, simulate.

Each handler decodes the core's request Struct strictly (``StrictJSON``), fills in
``scenario.start_date`` with today when it is null (the core never reads the clock) and returns
the core's result Struct unchanged, so the API, the CLI's ``--json`` and the core share one
shape. The core bounds the work of one call (sweep grid points, simulation samples, compare
combinations), and over HTTP a sweep has a lower bound (``FTCOST_MAX_SWEEP_POINTS``, default
20,000 points, about 2 MB of JSON) so no small request can ask for a huge answer. Each
operation, JSON encoding included, runs in a worker thread under the heavy-work limit
(``ftcost.api.limits``): the event loop stays free for the other requests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from ftcost.api.body import StrictJSON, json_body
from ftcost.api.problems import problem_responses
from ftcost.api.routes import Services
from ftcost.engine import (
    CompareRequest,
    CompareResult,
    SimulateRequest,
    SimulateResult,
    SolveRequest,
    SolveResult,
    SweepRequest,
    SweepResult,
    compare,
    dated_request,
    simulate,
    solve,
    sweep,
)
from ftcost.errors import InvalidInputError

__all__ = ["ANALYSIS_ROUTES", "dated"]


# 400 malformed, 413 too large, 415 wrong media type, 404 unknown model, 422 unusable input,
# 503 tokenizer unavailable (prompts given as text).
_PROBLEMS = problem_responses(400, 404, 408, 413, 415, 422, 503)
_TAGS = ["analysis"]
_json = msgspec.json.Encoder()


dated = dated_request  # the API's name for it (what-if requests dated with today)


@post(
    "/v1/solve",
    operation_id="SolveBreakEven",
    tags=_TAGS,
    summary="The value of one input at which fine-tuning breaks even or pays back",
    description=(
        "Solves for any numeric Scenario input (`field`, a dotted path such as "
        "`traffic.requests_per_month` or `fine_tuned.prompt_tokens`): the value at which "
        "monthly net savings cover the amortised training (`target: break_even`), or at which "
        "training is repaid within `payback_months` (`target: payback`, default the horizon). "
        "Whole-number fields answer the nearest whole value that meets the target. When no "
        "value does, `value` is null with `status` and `reason`. The full Projection at the "
        "answer is included. `scenario.start_date` defaults to today."
    ),
    status_code=200,
    dto=StrictJSON[SolveRequest],
    return_dto=None,
    before_request=json_body,
    responses=_PROBLEMS,
)
async def solve_break_even(
    data: JSONBody[SolveRequest], services: NamedDependency[Services]
) -> Response[SolveResult]:
    body = await services.heavy.run(_encoded, solve, dated(data, dt.date.today()), services)
    return Response(body, media_type="application/json")  # type: ignore[arg-type]


@post(
    "/v1/sweep",
    operation_id="SweepScenario",
    tags=_TAGS,
    summary="Net savings, payback and break-even over a grid of one or two inputs",
    description=(
        "Evaluates the Scenario over one or two axes, each a list of `values` or a "
        "`start`/`stop`/`num` range (`scale` linear or log). Over HTTP at most 20,000 grid "
        "points (the server's `FTCOST_MAX_SWEEP_POINTS`; the CLI and the Python API allow "
        "1,000,000), so an answer stays near 2 MB; a larger grid is a 422 naming `axes`. "
        "Grids are flat and row-major (point (i, j) at `i × len(axes[1].values) + j`); "
        "`payback_months` and `break_even_requests_per_month` are null where they do not "
        "exist, and `reason_codes` say why. `scenario.start_date` defaults to today."
    ),
    status_code=200,
    dto=StrictJSON[SweepRequest],
    return_dto=None,
    before_request=json_body,
    responses=_PROBLEMS,
)
async def sweep_scenario(
    data: JSONBody[SweepRequest], services: NamedDependency[Services]
) -> Response[SweepResult]:
    _check_points(data, services.settings.max_sweep_points)
    body = await services.heavy.run(_encoded, sweep, dated(data, dt.date.today()), services)
    return Response(body, media_type="application/json")  # type: ignore[arg-type]


@post(
    "/v1/compare",
    operation_id="CompareScenarios",
    tags=_TAGS,
    summary="One Scenario across training tiers, regions, models and deployment types",
    description=(
        "Estimates every combination of the given `variants` (cross product, at most 100) "
        "and returns one row of key figures per combination, cheapest first by `rank_by`. "
        "Combinations the catalog cannot price are listed under `unavailable` with the "
        "reason. `scenario.start_date` defaults to today."
    ),
    status_code=200,
    dto=StrictJSON[CompareRequest],
    return_dto=None,
    before_request=json_body,
    responses=_PROBLEMS,
)
async def compare_scenarios(
    data: JSONBody[CompareRequest], services: NamedDependency[Services]
) -> Response[CompareResult]:
    body = await services.heavy.run(_encoded, compare, dated(data, dt.date.today()), services)
    return Response(body, media_type="application/json")  # type: ignore[arg-type]


@post(
    "/v1/simulate",
    operation_id="SimulateScenario",
    tags=_TAGS,
    summary="Probability of payback and percentile bands under uncertain inputs",
    description=(
        "Draws the named numeric inputs from their `distributions` (`fixed`, `uniform`, "
        "`triangular`, `lognormal` by p10/p90), `samples` times with `seed`, and returns the "
        "probability of paying back within the horizon, the share that ever pays, the "
        "'never' samples by reason and p5/p10/p50/p90/p95 of net savings and payback months. "
        "The same request always gives the same numbers. `scenario.start_date` defaults to "
        "today."
    ),
    status_code=200,
    dto=StrictJSON[SimulateRequest],
    return_dto=None,
    before_request=json_body,
    responses=_PROBLEMS,
)
async def simulate_scenario(
    data: JSONBody[SimulateRequest], services: NamedDependency[Services]
) -> Response[SimulateResult]:
    body = await services.heavy.run(_encoded, simulate, dated(data, dt.date.today()), services)
    return Response(body, media_type="application/json")  # type: ignore[arg-type]


def _encoded(operation: Any, request: Any, services: Services) -> bytes:
    """The operation's result as JSON (encoded in the worker thread too)."""
    return _json.encode(operation(request, services.catalog, services.counter))


def _check_points(request: SweepRequest, limit: int) -> None:
    """Refuse a grid over the HTTP limit before any work is done."""
    points = 1
    for axis in request.axes:
        points *= len(axis.values) if axis.values is not None else (axis.num or 1)
    if points > limit:
        raise InvalidInputError(
            f"axes: {points:,} grid points; at most {limit:,} over HTTP "
            "(FTCOST_MAX_SWEEP_POINTS; the CLI and Python API allow 1,000,000)",
            field="axes",
        )


ANALYSIS_ROUTES: list[Any] = [
    solve_break_even,
    sweep_scenario,
    compare_scenarios,
    simulate_scenario,
]
