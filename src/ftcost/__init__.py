"""ftcost: fine-tuning cost and latency estimator.

The small Python API for notebooks and scripts. Every function takes the same input the HTTP API
takes (a Struct, or a plain ``dict`` in its JSON shape) and returns the same Struct the API serves::

    import ftcost

    p = ftcost.estimate({"model": "gpt-4.1-mini", "traffic": {"requests_per_month": 3e6},
                         "base": {"prompt_tokens": 2500, "output_tokens": 200},
                         "fine_tuned": {"prompt_tokens": 500},
                         "training": {"tokens_per_epoch": 1e6}})
    print(p.break_even.requests_per_month, p.break_even.reason)

``catalog`` defaults to the shipped catalog (loaded once per process); ``start_date`` defaults to
today, as in the CLI and the API. Nothing is imported until a function is called, so ``import
ftcost`` stays cheap. The adapters (``ftcost.api``, ``ftcost.cli``) build on the same packages:
``ftcost.catalog``, ``ftcost.tokens``, ``ftcost.dataset`` and ``ftcost.engine``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from ftcost.catalog import Catalog
    from ftcost.dataset import DatasetReport
    from ftcost.engine import (
        CompareRequest,
        CompareResult,
        Projection,
        Scenario,
        SimulateRequest,
        SimulateResult,
        SolveRequest,
        SolveResult,
        SweepRequest,
        SweepResult,
    )
    from ftcost.tokens import TokenCount

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "analyze",
    "compare",
    "count",
    "estimate",
    "load_catalog",
    "simulate",
    "solve",
    "sweep",
]

T = TypeVar("T")


def load_catalog(
    directory: str | Path | None = None, price_sheets: tuple[str | Path, ...] = ()
) -> Catalog:
    """The shipped catalog (or ``directory``'s ``*.toml`` files) with price sheets laid over it."""
    from ftcost import catalog

    return catalog.load_catalog(
        Path(directory) if directory is not None else None, [Path(p) for p in price_sheets]
    )


@functools.cache
def _shipped() -> Catalog:
    return load_catalog()


def _input(kind: type[T], value: T | Mapping[str, Any]) -> T:
    """``value`` as a ``kind`` Struct: a dict is validated like a request body."""
    import msgspec

    from ftcost.errors import InvalidInputError

    if isinstance(value, kind):
        return value
    try:
        return msgspec.convert(value, kind, strict=False)  # 3e6 is a whole number here too
    except msgspec.ValidationError as exc:
        raise InvalidInputError(str(exc)) from None


def count(
    text: str | None = None,
    *,
    model: str = "gpt-4.1-mini",
    provider: str | None = None,
    messages: list[Any] | None = None,
    tools: list[Any] | None = None,
    catalog: Catalog | None = None,
) -> TokenCount:
    """Tokens of a prompt (text, chat messages and tool definitions) with the model's encoding."""
    from ftcost import tokens
    from ftcost.catalog import resolve_model
    from ftcost.errors import InvalidInputError

    cat = catalog or _shipped()
    resolved = resolve_model(cat, model, provider)
    if resolved.entry.encoding is None:
        raise InvalidInputError(f"no encoding known for {resolved.entry.id}", field="model")
    import msgspec

    result = tokens.count_request(
        tokens.default_counter(),
        resolved.entry.encoding,
        text=text,
        messages=messages,
        tools=tools,
    )
    return msgspec.structs.replace(result, model=resolved.entry.id, provider=resolved.provider)


def analyze(
    path: str | Path,
    *,
    model: str = "gpt-4.1-mini",
    provider: str | None = None,
    epochs: int | str = "auto",
    catalog: Catalog | None = None,
) -> DatasetReport:
    """The report of a JSONL training file: tokens, issues, epochs and training cost per tier."""
    from ftcost.dataset import analyze_dataset

    def chunks() -> Any:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                yield block

    return analyze_dataset(
        chunks(),
        catalog=catalog or _shipped(),
        model=model,
        provider=provider,
        epochs=epochs,  # type: ignore[arg-type]
    )


def estimate(
    scenario: Scenario | Mapping[str, Any], *, catalog: Catalog | None = None
) -> Projection:
    """The Projection of a Scenario: training, hosting, per-request cost, latency, break-even."""
    from ftcost import engine

    s = engine.with_start_date(_input(engine.Scenario, scenario), dt.date.today())
    return engine.estimate(s, catalog or _shipped())


def solve(
    request: SolveRequest | Mapping[str, Any], *, catalog: Catalog | None = None
) -> SolveResult:
    """The value of one numeric input that makes fine-tuning break even (or meet a payback)."""
    from ftcost import engine

    req = engine.dated_request(_input(engine.SolveRequest, request), dt.date.today())
    return engine.solve(req, catalog or _shipped())


def sweep(
    request: SweepRequest | Mapping[str, Any], *, catalog: Catalog | None = None
) -> SweepResult:
    """Net savings, payback and break-even over a grid of one or two inputs."""
    from ftcost import engine

    req = engine.dated_request(_input(engine.SweepRequest, request), dt.date.today())
    return engine.sweep(req, catalog or _shipped())


def compare(
    request: CompareRequest | Mapping[str, Any], *, catalog: Catalog | None = None
) -> CompareResult:
    """The scenario across tiers, regions, models or deployment types, ranked."""
    from ftcost import engine

    req = engine.dated_request(_input(engine.CompareRequest, request), dt.date.today())
    return engine.compare(req, catalog or _shipped())


def simulate(
    request: SimulateRequest | Mapping[str, Any], *, catalog: Catalog | None = None
) -> SimulateResult:
    """P(payback within the horizon) and percentile bands over sampled uncertain inputs."""
    from ftcost import engine

    req = engine.dated_request(_input(engine.SimulateRequest, request), dt.date.today())
    return engine.simulate(req, catalog or _shipped())
