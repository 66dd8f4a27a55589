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

from ftcost.cli._common import add_csv, catalog_from_args, emit_csv, print_json
from ftcost.cli._render import (
    WIDTH,
    bullets,
    compact_money,
    count,
    duration,
    emit,
    money,
    months,
    table,
)
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
        help="the same scenario across tiers, regions, models or deployments, best first",
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
    add_csv(p, "one row per combination as CSV")
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


_VARIANT_COLUMNS = (("tier", "tier"), ("deploy", "deployment"), ("region", "region"),
                    ("model", "model"))  # fmt: skip


def _ranges(ranks: list[int]) -> str:
    """``1-3, 5``."""
    out: list[str] = []
    for r in sorted(ranks):
        if out and out[-1].split("-")[-1] == str(r - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{r}"
        else:
            out.append(str(r))
    return ", ".join(out)


def compare_table(result: CompareResult) -> list[str]:
    """The rows within 80 columns: the combination (columns equal in every row are said once,
    above), training cost, monthly net savings, the ranking figure, payback; then which
    warnings apply to which rows."""
    rows = result.rows
    if not rows:
        return ["no combination could be priced"]

    def value(r: Any, attr: str) -> str:
        v = getattr(r.variant, attr)
        return "-" if v is None else str(v)

    varying = [(h, a) for h, a in _VARIANT_COLUMNS if len({value(r, a) for r in rows}) > 1]
    same = [f"{h} {value(rows[0], a)}" for h, a in _VARIANT_COLUMNS if (h, a) not in varying]
    cost = {
        "horizon_net": "net total",
        "horizon_total": f"{result.horizon_months}-mo total",
        "monthly_total": "monthly",
    }[result.ranked_by]
    figures = [
        [
            compact_money(r.training_usd),
            compact_money(r.monthly_net_savings_usd),
            compact_money(r.rank_value_usd),
            duration(r.payback_months) if r.pays else "never",
        ]
        for r in rows
    ]
    fig_header = ["training", "net/month", cost, "payback"]
    out = [f"same in every row: {', '.join(same)}"] if same else []
    wide = table(
        [
            [str(r.rank), *(value(r, a) for _, a in varying), *f]
            for r, f in zip(rows, figures, strict=True)
        ],
        ["#", *(h for h, _ in varying), *fig_header],
        right={0, *range(len(varying) + 1, len(varying) + 5)},
    )
    if max(len(line) for line in wide) <= WIDTH:
        out += wide
    else:  # the combination on its own line, the figures under it
        narrow = table([["", *f] for f in figures], ["#", *fig_header], right={1, 2, 3, 4})
        out.append("each row: " + " / ".join(h for h, _ in varying) + ", then its figures")
        out += narrow[:2]
        for r, line in zip(rows, narrow[2:], strict=True):
            out.append(f"{r.rank}  " + " / ".join(value(r, a) for _, a in varying))
            out.append(line)
    by_code: dict[str, list[int]] = {}
    for r in rows:
        for code in r.warnings:
            by_code.setdefault(code, []).append(r.rank)
    if by_code:
        out += bullets(
            "Warnings (rows; 'ftcost estimate' explains each)",
            [f"{code}: {'all rows' if len(ranks) == len(rows) else 'rows ' + _ranges(ranks)}"
             for code, ranks in sorted(by_code.items())],
        )  # fmt: skip
    return out


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
    if args.csv:
        from ftcost.export import compare_csv

        emit_csv(compare_csv(result))
        return 0
    out = bullets("", [f"ftcost compare: ranked by {result.ranked_by_description}"])
    out = [line.replace("  - ", "", 1) if i == 1 else line[2:] for i, line in enumerate(out)][1:]
    out += compare_table(result)
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
