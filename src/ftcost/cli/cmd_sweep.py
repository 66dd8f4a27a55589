"""``ftcost sweep`` and ``ftcost simulate``: grids and distributions over scenario fields.

Both take the same scenario options as ``ftcost estimate`` and print a table, or with
``--json`` the result exactly as the HTTP API returns it (SweepResult, SimulateResult).
"""

from __future__ import annotations

import argparse
import re
import textwrap
from typing import Any

import msgspec

from ftcost.cli._common import add_csv, catalog_from_args, emit_csv, print_json
from ftcost.cli._render import (
    WIDTH,
    bullets,
    compact_money,
    count,
    emit,
    money,
    months,
    table,
    warning_lines,
)
from ftcost.cli._scenario import real, whole
from ftcost.cli.cmd_estimate import add_common, load_scenario
from ftcost.cli.cmd_whatif import run_request_core, validated
from ftcost.engine import (
    Distribution,
    Fixed,
    Lognormal,
    Percentiles,
    SimulateRequest,
    SimulateResult,
    SweepAxis,
    SweepRequest,
    SweepResult,
    Triangular,
    Uniform,
    simulate,
    sweep,
)
from ftcost.errors import InvalidInputError

__all__ = ["parse_axis", "parse_distribution", "register"]

_FIELD = re.compile(r"^[a-z_]+(\[[0-9]+\])?(\.[a-z_]+(\[[0-9]+\])?)*$")
_MAX_ROWS = 40


def _split_field(text: str, what: str) -> tuple[str, str]:
    field, sep, spec = text.partition("=")
    field = field.strip()
    if not sep or not _FIELD.match(field):
        raise argparse.ArgumentTypeError(f"expected FIELD={what}, got {text!r}")
    return field, spec.strip()


def parse_axis(text: str) -> SweepAxis:
    """``FIELD=V1,V2,…`` or ``FIELD=START:STOP:NUM[:log]``."""
    field, spec = _split_field(text, "V1,V2,... or START:STOP:NUM[:log]")
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] not in ("log", "linear")):
            raise argparse.ArgumentTypeError(f"expected START:STOP:NUM[:log], got {spec!r}")
        scale = parts[3] if len(parts) == 4 else "linear"
        return SweepAxis(
            field=field,
            start=real(parts[0]),
            stop=real(parts[1]),
            num=whole(parts[2]),
            scale=scale,  # type: ignore[arg-type]
        )
    values = [real(v) for v in spec.split(",") if v.strip()]
    if not values:
        raise argparse.ArgumentTypeError(f"no values for {field}")
    return SweepAxis(field=field, values=values)


def parse_distribution(text: str) -> tuple[str, Distribution]:
    """``FIELD=`` ``fixed:V``, ``uniform:LOW:HIGH``, ``triangular:LOW:MODE:HIGH`` or
    ``lognormal:P10:P90``."""
    field, spec = _split_field(text, "KIND:PARAMS")
    kind, *params = spec.split(":")
    shapes: dict[str, tuple[type[Any], tuple[str, ...]]] = {
        "fixed": (Fixed, ("value",)),
        "uniform": (Uniform, ("low", "high")),
        "triangular": (Triangular, ("low", "mode", "high")),
        "lognormal": (Lognormal, ("p10", "p90")),
    }
    if kind not in shapes:
        raise argparse.ArgumentTypeError(
            f"unknown distribution {kind!r}; kinds: {', '.join(shapes)}"
        )
    cls, names = shapes[kind]
    if len(params) != len(names):
        raise argparse.ArgumentTypeError(f"{kind} takes {':'.join(n.upper() for n in names)}")
    try:
        dist = msgspec.convert(dict(zip(names, map(real, params), strict=True)), cls)
    except msgspec.ValidationError as exc:
        raise argparse.ArgumentTypeError(f"{field}: {exc}") from None
    return field, dist


def register(sub: Any) -> None:
    """Add ``sweep`` and ``simulate`` to the CLI."""
    p = sub.add_parser(
        "sweep",
        help="net savings and payback over a grid of one or two inputs",
        description="Evaluate a grid of one or two numeric fields in one vectorised pass.",
        epilog=(
            "example: ftcost sweep --axis traffic.requests_per_month=1e5:1e7:9:log "
            "--axis fine_tuned.prompt_tokens=300,500,800 --scenario plan.toml"
        ),
    )
    p.add_argument(
        "--axis",
        type=parse_axis,
        action="append",
        required=True,
        metavar="FIELD=SPEC",
        help="FIELD=V1,V2,... or FIELD=START:STOP:NUM[:log]; once or twice",
    )
    p.add_argument(
        "--metric",
        choices=("monthly", "horizon", "payback"),
        default="monthly",
        help="what a two-axis table shows (default: monthly net savings)",
    )
    add_common(p)
    add_csv(p, "every grid point as a CSV row (axis values, then the figures)")
    p.set_defaults(func=_sweep)

    p = sub.add_parser(
        "simulate",
        help="P(payback within the horizon) and percentiles under uncertain inputs",
        description="Seeded Monte-Carlo over distributions of numeric scenario fields.",
        epilog=(
            "example: ftcost simulate --dist traffic.requests_per_month=lognormal:1e6:5e6 "
            "--dist fine_tuned.prompt_tokens=triangular:300:500:900 --scenario plan.toml"
        ),
    )
    p.add_argument(
        "--dist",
        type=parse_distribution,
        action="append",
        default=[],
        metavar="FIELD=KIND:PARAMS",
        help=(
            "fixed:V, uniform:LOW:HIGH, triangular:LOW:MODE:HIGH or lognormal:P10:P90; "
            "repeatable; required unless --traffic gives the distributions"
        ),
    )
    p.add_argument("--samples", type=whole, default=10_000, help="samples (default 10000)")
    p.add_argument("--seed", type=whole, default=20250825, help="random seed")
    add_common(p)
    p.set_defaults(func=_simulate)


