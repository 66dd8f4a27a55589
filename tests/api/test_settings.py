"""Service settings from FTCOST_* variables: defaults, every variable, and every bad value."""

from __future__ import annotations

import logging
import os
from typing import Any

import pytest
from litestar.testing import TestClient

from ftcost.api.app import app_from_env
from ftcost.errors import InvalidInputError
from ftcost.settings import Settings, from_env, parse_size

MIB = 1024 * 1024
JSON = "application/json"


def test_defaults_with_an_empty_environment() -> None:
    """No FTCOST_* variables: loopback, port 8000, one worker, 1 MiB / 512 MiB, access log on,
    and the serving limits' safe defaults."""
    s = from_env({})
    assert s == Settings()
    assert (s.header_timeout_s, s.body_timeout_s, s.request_timeout_s) == (10.0, 10.0, 20.0)
    assert (s.dataset_timeout_s, s.backpressure, s.max_heavy) == (600.0, 4096, 4)
    assert (s.max_sweep_points, s.cache_bytes) == (20_000, 64 * MIB)
    assert (s.host, s.port, s.workers) == ("127.0.0.1", 8000, 1)
    assert (s.pricing, s.cors_origins) == ((), ())
    assert (s.max_body_bytes, s.max_dataset_bytes) == (MIB, 512 * MIB)
    assert (s.log_level, s.access_log) == ("info", True)


def test_unrelated_and_empty_variables_are_ignored() -> None:
    """Other variables and empty FTCOST_* values leave the defaults."""
    env = {"HOST": "0.0.0.0", "PORT": "1", "FTCOST_PORT": "", "FTCOST_WORKERS": "  "}
    assert from_env(env) == Settings()


@pytest.mark.parametrize(
    ("name", "value", "attr", "expected"),
    [
        ("FTCOST_HOST", "0.0.0.0", "host", "0.0.0.0"),
        ("FTCOST_HOST", " ::1 ", "host", "::1"),
        ("FTCOST_PORT", "9001", "port", 9001),
        ("FTCOST_PORT", "65535", "port", 65535),
        ("FTCOST_WORKERS", "4", "workers", 4),
        ("FTCOST_PRICING", f"a.toml{os.pathsep}b.toml", "pricing", ("a.toml", "b.toml")),
        (
            "FTCOST_CORS_ORIGINS",
            "https://a.example.com, http://localhost:5173/,https://a.example.com",
            "cors_origins",
            ("https://a.example.com", "http://localhost:5173"),
        ),
        ("FTCOST_MAX_BODY_BYTES", "2048", "max_body_bytes", 2048),
        ("FTCOST_MAX_BODY_BYTES", "64k", "max_body_bytes", 64 * 1024),
        ("FTCOST_MAX_BODY_BYTES", "2MiB", "max_body_bytes", 2 * MIB),
        ("FTCOST_MAX_DATASET_BYTES", "1g", "max_dataset_bytes", 1024 * MIB),
        ("FTCOST_MAX_DATASET_BYTES", "512 MB", "max_dataset_bytes", 512 * MIB),
        ("FTCOST_LOG_LEVEL", "DEBUG", "log_level", "debug"),
        ("FTCOST_LOG_LEVEL", "warning", "log_level", "warning"),
        ("FTCOST_ACCESS_LOG", "off", "access_log", False),
        ("FTCOST_ACCESS_LOG", "0", "access_log", False),
        ("FTCOST_ACCESS_LOG", "Yes", "access_log", True),
        ("FTCOST_HEADER_TIMEOUT", "5", "header_timeout_s", 5.0),
        ("FTCOST_HEADER_TIMEOUT", "500ms", "header_timeout_s", 0.5),
        ("FTCOST_BODY_TIMEOUT", "2.5s", "body_timeout_s", 2.5),
        ("FTCOST_REQUEST_TIMEOUT", "1m", "request_timeout_s", 60.0),
        ("FTCOST_DATASET_TIMEOUT", "900", "dataset_timeout_s", 900.0),
        ("FTCOST_BACKPRESSURE", "1024", "backpressure", 1024),
        ("FTCOST_MAX_HEAVY", "2", "max_heavy", 2),
        ("FTCOST_MAX_SWEEP_POINTS", "1000", "max_sweep_points", 1000),
        ("FTCOST_CACHE_BYTES", "8m", "cache_bytes", 8 * MIB),
        ("FTCOST_REFRESH_HOURS", "24", "refresh_hours", 24.0),
        ("FTCOST_REFRESH_HOURS", "0.5", "refresh_hours", 0.5),
        (
            "FTCOST_REFRESH_ENDPOINT",
            " http://127.0.0.1:8080/api/retail/prices ",
            "refresh_endpoint",
            "http://127.0.0.1:8080/api/retail/prices",
        ),
    ],
)
def test_each_variable(name: str, value: str, attr: str, expected: Any) -> None:
    """Each FTCOST_* variable sets its setting and only that one."""
    s = from_env({name: value})
    assert getattr(s, attr) == expected
    others = {f: getattr(Settings(), f) for f in Settings.__struct_fields__ if f != attr}
    assert {f: getattr(s, f) for f in others} == others


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FTCOST_HOST", "http://0.0.0.0"),
        ("FTCOST_HOST", "a b"),
        ("FTCOST_PORT", "0"),
        ("FTCOST_PORT", "65536"),
        ("FTCOST_PORT", "80.5"),
        ("FTCOST_PORT", "eighty"),
        ("FTCOST_WORKERS", "0"),
        ("FTCOST_WORKERS", "65"),
        ("FTCOST_WORKERS", "-1"),
        ("FTCOST_CORS_ORIGINS", "portal.example.com"),
        ("FTCOST_CORS_ORIGINS", "https://ok.example.com,*"),
        ("FTCOST_CORS_ORIGINS", "https://a.example.com/path"),
        ("FTCOST_CORS_ORIGINS", "ftp://a.example.com"),
        ("FTCOST_MAX_BODY_BYTES", "0"),
        ("FTCOST_MAX_BODY_BYTES", "-5"),
        ("FTCOST_MAX_BODY_BYTES", "1.5m"),
        ("FTCOST_MAX_BODY_BYTES", "10t"),
        ("FTCOST_MAX_DATASET_BYTES", "lots"),
        ("FTCOST_LOG_LEVEL", "verbose"),
        ("FTCOST_ACCESS_LOG", "maybe"),
        ("FTCOST_HEADER_TIMEOUT", "0"),
        ("FTCOST_HEADER_TIMEOUT", "forever"),
        ("FTCOST_BODY_TIMEOUT", "2h"),
        ("FTCOST_REQUEST_TIMEOUT", "-1"),
        ("FTCOST_DATASET_TIMEOUT", "100000"),
        ("FTCOST_BACKPRESSURE", "8"),
        ("FTCOST_MAX_HEAVY", "0"),
        ("FTCOST_MAX_SWEEP_POINTS", "1000001"),
        ("FTCOST_CACHE_BYTES", "big"),
        ("FTCOST_REFRESH_HOURS", "0"),
        ("FTCOST_REFRESH_HOURS", "-1"),
        ("FTCOST_REFRESH_HOURS", "daily"),
        ("FTCOST_REFRESH_HOURS", "10000"),
        ("FTCOST_REFRESH_ENDPOINT", "prices.azure.com/api/retail/prices"),
        ("FTCOST_REFRESH_ENDPOINT", "ftp://mirror.example.com/prices"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    """A bad value is an InvalidInputError whose field and message name the variable."""
    with pytest.raises(InvalidInputError) as info:
        from_env({name: value})
    assert info.value.field == name
    assert name in info.value.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), ("1k", 1024), ("1K", 1024), ("3kb", 3072), ("1m", MIB), ("2GiB", 2048 * MIB)],
)
def test_parse_size(text: str, expected: int) -> None:
    """Byte sizes take binary suffixes, any case, with or without B / iB."""
    assert parse_size(text, field="X") == expected


