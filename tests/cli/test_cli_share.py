"""Sharing an estimate: the verdict sentence, the latency change, --csv and --html."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ftcost.cli import main
from ftcost.cli._render import compact_money

ESTIMATE = [
    "estimate",
    "--model",
    "gpt-4.1-mini",
    "--base-prompt-tokens",
    "2500",
    "--ft-prompt-tokens",
    "500",
    "--output-tokens",
    "200",
    "--training-tokens",
    "1e6",
    "--start-date",
    "2026-12-01",
]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    out: str = capsys.readouterr().out
    return out


def _projection(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    data: dict[str, object] = json.loads(_run([*argv, "--json"], capsys))
    return data


def test_first_lines_say_why_it_pays(capsys: pytest.CaptureFixture[str]) -> None:
    """Line two on says in one sentence that it pays, with saving, volume, hosting, payback."""
    argv = [*ESTIMATE, "--requests-per-month", "3e6"]
    lines = _run(argv, capsys).splitlines()
    sentence = " ".join(lines[1:4])
    assert sentence.startswith("Fine-tuning pays: saving $0.000800 on each of 3,000,000")
    assert "covers $1,241.00 of hosting with $1,159.00 to spare" in sentence
    assert sentence.endswith("pays back in 9 hours.")
    assert all(len(line) <= 80 for line in lines)


def test_first_lines_say_why_it_does_not_pay(capsys: pytest.CaptureFixture[str]) -> None:
    """Below break-even the sentence gives the monthly saving, the hosting and the volume."""
    lines = _run([*ESTIMATE, "--requests-per-month", "1e5"], capsys).splitlines()
    sentence = " ".join(lines[1:4])
    assert sentence.startswith("Fine-tuning does not pay: saving $0.000800 on each of 100,000")
    assert "($80.00) does not cover $1,241.00 of hosting" in sentence
    assert "it would pay from 1,554,375 requests a month." in sentence


def test_latency_change_is_a_difference(capsys: pytest.CaptureFixture[str]) -> None:
    """The p50 latency change is fine-tuned minus base, in seconds and percent."""
    argv = [*ESTIMATE, "--requests-per-month", "3e6"]
    p = _projection(argv, capsys)
    lat = p["latency"]
    assert isinstance(lat, dict)
    diff = lat["fine_tuned"]["ttft_s"]["p50"] - lat["base"]["ttft_s"]["p50"]
    text = _run(argv, capsys)
    assert f"p50 latency change: first token {diff:+.2f} s" in text


def test_csv_series_equals_the_json_series(capsys: pytest.CaptureFixture[str]) -> None:
    """--csv prints one row per month whose figures are the Projection's series."""
    argv = [*ESTIMATE, "--requests-per-month", "3e6"]
    series = _projection(argv, capsys)["series"]
    assert isinstance(series, list)
    rows = list(csv.DictReader(io.StringIO(_run([*argv, "--csv"], capsys))))
    assert len(rows) == len(series)
    for row, point in zip(rows, series, strict=True):
        assert float(row["month"]) == point["month"]
        assert float(row["base_cumulative_usd"]) == point["base_cumulative_usd"]
        assert float(row["fine_tuned_cumulative_usd"]) == point["fine_tuned_cumulative_usd"]
        assert row["training_event"] == str(point["training_event"]).lower()


def test_html_report_is_self_contained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--html writes one page: verdict, chart SVG, latency, warnings, prices with sources."""
    report = tmp_path / "report.html"
    _run([*ESTIMATE, "--requests-per-month", "3e6", "--html", str(report)], capsys)
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>")
    for needle in ("Fine-tuning pays:", "<svg", "Latency", "no_data_residency", "Assumptions"):
        assert needle in page
    assert "https://github.com/guygregory/modelmeters.com" in page  # a price's source
    assert "2025-08-25" in page  # its as-of date
    for external in ("<script", "src=", "href=", "@import", "url("):
        assert external not in page


def test_html_to_an_unwritable_path_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --html path that cannot be written is a domain error (exit 1), not a traceback."""
    target = tmp_path / "missing" / "report.html"
    code = main([*ESTIMATE, "--requests-per-month", "3e6", "--html", str(target)])
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.browser
def test_html_report_opens_offline_in_chromium(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Chromium, with every request blocked, shows the report and its chart's two lines."""
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    _run([*ESTIMATE, "--requests-per-month", "3e6", "--html", str(report)], capsys)
    requested: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.route("**/*", lambda r: (requested.append(r.request.url), r.continue_()))
            page.goto(report.as_uri())
            assert page.locator("svg#chart polyline").count() == 2
            assert page.locator("svg#chart").bounding_box()["width"] > 300
            assert "Break-even: month 1" in (page.locator("svg#chart").text_content() or "")
            assert page.locator("#verdict").inner_text().startswith("Fine-tuning pays")
        finally:
            browser.close()
    assert requested == [report.as_uri()]  # the page itself, nothing else


PLAN = """\
model = "gpt-4.1-mini"
[training]
tokens_per_epoch = 1_000_000
[traffic]
requests_per_month = 3_000_000
[base]
prompt_tokens = 2500
output_tokens = 200
[fine_tuned]
prompt_tokens = 500
"""


@pytest.mark.parametrize(
    "variants",
    [
        ["--tiers", "standard,global,developer", "--deployments", "global,standard"],
        [
            "--tiers",
            "standard,global",
            "--deployments",
            "global,standard",
            "--regions",
            "reference,swedencentral",
            "--models",
            "gpt-4.1-mini,gpt-4o-mini,gpt-4.1-nano",
        ],
    ],
    ids=["two-columns-vary", "all-vary"],
)
def test_compare_shows_training_net_and_warnings_in_80_columns(
    variants: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every row's training cost and monthly net are shown, with the warnings, within 80."""
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN)
    argv = ["compare", *variants, "--scenario", str(plan)]
    result = _projection(argv, capsys)
    text = _run(argv, capsys)
    assert all(len(line) <= 80 for line in text.splitlines()), text
    rows = result["rows"]
    assert isinstance(rows, list)
    lines = text.splitlines()
    for row in rows:
        figures = f"{compact_money(row['training_usd'])}  "
        net = compact_money(row["monthly_net_savings_usd"])
        assert any(figures in line and net in line for line in lines), (row, text)
    assert "net/month" in text
    assert "training" in text
    codes = {code for row in rows for code in row["warnings"]}
    assert codes
    for code in codes:
        assert f"  - {code}: " in text


def test_sweep_and_compare_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--csv: the sweep grid (one row per point) and the compare rows, figures as in JSON."""
    plan = tmp_path / "plan.toml"
    plan.write_text(PLAN)
    sweep = ["sweep", "--axis", "traffic.requests_per_month=5e5:8e6:4:log", "--scenario", str(plan)]
    grid = _projection(sweep, capsys)
    rows = list(csv.DictReader(io.StringIO(_run([*sweep, "--csv"], capsys))))
    assert [float(r["traffic.requests_per_month"]) for r in rows] == grid["axes"][0]["values"]  # type: ignore[index]
    assert [float(r["horizon_net_savings_usd"]) for r in rows] == grid["horizon_net_savings_usd"]
    compare = ["compare", "--tiers", "standard,global", "--scenario", str(plan)]
    result = _projection(compare, capsys)
    rows = list(csv.DictReader(io.StringIO(_run([*compare, "--csv"], capsys))))
    assert [float(r["monthly_net_savings_usd"]) for r in rows] == [
        r["monthly_net_savings_usd"]
        for r in result["rows"]  # type: ignore[attr-defined]
    ]
