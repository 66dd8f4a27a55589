"""Shared test set-up: a hypothesis profile, isolation from the caller's FTCOST_* settings."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ftcost",
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("ci", parent=settings.get_profile("ftcost"), max_examples=60)
settings.load_profile("ci" if os.environ.get("CI") else "ftcost")


@pytest.fixture(autouse=True)
def _isolate_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test sees the developer's own FTCOST_* variables or refreshed price sheet: the user
    data directory (platformdirs honours XDG_DATA_HOME) is an empty temporary one."""
    for name in list(os.environ):
        if name.startswith("FTCOST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver listens on 127.0.0.1 (a free port): the runs stay offline."""
    return ("127.0.0.1", 0)
