"""Hypothesis strategies for the numeric core: value dicts and price sets."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from ftcost.engine import costs

money = st.floats(min_value=0.0, max_value=100.0, allow_nan=False, allow_infinity=False)
tokens = st.integers(min_value=0, max_value=200_000).map(float)


@st.composite
def prices(draw: st.DrawFn, stages: int = 1) -> costs.Prices:
    """A Prices struct with token-billed or hourly stages and optional caps."""
    sps = []
    for _ in range(stages):
        rft = draw(st.booleans())
        sps.append(
            costs.StagePrices(
                method="rft" if rft else "sft",
                training_usd_per_mtok=0.0 if rft else draw(money),
                rft_usd_per_hour=draw(money) if rft else 0.0,
                grader_input_usd_per_mtok=draw(money) if rft else 0.0,
                grader_output_usd_per_mtok=draw(money) if rft else 0.0,
                job_cap_usd=draw(st.sampled_from([math.inf, 5000.0])),
            )
        )
    return costs.Prices(
        training=tuple(sps),
        hosting_usd_per_hour=draw(st.sampled_from([0.0, 1.7, 5.0])),
        base_input_usd_per_mtok=draw(money),
        base_cached_input_usd_per_mtok=draw(money),
        base_output_usd_per_mtok=draw(money),
        fine_tuned_input_usd_per_mtok=draw(money),
        fine_tuned_cached_input_usd_per_mtok=draw(money),
        fine_tuned_output_usd_per_mtok=draw(money),
        months_to_shutdown=draw(st.sampled_from([math.inf, 3.0, 12.0, 7.4, 0.6])),
        months_to_training_end=draw(st.sampled_from([math.inf, 2.5, 6.0, 0.3])),
    )


@st.composite
def values(draw: st.DrawFn, stages: int = 1) -> dict[str, float]:
    """One scalar value for every numeric input (first stage plus ``stages - 1`` more)."""
    v = {
        "traffic.requests_per_month": draw(st.floats(0.0, 1e8, allow_nan=False)),
        "base.prompt_tokens": draw(tokens),
        "base.cached_prompt_tokens": draw(tokens),
        "base.output_tokens": draw(tokens),
        "fine_tuned.prompt_tokens": draw(tokens),
        "fine_tuned.cached_prompt_tokens": draw(tokens),
        "fine_tuned.output_tokens": draw(tokens),
        "deployment.count": float(draw(st.integers(0, 5))),
        "deployment.hours_per_month": draw(st.floats(0.0, 744.0, allow_nan=False)),
        "retrain_every_months": float(draw(st.integers(0, 24))),
        "horizon_months": float(draw(st.integers(1, 60))),
    }
    for i in range(stages):
        pre = costs.stage_prefix(i)
        v[f"{pre}.tokens_per_epoch"] = float(draw(st.integers(0, 50_000_000)))
        v[f"{pre}.epochs"] = float(draw(st.integers(1, 25)))
        v[f"{pre}.runs"] = float(draw(st.integers(0, 5)))
        v[f"{pre}.rft_hours"] = draw(st.floats(0.0, 200.0, allow_nan=False))
        v[f"{pre}.grader.input_tokens"] = draw(tokens)
        v[f"{pre}.grader.cached_input_tokens"] = 0.0
        v[f"{pre}.grader.output_tokens"] = draw(tokens)
    return v
