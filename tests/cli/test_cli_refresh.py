"""``ftcost catalog refresh``, ``catalog diff`` and ``catalog info`` with a refreshed sheet.

The API is the recorded one of ``tests/refresh`` on 127.0.0.1, with one price changed: the
gpt-4.1-mini global training meter at 0.0055 per 1K tokens instead of 0.005.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from ftcost.cli import main
from ftcost.refresh import default_sheet_path

from ..refresh.conftest import RecordedApi

MINI = "gpt-4.1-mini-2025-04-14"
TODAY = dt.date.today().isoformat()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def endpoint(httpserver: HTTPServer) -> str:
    api = RecordedApi(httpserver)
    api.set_price("gpt-4.1-mini FT Training global Tokens", 0.0055)
    return api.endpoint


def test_refresh_then_models_shows_the_new_price(
    capsys: pytest.CaptureFixture[str], endpoint: str
) -> None:
    """The issue's "done when": refresh, then `models` shows the price with today's as-of, and
    `catalog diff` lists it."""
    code, out, _ = _run(capsys, "catalog", "refresh", "--endpoint", endpoint)
    assert code == 0
    assert f"wrote {default_sheet_path()}" in out
    assert "1 changed, 0 added, 0 removed" in out
    code, out, _ = _run(capsys, "models", MINI, "--json")
    assert code == 0
    record = json.loads(out)
    text = json.dumps(record)
    assert "ARP-refresh" in text
    code, out, _ = _run(capsys, "models", MINI)
    line = next(x for x in out.splitlines() if x.split()[:3] == ["training", "global", "-"])
    assert "$5.50/1M tok" in line
    assert TODAY in line
    code, out, _ = _run(capsys, "catalog", "diff", "--json")
    assert code == 0
    diff = json.loads(out)
    got = [
        (c["change"], c["model"], c["kind"], c["tier"], c["old"], c["new"]) for c in diff["changes"]
    ]
    assert got == [("changed", MINI, "training", "global", 5.0, 5.5)]


def test_dry_run_and_out(capsys: pytest.CaptureFixture[str], endpoint: str, tmp_path: Path) -> None:
    """--dry-run writes nothing; --out writes elsewhere, and that file is not laid over."""
    code, out, _ = _run(capsys, "catalog", "refresh", "--endpoint", endpoint, "--dry-run")
    assert code == 0
    assert "(dry run)" in out
    assert not default_sheet_path().exists()
    target = tmp_path / "mirror.toml"
    code, out, _ = _run(capsys, "catalog", "refresh", "--endpoint", endpoint, "--out", str(target))
    assert code == 0
    assert target.is_file()
    assert not default_sheet_path().exists()
    code, out, _ = _run(capsys, "catalog", "validate", str(target))
    assert code == 0
    code, out, _ = _run(capsys, "catalog", "diff", "shipped", str(target))
    assert "changed  azure     gpt-4.1-mini-2025-04-14  training  global" in out


def test_info_names_the_active_sheet(capsys: pytest.CaptureFixture[str], endpoint: str) -> None:
    """Without a sheet `catalog info` says how to get one; with one, its path and age."""
    _, out, _ = _run(capsys, "catalog", "info")
    assert "Refreshed sheet: none" in out
    assert "ftcost catalog refresh" in " ".join(out.split())
    _run(capsys, "catalog", "refresh", "--endpoint", endpoint)
    _, out, _ = _run(capsys, "catalog", "info")
    assert "Refreshed sheet (active" in out
    assert "0 days old" in out
    assert str(default_sheet_path()) in out


def test_diff_without_a_sheet_is_a_domain_error(capsys: pytest.CaptureFixture[str]) -> None:
    """No refreshed sheet and no arguments: exit 1 with how to refresh."""
    code, _, err = _run(capsys, "catalog", "diff")
    assert code == 1
    assert "ftcost catalog refresh" in err


def test_failed_refresh_exit_code(
    capsys: pytest.CaptureFixture[str], httpserver: HTTPServer
) -> None:
    """A server that only errs: exit 1, one line naming the status, no sheet."""
    httpserver.expect_request("/api/retail/prices").respond_with_data("no", status=404)
    code, _, err = _run(
        capsys, "catalog", "refresh", "--endpoint", httpserver.url_for("/api/retail/prices")
    )
    assert code == 1
    assert "HTTP 404" in err
    assert not default_sheet_path().exists()
