"""``ftcost solve`` and ``ftcost compare``: what-if questions on a scenario.

Both take the same scenario options as ``ftcost estimate`` and print a table, or with
``--json`` the result exactly as the HTTP API returns it (SolveResult, CompareResult).
``run_request_core`` and ``validated`` are shared with ``cmd_sweep``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, Literal

import msgspec

from ftcost.cli._common import catalog_from_args, print_json
from ftcost.cli._render import bullets, compact_money, count, emit, money, months, table
from ftcost.cli._scenario import real
from ftcost.cli.cmd_estimate import add_common, load_scenario, run_core
from ftcost.engine import (
    CompareRequest,
    CompareResult,
    CompareVariants,
    RankBy,
    SolveRequest,
    SolveResult,
    compare,
    field_path,
    solve,
)
from ftcost.errors import InvalidInputError

__all__ = ["register", "run_request_core", "validated"]


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def register(sub: Any) -> None:
    """Add ``solve`` and ``compare`` to the CLI."""
    p = sub.add_parser(
        "solve",
        help="the value of one input at which fine-tuning breaks even or pays back",
        description=(
            "Solve for one numeric scenario field (traffic.requests_per_month, "
            "fine_tuned.prompt_tokens, deployment.hours_per_month, training.epochs, ...): the "
            "value at which monthly net savings cover the amortised training (break-even), or "
            "at which training is repaid within --payback-months."
        ),
        epilog="example: ftcost solve traffic.requests_per_month --scenario plan.toml",
    )
    p.add_argument("field", help="dotted scenario field, e.g. traffic.requests_per_month")
    p.add_argument(
        "--target",
        choices=("break-even", "payback"),
        help="break-even (default), or payback (implied by --payback-months)",
    )
    p.add_argument(
        "--payback-months", type=real, metavar="N", help="payback target (default: the horizon)"
    )
    add_common(p)
    p.set_defaults(func=_solve)

    p = sub.add_parser(
        "compare",
        help="the same scenario across tiers, regions, models or deployments, cheapest first",
        description=(
            "Estimate every combination of the given tiers, regions, models and deployment "
            "types; rows cheapest first; combinations not offered are listed with the reason."
        ),
        epilog="example: ftcost compare --tiers standard,global --regions swedencentral,eastus2",
    )
    p.add_argument("--tiers", type=_csv, metavar="T1,T2", help="training tiers")
    p.add_argument(
        "--regions", type=_csv, metavar="R1,R2", help="regions ('reference' = no region)"
    )
    p.add_argument("--models", type=_csv, metavar="M1,M2", help="models to fine-tune")
    p.add_argument("--deployments", type=_csv, metavar="D1,D2", help="deployment types")
    p.add_argument(
        "--rank-by",
        choices=("net", "horizon", "monthly"),
        default="net",
        help="net savings over the projection against each row's own base (default), the "
        "fine-tuned horizon total, or its monthly cost incl. amortised training",
    )
    add_common(p)
    p.set_defaults(func=_compare)


_OPTION_OF = {
    "field": "FIELD",
    "payback_months": "--payback-months",
    "axes": "--axis",
    "variants": "--tiers/--regions/--models/--deployments",
    "rank_by": "--rank-by",
    "distributions": "--dist",
    "samples": "--samples",
    "seed": "--seed",
}


def run_request_core(fn: Callable[[], Any]) -> Any:
    """Call the core; errors about request options (not the scenario) name the option."""
    try:
        return run_core(fn)
    except InvalidInputError as exc:
        top = (exc.field or "").split(".")[0].split("[")[0]
        if top in _OPTION_OF and not exc.detail.startswith(_OPTION_OF[top]):
            exc.detail = f"{_OPTION_OF[top]}: {exc.detail}"
            exc.args = (exc.detail,)
        raise


def validated(request: Any) -> Any:
    """The request re-decoded, so the bounds in its types apply; errors name the option."""
    try:
        return msgspec.convert(msgspec.to_builtins(request), type(request))
    except msgspec.ValidationError as exc:
        detail, path = field_path(str(exc))
        top = (path or "").split(".")[0].split("[")[0]
        option = _OPTION_OF.get(top, path or "")
        raise InvalidInputError(f"{option}: {detail} ({path})", field=path) from None


def _solve(args: argparse.Namespace) -> int:
    target: Literal["break_even", "payback"] = (
        "payback"
        if args.target == "payback" or (args.target is None and args.payback_months is not None)
        else "break_even"
    )
    req = validated(
        SolveRequest(
            scenario=load_scenario(args),
            field=args.field,
            target=target,
            payback_months=args.payback_months,
        )
    )
    result: SolveResult = run_request_core(lambda: solve(req, catalog_from_args(args)))
    if args.json:
        print_json(result)
        return 0
    goal = (
        "break-even"
        if result.target == "break_even"
        else f"payback within {result.payback_months:g} months"
    )
    out = [f"ftcost solve: {result.field} for {goal}"]
    if result.value is None:
        out.append(f"  no answer ({result.status}, {result.method.replace('_', ' ')}):")
        out += bullets("", [result.reason or ""])[1:]
    else:
        out.append(
            f"  {result.field} = {count(result.value)}   ({result.method.replace('_', ' ')}; "
            f"current {count(result.current_value)})"
        )
        if result.note:
            out += bullets("", [result.note])[1:]
        p = result.projection
        if p is not None:
            rows = [
                ["monthly net savings", money(p.monthly.net_savings_usd)],
                ["  after amortised training", money(p.monthly.net_savings_after_training_usd)],
                ["payback", months(p.break_even.payback_months)],
                ["break-even volume", count(p.break_even.requests_per_month)],
                [f"net savings over {p.horizon.months} months", money(p.horizon.net_savings_usd)],
            ]
            out.append("  at that value:")
            out += ["    " + line for line in table(rows, right={1})]
    emit("\n".join(out) + "\n")
    return 0


_RANK_BY: dict[str, RankBy] = {
    "net": "horizon_net",
    "horizon": "horizon_total",
    "monthly": "monthly_total",
}


def _compare(args: argparse.Namespace) -> int:
    regions = (
        [None if r.lower() in ("reference", "none", "null") else r for r in args.regions]
        if args.regions
        else None
    )
    req = validated(
        CompareRequest(
            scenario=load_scenario(args),
            variants=CompareVariants(
                tiers=args.tiers,
                regions=regions,
                models=args.models,
                deployments=args.deployments,
            ),
            rank_by=_RANK_BY[args.rank_by],
        )
    )
    result: CompareResult = run_request_core(lambda: compare(req, catalog_from_args(args)))
    if args.json:
        print_json(result)
        return 0
    out = bullets("", [f"ftcost compare: ranked by {result.ranked_by_description}"])
    out = [line.replace("  - ", "", 1) if i == 1 else line[2:] for i, line in enumerate(out)][1:]
    cost = {
        "horizon_net": "net",
        "horizon_total": f"{result.horizon_months}-mo total",
        "monthly_total": "monthly",
    }[result.ranked_by]

    def cells(r: Any) -> list[str]:
        mark = "" if r.pays else " (never)"
        return [
            str(r.rank),
            r.variant.tier,
            r.variant.region or "-",
            r.variant.model,
            r.variant.deployment,
            compact_money(r.rank_value_usd) + mark,
            months(r.payback_months).replace(" months", ""),
        ]

    head = ["#", "tier", "region", "model", "deploy", cost, "payback"]
    out += table([cells(r) for r in result.rows], head, right={0, 5, 6})
    if result.evaluation:
        out += bullets(
            "For evaluation only (Developer deployments: deleted after 24 hours, no SLA; "
            "not ranked against production)",
            [
                f"{r.variant.tier}/{r.variant.region or '-'}/{r.variant.model}: "
                f"net {compact_money(r.horizon_net_savings_usd)} over the projection"
                for r in result.evaluation
            ],
        )
    if result.unavailable:
        out += bullets(
            "Not available",
            [
                f"{u.variant.tier}/{u.variant.region or '-'}/{u.variant.model}/"
                f"{u.variant.deployment}: {u.reason}"
                for u in result.unavailable
            ],
        )
    emit("\n".join(out) + "\n")
    return 0
