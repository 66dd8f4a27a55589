"""``ftcost solve``, ``sweep``, ``compare`` and ``simulate`` on the shipped catalog.

The DESIGN example: every request saves $0.0008, hosting $1,241 a month, training $15 every
6 months → break-even at (1241 + 2.5) / 0.0008 = 1,554,375 requests a month.
"""

from __future__ import annotations

import json

import msgspec
import pytest

from ftcost.cli import main
from ftcost.engine import CompareResult, SimulateResult, SolveResult, SweepResult

EXAMPLE = [
    "--model", "gpt-4.1-mini", "--requests-per-month", "3e6", "--base-prompt-tokens", "2500",
    "--ft-prompt-tokens", "500", "--output-tokens", "200", "--training-tokens", "1e6",
    "--start-date", "2026-01-01",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``ftcost argv``."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fits(out: str) -> bool:
    """Every line of human output fits 80 columns."""
    return max(len(line) for line in out.splitlines()) <= 80


def test_solve_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """solve prints the break-even volume; --json is the SolveResult."""
    code, out, err = run(capsys, "solve", "traffic.requests_per_month", *EXAMPLE)
    assert (code, err) == (0, "")
    assert "traffic.requests_per_month = 1,554,375" in out
    assert "closed form" in out
    assert fits(out)
    code, out, _ = run(capsys, "solve", "traffic.requests_per_month", *EXAMPLE, "--json")
    r = msgspec.json.decode(out, type=SolveResult)
    assert r.value == pytest.approx(1_554_375.0)
    assert r.projection is not None


def test_solve_payback_months_implies_payback(capsys: pytest.CaptureFixture[str]) -> None:
    """--payback-months alone sets the payback target: 1159 × 3 ≥ 5 × epochs → 695 epochs."""
    code, out, _ = run(capsys, "solve", "training.epochs", "--payback-months", "3", *EXAMPLE)
    assert code == 0
    assert "payback within 3 months" in out
    assert "training.epochs = 695" in out
    assert "largest whole value" in out


def test_solve_never_prints_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    """When no value works, solve says why and still exits 0."""
    code, out, _ = run(
        capsys, "solve", "traffic.requests_per_month", *EXAMPLE, "--provider", "openai",
        "--base-prompt-tokens", "1000", "--ft-prompt-tokens", "800",
    )  # fmt: skip
    assert code == 0
    assert "no answer (unreachable" in out
    assert "not cheaper" in out
    assert fits(out)


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["solve", "traffic.nope"], ("unknown numeric field", "traffic.requests_per_month")),
        (["solve", "training.epochs", "--target", "break-even", "--payback-months", "3"],
         ("--payback-months",)),
        (["solve", "training.epochs", "--payback-months", "0"], ("--payback-months",)),
        (["sweep", "--axis", "training.epochs=1,2", "--axis", "training.runs=1",
          "--axis", "horizon_months=3"], ("--axis",)),
        (["sweep", "--axis", "deployment.hours_per_month=1,800"], ("axes[0].values[1]",)),
        (["simulate", "--dist", "training.epochs=uniform:3:2"], ("--dist", "high")),
        (["simulate", "--dist", "training.epochs=fixed:3", "--samples", "300000"],
         ("--samples", "200000")),
        (["compare", "--models", "gpt-4.1-mini,gpt-9"], ("unknown model 'gpt-9'",)),
        (["compare", "--tiers", "global,global"], ("variants.tiers[1]",)),
    ],
    ids=["unknown-field", "payback-on-break-even", "payback-zero", "three-axes", "axis-bound",
         "dist-order", "samples", "model", "duplicate-tier"],
)  # fmt: skip
def test_domain_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], needles: tuple[str, ...]
) -> None:
    """Bad values give exit 1 and one ``ftcost: error:`` line naming the option or path."""
    code, out, err = run(capsys, *argv[:1], *EXAMPLE, *argv[1:])
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ftcost: error: ")
    for needle in needles:
        assert needle in lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--axis", "training.epochs"],
        ["sweep", "--axis", "training.epochs=1:2"],
        ["sweep", "--axis", "training.epochs=a,b"],
        ["simulate", "--dist", "training.epochs=normal:1:2"],
        ["simulate", "--dist", "training.epochs=uniform:1"],
        ["compare", "--rank-by", "cheapest"],
    ],
    ids=["no-values", "short-range", "not-numbers", "kind", "params", "rank"],
)
def test_malformed_options_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Option syntax errors exit 2 (argparse usage errors)."""
    with pytest.raises(SystemExit) as exc:
        main([*argv, *EXAMPLE])
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_sweep_one_axis(capsys: pytest.CaptureFixture[str]) -> None:
    """A one-axis sweep lists each value with net savings, payback and status."""
    code, out, _ = run(
        capsys, "sweep", "--axis", "traffic.requests_per_month=1e6,1554375,3e6", *EXAMPLE
    )
    assert code == 0
    lines = out.splitlines()
    row = next(line for line in lines if line.lstrip().startswith("1,000,000"))
    assert "-$441.00" in row  # 0.0008 × 1e6 − 1241
    assert "savings_below_hosting" in row
    row = next(line for line in lines if line.lstrip().startswith("1,554,375"))
    assert "6.00 months" in row
    assert fits(out)


def test_sweep_two_axes_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Two axes: the table fits 80 columns; --json is the SweepResult in row-major order."""
    argv = ["--axis", "traffic.requests_per_month=1e5:1e7:30:log", "--axis",
            "fine_tuned.prompt_tokens=0:2500:26"]  # fmt: skip
    code, out, _ = run(capsys, "sweep", *argv, *EXAMPLE, "--metric", "horizon")
    assert code == 0
    assert "horizon net savings: rows traffic.requests_per_month" in out
    assert "--json for all" in out
    assert fits(out)
    code, out, _ = run(capsys, "sweep", *argv, *EXAMPLE, "--json")
    r = msgspec.json.decode(out, type=SweepResult)
    assert r.shape == [30, 26]
    # last row, first column: 1e7 requests, 0-token prompt → saving 2500 × 0.40 / 1e6
    assert r.monthly_net_savings_usd[29 * 26] == pytest.approx(1e7 * 0.001 - 1241)