def test_app_from_env_applies_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker factory builds its app from FTCOST_* (body limit and CORS allow-list here)."""
    logger = logging.getLogger("ftcost")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    monkeypatch.setenv("FTCOST_MAX_BODY_BYTES", "1k")
    monkeypatch.setenv("FTCOST_CORS_ORIGINS", "https://planner.example.org")
    monkeypatch.setenv("FTCOST_LOG_LEVEL", "warning")
    try:
        app = app_from_env()
        assert logger.level == logging.WARNING
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
    with TestClient(app) as client:
        big = client.post(
            "/v1/estimate", content=b"{" + b" " * 2000 + b"}", headers={"content-type": JSON}
        )
        assert big.status_code == 413
        assert big.json()["limit_bytes"] == 1024
        granted = client.get("/healthz", headers={"origin": "https://planner.example.org"})
        assert granted.headers["access-control-allow-origin"] == "https://planner.example.org"


def test_granian_gets_the_connection_limits() -> None:
    """`ftcost serve` builds granian with HTTP/1.1 only, the header timeout in milliseconds
    and the backpressure from the settings."""
    from granian.constants import HTTPModes

    from ftcost.cli.cmd_serve import granian_server

    settings = from_env({"FTCOST_HEADER_TIMEOUT": "2.5", "FTCOST_BACKPRESSURE": "512"})
    server = granian_server(
        "ftcost.api.app:app_from_env", host="127.0.0.1", port=1, workers=1, settings=settings
    )
    assert server.http == HTTPModes.http1
    assert server.http1_settings.header_read_timeout == 2500
    assert server.backpressure == 512


def test_workers_reuse_the_preloaded_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    """`ftcost serve` parses the catalog once before starting granian; a worker (forked, so
    sharing that memory) builds its app on the same Catalog object when the sheets match."""
    from ftcost.api import app as app_module

    logger = logging.getLogger("ftcost")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    monkeypatch.setattr(app_module, "_preloaded", None)
    try:
        catalog = app_module.preload_catalog(Settings())
        assert app_module.app_from_env().state["services"].catalog is catalog
        monkeypatch.setenv("FTCOST_PRICING", "other.toml")
        monkeypatch.setattr(app_module, "load_catalog", lambda overlays: "fresh")
        assert app_module.app_from_env().state["services"].catalog == "fresh"
    finally:
        logger.handlers[:], logger.level, logger.propagate = saved
