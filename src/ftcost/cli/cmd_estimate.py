"""``ftcost estimate``: the Projection of a scenario, as tables and a chart or as JSON."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec

from ftcost.catalog import Catalog
from ftcost.cli._common import (
    add_csv,
    add_json,
    add_pricing,
    add_tokenizer,
    catalog_from_args,
    emit_csv,
    print_json,
    tokenizer_counter,
    write_text,
)
from ftcost.cli._render import emit, render_projection, stdout_unicode
from ftcost.cli._scenario import add_scenario_options, flag_hint, scenario_from_args
from ftcost.cli.cmd_tokens import analyze_file
from ftcost.engine import Scenario, estimate
from ftcost.errors import InvalidInputError, UnknownModelError

__all__ = ["add_common", "flag_hints", "load_scenario", "register", "with_dataset"]

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
    add_tokenizer(p)
    p.add_argument("--no-chart", action="store_true", help="leave out the cumulative-cost chart")
    add_csv(p, "the monthly series (cumulative cost of both setups) as CSV")
    p.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write a self-contained HTML report (summary, chart, latency, warnings, "
        "assumptions, prices with sources) to FILE",
    )
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
    """The scenario of the options; a training dataset (``--dataset`` / ``training.dataset``)
    is analysed and fills ``training.tokens_per_epoch`` and ``training.examples`` where the
    scenario does not give them."""
    fill = None
    if getattr(args, "traffic", None) is not None:
        from ftcost.cli.cmd_traffic import traffic_scenario

        def fill(model: str | None, provider: str | None) -> dict[str, Any]:
            return dict(traffic_scenario(args, model, provider))

    scenario = scenario_from_args(args, fill=fill)
    out = getattr(args, "scenario_out", None)
    if out is not None:
        from ftcost.cli.cmd_traffic import write_scenario

        write_scenario(scenario, out)
    dataset = scenario.training.dataset
    if dataset is None:
        return scenario
    path = Path(dataset)
    if getattr(args, "sc_dataset", None) is None and args.scenario and not path.is_absolute():
        path = args.scenario.parent / path  # a path in a scenario file is relative to it
    return with_dataset(scenario, path, catalog_from_args(args), tokenizer_counter(args))


_DATASET_FORMAT = {"sft": None, "dpo": "dpo", "rft": "rft"}


def with_dataset(scenario: Scenario, path: Path, catalog: Catalog, counter: Any = None) -> Scenario:
    """``scenario`` with tokens per epoch and examples from the JSONL file at ``path``.

    The file is read in chunks and analysed by ``ftcost.dataset`` (billed tokens: each example
    capped at the model's example limit). A file with line errors (malformed JSON, bad roles,
    …) is refused, naming the first such line.
    """
    t = scenario.training
    report = analyze_file(
        path,
        catalog=catalog,
        model=scenario.model,
        provider=scenario.provider,
        epochs=t.epochs,
        format=_DATASET_FORMAT[t.method],
        counter=counter,
    )
    bad = [i for i in report.issues if i.severity == "error" and i.line is not None]
    if bad:  # whole-file findings (too few examples, job limits) are the projection's warnings
        raise InvalidInputError(
            f"{path}: line {bad[0].line}: {bad[0].message} ({len(bad)} line error(s); see "
            f"'ftcost analyze {path}')",
            field="training.dataset",
        )
    training = msgspec.structs.replace(
        t,
        tokens_per_epoch=(
            t.tokens_per_epoch if t.tokens_per_epoch is not None else report.tokens.billed_per_epoch
        ),
        examples=t.examples if t.examples is not None else report.examples,
    )
    return msgspec.structs.replace(scenario, training=training)


def run_core(fn: Callable[[], Any]) -> Any:
    """Call the core with flag hints on its errors."""
    with flag_hints():
        return fn()


def _estimate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args)
    catalog = catalog_from_args(args)
    counter = tokenizer_counter(args)
    projection = run_core(lambda: estimate(scenario, catalog, counter))
    if args.html is not None:
        from ftcost.cli._html import render_html

        write_text(args.html, render_html(projection, catalog))
    if args.csv:
        from ftcost.export import series_csv

        emit_csv(series_csv(projection))
        return 0
    if args.json:
        print_json(projection)
        return 0
    emit(render_projection(projection, unicode=stdout_unicode(), chart=not args.no_chart))
    return 0
