"""``ftcost estimate``: flags and scenario files, tables, the chart, JSON output, errors.

Figures are the shipped catalog's Azure gpt-4.1-mini Global prices (also checked in
tests/engine/test_estimate.py): $0.40/$1.60 per 1M tokens, training $5/1M, hosting $1.70/h.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import msgspec
import pytest

from ftcost.catalog import load_catalog
from ftcost.cli import main
from ftcost.cli._chart import cumulative_chart, short_money
from ftcost.dataset import analyze_dataset
from ftcost.engine import Scenario, SeriesPoint, estimate

EXAMPLE = [
    "--model", "gpt-4.1-mini", "--requests-per-month", "3e6", "--base-prompt-tokens", "2500",
    "--ft-prompt-tokens", "500", "--output-tokens", "200", "--training-tokens", "1e6",
]  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``ftcost argv``."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    """A domain error: exit 1 and exactly one ``ftcost: error:`` line naming ``needles``."""
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ftcost: error: ")
    for needle in needles:
        assert needle in lines[0]


def test_example_just_works(capsys: pytest.CaptureFixture[str]) -> None:
    """The README example prints every section with the hand-computed figures, in 80 columns.

    Started 2026-12-01, Azure gpt-4.1-mini's fine-tuned deployments retire 2027-10-14 (A12):
    317 days = 10.41 months, so the projection ends there; the month-6 retraining falls after
    the training retirement (2027-04-14) and does not happen.
    """
    code, out, err = run(capsys, "estimate", *EXAMPLE)
    assert code == 0
    assert err == ""
    assert f"start {dt.date.today().isoformat()}" in out
    code, out, err = run(capsys, "estimate", *EXAMPLE, "--start-date", "2026-12-01")
    assert code == 0
    assert err == ""
    end = 317 / (365.25 / 12)
    for text in (
        "$15.00",  # 1M × 3 epochs (auto, example count unknown) × $5/1M
        "$1,241.00/month",  # 730 h × $1.70
        "$0.001320",  # (2500 × 0.40 + 200 × 1.60) / 1e6
        "$0.000520",
        "$0.000800 (60.6%)",
        "$1,159.00",  # 3e6 × 0.0008 − 1241
        "1,554,375 requests/month",  # (1241 + 15/6) / 0.0008
        f"net savings ${1159 * end - 15:,.2f}",  # over 10.41 months: 10.41 × 1159 − 1 × 15
        "curves cross",
        "Warnings",
        "Assumptions",
        "Catalog azure-",
        "start 2026-12-01",
        "TTFT p10/p50/p90",
    ):
        assert text in out, text
    assert max(len(line) for line in out.splitlines()) <= 80


def test_json_is_the_projection(capsys: pytest.CaptureFixture[str]) -> None:
    """--json prints the Projection the API returns for the same scenario (start = today)."""
    code, out, _ = run(capsys, "estimate", *EXAMPLE, "--json")
    assert code == 0
    scenario = msgspec.convert(
        {
            "model": "gpt-4.1-mini",
            "start_date": dt.date.today().isoformat(),
            "training": {"tokens_per_epoch": 1_000_000},
            "traffic": {"requests_per_month": 3e6},
            "base": {"prompt_tokens": 2500, "output_tokens": 200},
            "fine_tuned": {"prompt_tokens": 500},
        },
        Scenario,
    )
    expected = json.loads(msgspec.json.encode(estimate(scenario, load_catalog())))
    assert json.loads(out) == expected
    assert expected["break_even"]["requests_per_month"] == pytest.approx(1_554_375.0)


def test_scenario_file_with_flag_overrides(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A TOML file supplies the scenario; a flag overrides one of its values."""
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'model = "gpt-4.1-mini"\nstart_date = 2026-01-01\nretrain_every_months = 0\n'
        "[training]\ntokens_per_epoch = 1000000\nepochs = 2\n"
        "[traffic]\nrequests_per_month = 1000000\n"
        "[base]\nprompt_tokens = 2500\noutput_tokens = 200\n"
        "[fine_tuned]\nprompt = 'hello'\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "estimate", "--scenario", str(plan), "--requests-per-month", "3e6",
        "--ft-prompt-tokens", "500", "--json",
    )  # fmt: skip
    assert code == 0
    p = json.loads(out)
    assert p["monthly"]["requests"] == 3e6  # the flag won
    assert p["scenario"]["start_date"] == "2026-01-01"  # the file's date
    assert p["training"]["cost_usd"] == pytest.approx(10.0)  # 1M × 2 × $5, from the file
    assert p["scenario"]["fine_tuned"]["prompt_tokens"] == 500  # the flag replaced the text
    assert p["training"]["retrain_every_months"] is None


