"""``ftcost estimate``: the Projection of a scenario, as tables and a chart or as JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ftcost.cli._common import add_json, add_pricing, catalog_from_args, print_json
from ftcost.cli._render import emit, render_projection, stdout_unicode
from ftcost.cli._scenario import add_scenario_options, flag_hint, scenario_from_args
from ftcost.errors import InvalidInputError, UnknownModelError
from ftcost.estimate import estimate
from ftcost.scenario import Scenario

__all__ = ["add_common", "flag_hints", "load_scenario", "register"]

EXAMPLE = (
    "example: ftcost estimate --model gpt-4.1-mini --requests-per-month 3e6 "
    "--base-prompt-tokens 2500 --ft-prompt-tokens 500 --output-tokens 200 --training-tokens 1e6"
)


def add_common(parser: argparse.ArgumentParser) -> None:
    """Scenario options, ``--pricing`` and ``--json``."""
    add_scenario_options(parser)
    add_pricing(parser)
    add_json(parser)


def register(sub: Any) -> None:
    """Add ``estimate`` to the CLI."""
    p = sub.add_parser(
        "estimate",
        help="training, hosting, per-request cost, latency, break-even and payback",
        description=(
            "The Projection of a scenario: training cost, hosting per month, per-request cost "
            "of the base and the fine-tuned setup, latency p10/p50/p90, monthly net savings, "
            "break-even volume and payback (or 'never' with the reason), a chart of cumulative "
            "cost, warnings and assumptions. --json prints the Projection as the API returns it."
        ),
        epilog=EXAMPLE,
    )
    add_common(p)
    p.add_argument("--no-chart", action="store_true", help="leave out the cumulative-cost chart")
    p.set_defaults(func=_estimate)


@contextmanager
def flag_hints() -> Iterator[None]:
    """Name the flag of a scenario field in errors from the core (``(--output-tokens)``)."""
    try:
        yield
    except (InvalidInputError, UnknownModelError) as exc:
        hint = flag_hint(exc.field)
        if hint and hint not in exc.detail:
            exc.detail = f"{exc.detail}{hint}"
            exc.args = (exc.detail,)
        raise


def load_scenario(args: argparse.Namespace) -> Scenario:
    """The scenario of the options, with a training dataset read when one is given."""
    scenario = scenario_from_args(args)
    return _with_dataset(scenario)


def _with_dataset(scenario: Scenario) -> Scenario:
    """``training.dataset`` needs the dataset analyser, which this build does not wire yet."""
    if scenario.training.dataset is None:
        return scenario
    raise InvalidInputError(
        f"--dataset / training.dataset ({scenario.training.dataset}): reading a training file is "
        "not available in this command yet; give --training-tokens (training.tokens_per_epoch) "
        "and --examples, e.g. from 'ftcost analyze'",
        field="training.dataset",
    )


def run_core(fn: Callable[[], Any]) -> Any:
    """Call the core with flag hints on its errors."""
    with flag_hints():
        return fn()


def _estimate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args)
    catalog = catalog_from_args(args)
    projection = run_core(lambda: estimate(scenario, catalog))
    if args.json:
        print_json(projection)
        return 0
    emit(render_projection(projection, unicode=stdout_unicode(), chart=not args.no_chart))
    return 0
