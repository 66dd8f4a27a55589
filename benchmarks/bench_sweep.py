"""A 10⁶-point sweep through ``engine.sweep`` against plain Python loops over the same points.

The grid: the DESIGN example (Azure gpt-4.1-mini Global, shipped catalog) swept over
``traffic.requests_per_month`` (1,000 log-spaced values, 1e4 … 1e8) × ``fine_tuned.prompt_tokens``
(1,000 whole values, 0 … 2,500) = 1,000,000 points. Measured, ``--repeat`` times each, medians:

* ``sweep()``: the whole core call (resolve, checks, the chunked numpy grid and the JSON-ready
  lists of the SweepResult);
* ``sweep_grid()``: the numpy part alone (what the lists are made from);
* baseline 1, *loop of costs.evaluate*: a Python ``for`` loop calling the same cost function
  with plain floats, point by point (the scalar path of the same core);
* baseline 2, *loop of estimate*: a loop building the full Projection per point, as a user
  of ``ftcost estimate`` alone would;
* reference, *inlined float loop*: the five swept figures written out in pure-Python float
  arithmetic (no numpy, no function calls per figure): the fastest a Python loop gets.

The loops are timed on an evenly spread sample of points (``--sample``; estimate on a tenth of
it) and extrapolated linearly to the full grid; the script checks that every loop agrees with
the sweep on its sample. Peak traced memory (tracemalloc) of each sweep call is reported.

Run: ``.venv/bin/python benchmarks/bench_sweep.py`` (``--quick``: 10⁴ points, small sample).
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import msgspec
import numpy as np

from ftcost.catalog import load_catalog
from ftcost.engine import (
    Scenario,
    SweepRequest,
    costs,
    estimate,
    resolve,
    scenario_with,
    sweep,
    sweep_grid,
)

SCENARIO = {
    "provider": "azure",
    "model": "gpt-4.1-mini",
    "start_date": "2026-01-01",
    "training": {"method": "sft", "tier": "global", "tokens_per_epoch": 1_000_000, "epochs": 3},
    "deployment": {"type": "global", "count": 1, "hours_per_month": 730},
    "traffic": {"requests_per_month": 3_000_000},
    "base": {"prompt_tokens": 2500, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500, "output_tokens": 200},
    "retrain_every_months": 6,
    "horizon_months": 12,
}
FIELDS = ("traffic.requests_per_month", "fine_tuned.prompt_tokens")


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def _peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _inlined(values: dict[str, float], p: costs.Prices) -> tuple[float, float, float, float, int]:
    """Monthly net, horizon net, payback, V* and the never-reason code in plain floats."""
    v = values
    pb, pf = v["base.prompt_tokens"], v["fine_tuned.prompt_tokens"]
    cb = min(v["base.cached_prompt_tokens"], pb)
    cf = min(v["fine_tuned.cached_prompt_tokens"], pf)
    c_base = (
        (pb - cb) * p.base_input_usd_per_mtok
        + cb * p.base_cached_input_usd_per_mtok
        + v["base.output_tokens"] * p.base_output_usd_per_mtok
    ) / 1e6
    c_ft = (
        (pf - cf) * p.fine_tuned_input_usd_per_mtok
        + cf * p.fine_tuned_cached_input_usd_per_mtok
        + v["fine_tuned.output_tokens"] * p.fine_tuned_output_usd_per_mtok
    ) / 1e6
    sp = p.training[0]
    per_job = v["training.tokens_per_epoch"] * v["training.epochs"] * sp.training_usd_per_mtok / 1e6
    training = min(per_job, sp.job_cap_usd) * v["training.runs"]
    hosting = v["deployment.count"] * v["deployment.hours_per_month"] * p.hosting_usd_per_hour
    volume = v["traffic.requests_per_month"]
    retrain, horizon = v["retrain_every_months"], v["horizon_months"]
    saving = c_base - c_ft
    net = volume * saving - hosting
    period = retrain if retrain > 0 else horizon
    breakeven = (hosting + training / period) / saving if saving > 0 else math.nan
    repay = training / net if net > 0 else math.inf
    if saving <= 0:
        reason = 1
    elif net <= 0:
        reason = 2
    elif retrain > 0 and repay > retrain * (1 + 1e-9):
        reason = 3
    elif repay > p.months_to_shutdown * (1 + 1e-9):
        reason = 4
    else:
        reason = 0
    trainings = math.ceil(horizon / retrain) if retrain > 0 else 1.0
    payback = repay if reason == 0 else math.nan
    return net, net * horizon - training * trainings, payback, breakeven, reason


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10^4 points, small sample (smoke run)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each sweep (median)")
    ap.add_argument("--sample", type=int, default=2000, help="points timed in each loop")
    args = ap.parse_args(argv)
    side = 100 if args.quick else 1000
    sample_n = min(args.sample, 200) if args.quick else args.sample
    repeat = 2 if args.quick else args.repeat

    catalog = load_catalog()
    scenario = msgspec.convert(SCENARIO, Scenario)
    request = msgspec.convert(
        {
            "scenario": SCENARIO,
            "axes": [
                {"field": FIELDS[0], "start": 1e4, "stop": 1e8, "num": side, "scale": "log"},
                {"field": FIELDS[1], "start": 0, "stop": 2500, "num": side},
            ],
        },
        SweepRequest,
    )
    r = resolve(scenario, catalog)
    full_s, result = _timed(lambda: sweep(request, catalog), repeat)
    axes = [np.asarray(a.values) for a in result.axes]
    points = result.points
    grid_s, grid = _timed(lambda: sweep_grid(r, FIELDS, axes), repeat)
    mem_full = _peak_mib(lambda: sweep(request, catalog))
    mem_grid = _peak_mib(lambda: sweep_grid(r, FIELDS, axes))

    idx = np.unique(np.linspace(0, points - 1, sample_n).round().astype(int))
    n1 = len(axes[1])
    rows = [{**r.values, FIELDS[0]: float(axes[0][k // n1]), FIELDS[1]: float(axes[1][k % n1])}
            for k in idx]  # fmt: skip

    def loop_evaluate() -> list[costs.Outcome]:
        return [costs.evaluate(row, r.prices) for row in rows]

    def loop_inlined() -> list[tuple[float, float, float, float, int]]:
        return [_inlined(row, r.prices) for row in rows]

    est_idx = idx[:: max(1, len(idx) // max(1, len(idx) // 10))][: max(1, len(idx) // 10)]

    def loop_estimate() -> list[Any]:
        return [
            estimate(
                scenario_with(
                    r, {FIELDS[0]: float(axes[0][k // n1]), FIELDS[1]: float(axes[1][k % n1])}
                ),
                catalog,
            )
            for k in est_idx
        ]

    eval_s, outs = _timed(loop_evaluate, 1 if args.quick else 3)
    inl_s, inl = _timed(loop_inlined, 1 if args.quick else 3)
    est_s, projections = _timed(loop_estimate, 1)

    # Every loop agrees with the sweep on its sample.
    for k, o, f in zip(idx, outs, inl, strict=True):
        for name, a, b in (
            ("monthly", grid.monthly_net_savings_usd[k], float(o.monthly_net_savings_usd)),
            ("horizon", grid.horizon_net_savings_usd[k], float(o.horizon_net_savings_usd)),
            ("monthly-inlined", grid.monthly_net_savings_usd[k], f[0]),
            ("horizon-inlined", grid.horizon_net_savings_usd[k], f[1]),
            ("payback-inlined", grid.payback_months[k], f[2]),
        ):
            if not (
                math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
            ):
                print(f"mismatch at point {k}: {name} {a!r} != {b!r}", file=sys.stderr)
                return 1
        if int(grid.never_reason[k]) != int(o.never_reason) or int(grid.never_reason[k]) != f[4]:
            print(f"mismatch at point {k}: never_reason", file=sys.stderr)
            return 1
    for k, p in zip(est_idx, projections, strict=True):
        a = p.monthly.net_savings_usd
        if not math.isclose(a, grid.monthly_net_savings_usd[k], rel_tol=1e-12, abs_tol=1e-9):
            print(f"mismatch at point {k}: estimate", file=sys.stderr)
            return 1

    per_eval = eval_s / len(idx)
    per_inl = inl_s / len(idx)
    per_est = est_s / len(est_idx)
    loop_eval_full = per_eval * points
    loop_inl_full = per_inl * points
    loop_est_full = per_est * points
    print(f"ftcost sweep benchmark: {points:,} points ({side} x {side}), repeat {repeat}, medians")
    print(f"loops timed on {len(idx)} sampled points ({len(est_idx)} for estimate), "
          "extrapolated x points/sample")  # fmt: skip
    header = f"{'':34} {'seconds':>10} {'us/point':>10} {'sweep() is':>12}"
    print(header)
    print("-" * len(header))
    for label, secs in (
        ("sweep() (core call, JSON-ready)", full_s),
        ("sweep_grid() (numpy only)", grid_s),
        ("loop of costs.evaluate (extrap.)", loop_eval_full),
        ("loop of estimate (extrap.)", loop_est_full),
        ("inlined float loop (extrap.)", loop_inl_full),
    ):
        ratio = secs / full_s
        print(f"{label:34} {secs:10.3f} {secs / points * 1e6:10.3f} {ratio:11.1f}x")
    print(f"peak traced memory: sweep() {mem_full:.0f} MiB, sweep_grid() {mem_grid:.0f} MiB")
    print(
        f"target >= 50x against the loop of costs.evaluate: "
        f"{'met' if loop_eval_full / full_s >= 50 else 'NOT met'} "
        f"({loop_eval_full / full_s:.0f}x)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