def test_json_scenario_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A JSON scenario file with a BOM is read like the API's body."""
    plan = tmp_path / "plan.json"
    body = {
        "provider": "openai",
        "model": "gpt-4.1-mini",
        "customer": "existing",  # OpenAI fine-tuning is closed to new organisations (2026-05-07)
        "training": {"tokens_per_epoch": 1_000_000, "epochs": 3},
        "base": {"prompt_tokens": 1000, "output_tokens": 200},
        "fine_tuned": {"prompt_tokens": 800},
        "traffic": {"requests_per_month": 100_000},
    }
    plan.write_bytes(b"\xef\xbb\xbf" + json.dumps(body).encode())
    code, out, _ = run(capsys, "estimate", "--scenario", str(plan))
    assert code == 0
    # fine-tuned tokens cost 2× on OpenAI: 800 × 0.80 + 200 × 3.20 > 1000 × 0.40 + 200 × 1.60
    assert "payback: never (fine_tuned_not_cheaper)" in out
    assert "the curves do not cross within the horizon" in out


@pytest.mark.parametrize(
    ("content", "name", "needles"),
    [
        ('model = "gpt-4.1-mini"\n[training]\nepochs = 0\n', "plan.toml",
         ("plan.toml", "training.epochs")),
        ('{"model": "gpt-4.1-mini", "traffic": {"requests": 5}}', "plan.json",
         ("plan.json", "traffic.requests")),
        ("model = [", "plan.toml", ("plan.toml", "not valid TOML")),
        ("", "plan.json", ("plan.json", "empty")),
        ("{}", "plan.yaml", ("plan.yaml", ".json or .toml")),
    ],
    ids=["bound", "unknown-key", "syntax", "empty", "suffix"],
)  # fmt: skip
def test_bad_scenario_file_names_file_and_field(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: str,
    name: str,
    needles: tuple[str, ...],
) -> None:
    """A bad file is one error line naming the file and the field."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "estimate", "--scenario", str(path), *EXAMPLE[:2])
    assert out == ""
    assert_one_line_error(code, err, *needles)


def test_missing_file_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A scenario file that does not exist is a domain error, not a traceback."""
    code, _, err = run(capsys, "estimate", "--scenario", str(tmp_path / "nope.json"))
    assert_one_line_error(code, err, "nope.json", "cannot read")


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--requests-per-month=-5"], ("--requests-per-month", "traffic.requests_per_month")),
        (["--hours-per-month", "800"], ("--hours-per-month",)),
        (["--model", "gpt-9"], ("unknown model", "--model")),
        (["--region", "marsnorth"], ("unknown region", "--region")),
        (["--dataset", "no-such-train.jsonl"], ("cannot read", "no-such-train.jsonl")),
    ],
    ids=["negative", "too-many-hours", "model", "region", "dataset"],
)
def test_bad_flags_name_the_flag(
    capsys: pytest.CaptureFixture[str], argv: list[str], needles: tuple[str, ...]
) -> None:
    """Out-of-range or unknown values are one error line that names the flag."""
    code, _, err = run(capsys, "estimate", *EXAMPLE, *argv)
    assert_one_line_error(code, err, *needles)


def test_missing_output_tokens_names_the_flag(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --output-tokens the error says which flag to give."""
    argv = [a for a in EXAMPLE if a not in ("--output-tokens", "200")]
    code, _, err = run(capsys, "estimate", *argv)
    assert_one_line_error(code, err, "base.output_tokens", "--output-tokens")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A value that is not a number is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as exc:
        main(["estimate", *EXAMPLE, "--deployment-count", "1.5"])
    assert exc.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err


def test_ascii_output_when_stdout_is_not_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    """On an ASCII terminal the report and chart use ASCII characters only."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["estimate", *EXAMPLE]) == 0
    out.flush()
    text = raw.getvalue().decode("ascii")  # raises if anything is not ASCII
    assert "^ curves cross" in text
    assert "Cumulative cost by month (o base, # fine-tuned, @ both)" in text


def test_json_on_an_ascii_terminal_is_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    """--json on a non-UTF-8 stdout still writes the Projection, as UTF-8 JSON."""
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["estimate", *EXAMPLE, "--json"]) == 0
    out.flush()
    p = json.loads(raw.getvalue().decode("utf-8"))
    assert p["monthly"]["net_savings_usd"] == pytest.approx(1159.0)
    assert any("…" in a for a in p["assumptions"])  # non-ASCII text survives


def test_no_chart(capsys: pytest.CaptureFixture[str]) -> None:
    """--no-chart leaves the chart out and keeps the tables."""
    code, out, _ = run(capsys, "estimate", *EXAMPLE, "--no-chart")
    assert code == 0
    assert "Cumulative cost" not in out
    assert "Break-even" in out


