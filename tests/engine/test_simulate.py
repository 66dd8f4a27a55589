"""``ftcost.engine.simulate``: analytic probabilities and percentiles, reproducibility, errors.

DESIGN example on the fixture catalog: monthly net savings are 0.0008 V − 1241 for V requests;
training $15 every 6 months, so it pays (before retraining) when the net is at least $2.50,
i.e. V ≥ 1,554,375; net savings are positive from V > 1,551,250.
"""

from __future__ import annotations

import math
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whatif_support import scenario_dict, with_value

from ftcost.catalog import Catalog
from ftcost.engine import MAX_SAMPLES, SimulateRequest, estimate, simulate
from ftcost.errors import InvalidInputError

N = 200_000


def request(distributions: dict[str, Any], **over: Any) -> SimulateRequest:
    """A SimulateRequest decoded like the API does."""
    body = {
        "scenario": scenario_dict(**over.pop("scenario", {})),
        "distributions": distributions,
        "samples": N,
        **over,
    }
    return msgspec.convert(body, SimulateRequest)


def net(volume: float) -> float:
    """Monthly net savings of the DESIGN example at ``volume`` requests."""
    return 0.0008 * volume - 1241


def test_uniform_volume_probabilities_and_percentiles(test_catalog: Catalog) -> None:
    """V ~ U(1e6, 2e6): P(pays) = (2e6 − 1,554,375)/1e6; quantiles of a linear function of V."""
    r = simulate(request({"traffic.requests_per_month": {"kind": "uniform", "low": 1e6,
                                                         "high": 2e6}}), test_catalog)  # fmt: skip
    p = (2e6 - 1_554_375) / 1e6
    sigma = math.sqrt(p * (1 - p) / N)
    assert r.p_pays == pytest.approx(p, abs=5 * sigma)
    assert r.p_payback_within_horizon == r.p_pays  # payback ≤ 6 months < 12
    # never: net ≤ 0 below 1,551,250; retraining first between 1,551,250 and 1,554,375
    assert r.never_count == sum(r.never_reasons.values())
    assert r.never_reasons["savings_below_hosting"] / N == pytest.approx(0.55125, abs=0.006)
    assert r.never_reasons["retrain_before_payback"] / N == pytest.approx(0.003125, abs=0.001)
    m = r.monthly_net_savings_usd
    for got, q in ((m.p10, 0.10), (m.p50, 0.50), (m.p90, 0.90)):
        assert got == pytest.approx(net(1e6 + q * 1e6), abs=3.0)
    assert m.mean == pytest.approx(net(1.5e6), abs=3.0)
    # 12 months, 2 trainings: horizon net = 12 × monthly net − 30
    assert r.horizon_net_savings_usd.p50 == pytest.approx(12 * net(1.5e6) - 30, abs=40.0)
    # more than half never pays: the median payback is null; the 5th percentile is the top 5 %
    assert r.payback_months.p50 is None
    assert r.payback_months.p5 == pytest.approx(15 / net(1.95e6), rel=0.02)


def test_lognormal_through_p10_p90(test_catalog: Catalog) -> None:
    """A lognormal volume has the requested 10th and 90th percentiles."""
    r = simulate(request({"traffic.requests_per_month": {"kind": "lognormal", "p10": 1e6,
                                                         "p90": 5e6}}), test_catalog)  # fmt: skip
    assert r.monthly_net_savings_usd.p10 == pytest.approx(net(1e6), abs=0.02 * 3200)
    assert r.monthly_net_savings_usd.p90 == pytest.approx(net(5e6), abs=0.02 * 3200)
    # median of a lognormal = geometric mean of p10 and p90
    assert r.monthly_net_savings_usd.p50 == pytest.approx(net(math.sqrt(5e12)), abs=20.0)


def test_triangular_mean(test_catalog: Catalog) -> None:
    """V ~ Tri(1e6, 2e6, 4e6) has mean 7e6/3."""
    r = simulate(request({"traffic.requests_per_month": {"kind": "triangular", "low": 1e6,
                          "mode": 2e6, "high": 4e6}}), test_catalog)  # fmt: skip
    assert r.monthly_net_savings_usd.mean == pytest.approx(net(7e6 / 3), abs=6.0)


def test_whole_number_fields_are_rounded(test_catalog: Catalog) -> None:
    """Epochs U(1, 3) are whole: horizon net only takes the values of 1, 2 or 3 epochs."""
    r = simulate(
        request({"training.epochs": {"kind": "uniform", "low": 1, "high": 3}}), test_catalog
    )
    allowed = {1159 * 12 - 2 * 5 * e for e in (1, 2, 3)}
    h = r.horizon_net_savings_usd
    for q in (h.p5, h.p10, h.p50, h.p90, h.p95):
        assert q is not None
        assert min(abs(q - a) for a in allowed) < 1e-6
    assert any("rounded" in n for n in r.notes)


def test_each_sample_uses_its_own_horizon(test_catalog: Catalog) -> None:
    """Payback 5 months, horizon ~ U(1, 12) rounded: P(payback within horizon) = P(H ≥ 5)."""
    # never retrained; net $3 → 15 / 3 = 5 months at V = (1241 + 3) / 0.0008
    r = simulate(
        request({"horizon_months": {"kind": "uniform", "low": 1, "high": 12}},
                scenario={"traffic": {"requests_per_month": 1_555_000},
                          "retrain_every_months": 0}),
        test_catalog,
    )  # fmt: skip
    # rounded draws ≥ 5 are those ≥ 4.5: (12 − 4.5) / 11
    assert r.p_payback_within_horizon == pytest.approx(7.5 / 11, abs=0.006)
    # fine-tuning pays only when training is repaid within the projection: the same share
    assert r.p_pays == pytest.approx(r.p_payback_within_horizon)