def test_compare_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    """compare ranks tiers; 'reference' is the null region; unavailable ones are listed."""
    argv = ["--tiers", "standard,global", "--regions", "reference,eastus2"]
    code, out, _ = run(capsys, "compare", *argv, *EXAMPLE)
    assert code == 0
    assert "Not available" in out
    assert "standard/eastus2" in out
    assert fits(out)
    code, out, _ = run(capsys, "compare", *argv, *EXAMPLE, "--json")
    r = msgspec.json.decode(out, type=CompareResult)
    assert [row.rank for row in r.rows] == list(range(1, len(r.rows) + 1))
    values = [row.rank_value_usd for row in r.rows]
    assert r.ranked_by == "horizon_net"  # net savings against each row's own base, largest first
    assert values == sorted(values, reverse=True)
    assert r.rows[0].variant.tier == "global"
    assert r.rows[0].rank_value_usd == pytest.approx(1159 * 12 - 2 * 15)
    code, out, _ = run(capsys, "compare", *argv, *EXAMPLE, "--rank-by", "horizon", "--json")
    total = msgspec.json.decode(out, type=CompareResult)
    assert total.ranked_by == "horizon_total"
    assert total.rows[0].rank_value_usd == pytest.approx(2801 * 12 + 2 * 15)
    assert any(row.variant.region is None for row in r.rows)
    assert [u.variant.region for u in r.unavailable] == ["eastus2"]


def test_simulate_table_and_reproducible_json(capsys: pytest.CaptureFixture[str]) -> None:
    """simulate prints the probability and bands; the same seed gives the same JSON."""
    argv = ["--dist", "traffic.requests_per_month=uniform:1e6:2e6", "--samples", "20000"]
    code, out, _ = run(capsys, "simulate", *argv, *EXAMPLE)
    assert code == 0
    assert "P(payback within the 12-month horizon): 4" in out  # ≈ 44.6 %
    assert "payback months" in out
    assert fits(out)
    _, a, _ = run(capsys, "simulate", *argv, *EXAMPLE, "--json", "--seed", "7")
    _, b, _ = run(capsys, "simulate", *argv, *EXAMPLE, "--json", "--seed", "7")
    assert a == b
    r = msgspec.json.decode(a, type=SimulateResult)
    assert r.p_payback_within_horizon == pytest.approx((2e6 - 1_554_375) / 1e6, abs=0.02)
    assert json.loads(a)["seed"] == 7