def _series(base: list[float], ft: list[float]) -> list[SeriesPoint]:
    return [
        SeriesPoint(
            month=m, base_cumulative_usd=b, fine_tuned_cumulative_usd=f, training_event=False
        )
        for m, (b, f) in enumerate(zip(base, ft, strict=True))
    ]


def test_chart_marks_the_crossing_month() -> None:
    """The crossing marker sits under month 3 of 12; rows and labels fit the width."""
    base = [100.0 * m for m in range(13)]
    ft = [250.0 + 20.0 * m for m in range(13)]  # crosses between months 3 and 4
    lines = cumulative_chart(_series(base, ft), 4, unicode=False, width=80)
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].lstrip().startswith(short_money(1200.0))
    axis = next(i for i, line in enumerate(lines) if "+---" in line)
    plot_start = lines[axis].index("+") + 1
    cols = len(lines[axis]) - plot_start
    marker = lines[-1].index("^")
    assert marker - plot_start == round(4 * (cols - 1) / 12)
    assert "month 4" in lines[-1]
    assert all(ch.isascii() for line in lines for ch in line)


def test_chart_fits_narrow_and_long_horizons() -> None:
    """A 600-month horizon still fits 80 columns; no crossing says so."""
    months = 600
    lines = cumulative_chart(
        _series([float(m) for m in range(months + 1)], [2.0 * m + 5 for m in range(months + 1)]),
        None,
    )
    assert all(len(line) <= 80 for line in lines)
    assert "do not cross" in lines[-1]
    assert "600" in lines[-2]
    assert "●" in "".join(lines)


def test_short_money() -> None:
    """Axis labels are compact."""
    assert [short_money(x) for x in (950, 47_520, 1_234_567, 250e9)] == [
        "$950",
        "$47.5k",
        "$1.2M",
        "$250B",
    ]


def _write_dataset(path: Path, examples: int, bad_line: int | None = None) -> None:
    lines = []
    for i in range(examples):
        msgs = [
            {"role": "system", "content": "You answer billing questions."},
            {"role": "user", "content": f"Where is invoice {i}?"},
            {"role": "assistant", "content": f"Invoice {i} is under Billing > Invoices."},
        ]
        lines.append(json.dumps({"messages": msgs}))
    if bad_line is not None:
        lines[bad_line - 1] = "{not json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_dataset_fills_tokens_and_examples(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--dataset: tokens per epoch and examples come from the analysed file."""
    train = tmp_path / "train.jsonl"
    _write_dataset(train, 60)
    report = analyze_dataset([train.read_bytes()], catalog=load_catalog(), model="gpt-4.1-mini")
    argv = [a for a in EXAMPLE if a not in ("--training-tokens", "1e6")]
    code, out, _ = run(capsys, "estimate", *argv, "--dataset", str(train), "--json")
    assert code == 0
    p = json.loads(out)
    stage = p["training"]["stages"][0]
    assert stage["tokens_per_epoch"] == report.tokens.billed_per_epoch > 0
    assert p["scenario"]["training"]["examples"] == 60
    assert stage["epochs"] == 3  # auto: 60 examples → 3 × 60 ≥ 100 → 3
    assert p["training"]["cost_usd"] == pytest.approx(report.tokens.billed_per_epoch * 3 * 5 / 1e6)
    # an explicit token count wins over the file
    code, out, _ = run(capsys, "estimate", *EXAMPLE, "--dataset", str(train), "--json")
    assert json.loads(out)["training"]["stages"][0]["tokens_per_epoch"] == 1_000_000


def test_dataset_path_in_scenario_file_is_relative_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """training.dataset in a scenario file is found next to the file, from any directory."""
    _write_dataset(tmp_path / "train.jsonl", 20)
    plan = tmp_path / "plan.toml"
    plan.write_text(
        'model = "gpt-4.1-mini"\n[training]\ndataset = "train.jsonl"\n'
        "[base]\nprompt_tokens = 2500\noutput_tokens = 200\n[fine_tuned]\nprompt_tokens = 500\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(Path(__file__).parent)
    code, out, _ = run(capsys, "estimate", "--scenario", str(plan), "--json")
    assert code == 0
    p = json.loads(out)
    assert p["scenario"]["training"]["examples"] == 20
    assert p["training"]["stages"][0]["epochs"] == 5  # auto: 3 × 20 < 100 → 100 // 20


def test_dataset_with_a_bad_line_names_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A malformed line in the dataset is one error naming the file and the line."""
    train = tmp_path / "train.jsonl"
    _write_dataset(train, 30, bad_line=7)
    code, _, err = run(capsys, "estimate", *EXAMPLE, "--dataset", str(train))
    assert_one_line_error(code, err, "train.jsonl: line 7", "ftcost analyze")