def test_clipping_is_reported(test_catalog: Catalog) -> None:
    """Draws beyond a field's bounds are clipped and counted in the notes."""
    r = simulate(request({"deployment.hours_per_month": {"kind": "lognormal", "p10": 600,
                                                         "p90": 744}}), test_catalog)  # fmt: skip
    assert any("clipped to [0, 744]" in n for n in r.notes)


@pytest.mark.parametrize(
    ("distributions", "where"),
    [
        ({"traffic.nope": {"kind": "fixed", "value": 1}}, "distributions.traffic.nope"),
        ({"training.epochs": {"kind": "uniform", "low": 3, "high": 2}},
         "distributions.training.epochs.high"),
        ({"deployment.hours_per_month": {"kind": "uniform", "low": 1, "high": 800}},
         "distributions.deployment.hours_per_month.high"),
        ({"training.epochs": {"kind": "fixed", "value": 0}}, "distributions.training.epochs.value"),
        ({"training.epochs": {"kind": "triangular", "low": 2, "mode": 1, "high": 3}},
         "distributions.training.epochs.mode"),
        ({"traffic.requests_per_month": {"kind": "lognormal", "p10": 9, "p90": 2}},
         "distributions.traffic.requests_per_month.p90"),
    ],
    ids=["unknown", "low-high", "bound", "epochs-zero", "mode", "p10-p90"],
)  # fmt: skip
def test_bad_distributions_name_the_path(
    test_catalog: Catalog, distributions: dict[str, Any], where: str
) -> None:
    """Each bad distribution is an InvalidInputError whose field is its path in the request."""
    with pytest.raises(InvalidInputError) as exc:
        simulate(request(distributions), test_catalog)
    assert exc.value.field == where


@pytest.mark.parametrize(
    "over",
    [
        {"samples": MAX_SAMPLES + 1},
        {"samples": 0},
        {"distributions": {"training.epochs": {"kind": "normal", "mean": 3}}},
        {"distributions": {}},
    ],
    ids=["too-many", "none", "unknown-kind", "empty"],
)
def test_request_bounds_are_in_the_type(over: dict[str, Any]) -> None:
    """Sample count, distribution kinds and the distribution count are bounded by the type."""
    body = {
        "scenario": scenario_dict(),
        "distributions": {"training.epochs": {"kind": "fixed", "value": 3}},
        **over,
    }
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(body, SimulateRequest)


# ---------------------------------------------------------------------------------------------
# Invariants


@settings(max_examples=40)
@given(
    st.floats(0.0, 1e8),
    st.integers(0, 5000),
    st.integers(1, 20),
    st.integers(0, 24),
)
def test_fixed_distributions_equal_estimate(
    test_catalog: Catalog, volume: float, prompt: int, epochs: int, retrain: int
) -> None:
    """With every distribution fixed, each figure equals the Projection of those values."""
    dists = {
        "traffic.requests_per_month": {"kind": "fixed", "value": volume},
        "fine_tuned.prompt_tokens": {"kind": "fixed", "value": prompt},
        "training.epochs": {"kind": "fixed", "value": epochs},
        "retrain_every_months": {"kind": "fixed", "value": retrain},
    }
    r = simulate(request(dists, samples=50), test_catalog)
    data = scenario_dict()
    s = with_value(data, "traffic.requests_per_month", volume)
    for path, x in (("fine_tuned.prompt_tokens", prompt), ("training.epochs", epochs),
                    ("retrain_every_months", retrain)):  # fmt: skip
        s = with_value(msgspec.to_builtins(s), path, x)
    p = estimate(s, test_catalog)
    for q in ("p5", "p50", "p95", "mean"):
        assert getattr(r.monthly_net_savings_usd, q) == pytest.approx(
            p.monthly.net_savings_usd, rel=1e-12, abs=1e-9
        )
        assert getattr(r.horizon_net_savings_usd, q) == pytest.approx(
            p.horizon.net_savings_usd, rel=1e-12, abs=1e-9
        )
        assert getattr(r.payback_months, q) == pytest.approx(p.break_even.payback_months)
    pays = p.break_even.pays
    assert r.p_pays == (1.0 if pays else 0.0)
    assert r.never_count == (0 if pays else 50)
    if not pays:
        assert r.never_reasons == {p.break_even.reason_code: 50}


@settings(max_examples=15)
@given(st.integers(0, 2**63 - 1))
def test_seeded_runs_reproduce(test_catalog: Catalog, seed: int) -> None:
    """The same seed gives the same result; another seed gives other draws."""
    dists = {"traffic.requests_per_month": {"kind": "lognormal", "p10": 1e6, "p90": 5e6}}
    a = simulate(request(dists, samples=500, seed=seed), test_catalog)
    b = simulate(request(dists, samples=500, seed=seed), test_catalog)
    c = simulate(request(dists, samples=500, seed=(seed + 1) % 2**63), test_catalog)
    assert msgspec.json.encode(a) == msgspec.json.encode(b)
    assert a.monthly_net_savings_usd.mean != c.monthly_net_savings_usd.mean