def _pick(n: int, limit: int) -> list[int]:
    """At most ``limit`` evenly spread indexes of ``range(n)`` (first and last included)."""
    if n <= limit:
        return list(range(n))
    return sorted({round(i * (n - 1) / (limit - 1)) for i in range(limit)})


def _sweep(args: argparse.Namespace) -> int:
    req = validated(SweepRequest(scenario=load_scenario(args), axes=args.axis))
    result: SweepResult = run_request_core(lambda: sweep(req, catalog_from_args(args)))
    if args.csv:
        from ftcost.export import sweep_csv

        emit_csv(sweep_csv(result))
        return 0
    if args.json:
        print_json(result)
        return 0
    out = [f"ftcost sweep: {result.points:,} points"]
    a0 = result.axes[0]
    if len(result.axes) == 1:
        out.append(f"value = {a0.field}")
        rows = [
            [
                count(a0.values[i]),
                money(result.monthly_net_savings_usd[i]),
                money(result.horizon_net_savings_usd[i]),
                months(result.payback_months[i]),
                result.reason_codes[i],
            ]
            for i in _pick(result.points, _MAX_ROWS)
        ]
        header = ["value", "monthly net", "horizon net", "payback", "status"]
        out += table(rows, header, right={0, 1, 2, 3})
        if result.points > _MAX_ROWS:
            out.append(f"(showing {len(rows)} of {result.points} points; --json for all)")
    else:
        out += _grid_table(result, args.metric)
    out += bullets("Notes", result.notes) + warning_lines(result.warnings)
    emit("\n".join(out) + "\n")
    return 0


def _grid_table(result: SweepResult, metric: str) -> list[str]:
    """Rows = first axis, columns = second axis (as many as fit in the width)."""
    a0, a1 = result.axes
    n1 = len(a1.values)
    grids: dict[str, list[Any]] = {
        "monthly": list(result.monthly_net_savings_usd),
        "horizon": list(result.horizon_net_savings_usd),
        "payback": list(result.payback_months),
    }
    grid = grids[metric]
    cell = (lambda x: months(x).replace(" months", "")) if metric == "payback" else compact_money
    rows_i = _pick(len(a0.values), _MAX_ROWS)
    lines: list[str] = []
    for limit in range(min(n1, 12), 0, -1):
        cols = _pick(n1, limit)
        rows = [[count(a0.values[i])] + [cell(grid[i * n1 + j]) for j in cols] for i in rows_i]
        header = ["", *(count(a1.values[j]) for j in cols)]
        lines = table(rows, header, right=range(len(header)))
        if max(map(len, lines)) <= WIDTH:
            break
    what = {"monthly": "monthly net savings", "horizon": "horizon net savings",
            "payback": "payback months"}[metric]  # fmt: skip
    out = [f"{what}: rows {a0.field}", f"  columns {a1.field}", *lines]
    if len(cols) < n1 or len(rows_i) < len(a0.values):
        out.append(
            f"(showing {len(rows_i)} x {len(cols)} of {len(a0.values)} x {n1}; --json for all)"
        )
    return out


def _simulate(args: argparse.Namespace) -> int:
    dists = dict(args.dist)
    if len(dists) < len(args.dist):
        raise InvalidInputError("--dist: a field is given twice")
    scenario = load_scenario(args)
    report = getattr(args, "_traffic_report", None)
    if report is not None:  # --traffic: the log's distributions, --dist wins
        dists = {**report.distributions, **dists}
    if not dists:
        raise InvalidInputError("--dist: give at least one distribution (or --traffic LOG)")
    req = validated(
        SimulateRequest(
            scenario=scenario, distributions=dists, samples=args.samples, seed=args.seed
        )
    )
    result: SimulateResult = run_request_core(lambda: simulate(req, catalog_from_args(args)))
    if args.json:
        print_json(result)
        return 0
    horizon = scenario.horizon_months
    out = [
        f"ftcost simulate: {result.samples:,} samples, seed {result.seed}",
        *textwrap.wrap(
            "drawn: " + ", ".join(result.fields),
            WIDTH,
            initial_indent="  ",
            subsequent_indent="    ",
        ),
        f"  P(payback within the {horizon}-month horizon): {result.p_payback_within_horizon:.1%}",
        f"  P(pays back at all): {result.p_pays:.1%}",
        f"  never: {result.never_count:,}"
        + (
            " (" + ", ".join(f"{k} {v:,}" for k, v in result.never_reasons.items()) + ")"
            if result.never_reasons
            else ""
        ),
    ]

    def row(name: str, p: Percentiles, fmt: Any) -> list[str]:
        return [name, *(fmt(getattr(p, q)) for q in ("p5", "p10", "p50", "p90", "p95", "mean"))]

    def mo(x: float | None) -> str:
        return months(x).replace(" months", "")

    out += table(
        [
            row("monthly net $", result.monthly_net_savings_usd, compact_money),
            row("horizon net $", result.horizon_net_savings_usd, compact_money),
            row("payback months", result.payback_months, mo),
        ],
        ["", "p5", "p10", "p50", "p90", "p95", "mean"],
        right=set(range(1, 7)),
    )
    out += bullets("Notes", result.notes) + warning_lines(result.warnings)
    emit("\n".join(out) + "\n")
    return 0
