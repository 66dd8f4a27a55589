"""Service settings: one frozen Struct, parsed from ``FTCOST_*`` variables by ``from_env``.

``from_env`` takes the mapping to read (``os.environ`` at the edges, a dict in tests), so this
module never touches the process environment itself. Every bad value raises
``InvalidInputError`` whose ``field`` is the variable's name.

==========================  ==============================  ====================================
variable                    default                         meaning
==========================  ==============================  ====================================
FTCOST_HOST                 127.0.0.1                       address ``ftcost serve`` binds to
FTCOST_PORT                 8000                            TCP port (1–65535)
FTCOST_WORKERS              1                               server worker processes (1–64)
FTCOST_PRICING              (none)                          price sheets laid over the shipped
                                                            catalog, separated by ``os.pathsep``
FTCOST_CORS_ORIGINS         (none)                          origins allowed to call the API and
                                                            frame ``/widget``, comma-separated
FTCOST_MAX_BODY_BYTES       1 MiB                           limit of a JSON request body
FTCOST_MAX_DATASET_BYTES    512 MiB                         limit of a streamed JSONL upload
FTCOST_MAX_TRAFFIC_BYTES    1 GiB                           limit of a streamed request log
FTCOST_LOG_LEVEL            info                            debug, info, warning, error
FTCOST_ACCESS_LOG           true                            one log line per request
FTCOST_HEADER_TIMEOUT       10 s                            to receive a request's headers,
                                                            from the connection opening or its
                                                            last answer (so also the keep-alive
                                                            idle timeout); then it is closed
FTCOST_BODY_TIMEOUT         10 s                            longest wait for the next part of a
                                                            request body (408)
FTCOST_REQUEST_TIMEOUT      20 s                            deadline of one request (503)
FTCOST_DATASET_TIMEOUT      600 s                           deadline of a dataset upload (503)
FTCOST_BACKPRESSURE         4096                            connections one worker serves at
                                                            once (the rest wait in the backlog)
FTCOST_MAX_HEAVY            4                               CPU-heavy operations in flight per
                                                            worker (more: 503 + Retry-After)
FTCOST_MAX_SWEEP_POINTS     20000                           grid points of one HTTP sweep (the
                                                            core and CLI allow 1,000,000)
FTCOST_CACHE_BYTES          64 MiB                          per-worker cache of estimate answers
FTCOST_REFRESH_HOURS        (none: no background refresh)   ``serve`` re-reads the Azure Retail
                                                            Prices API this often (hours, > 0)
FTCOST_REFRESH_ENDPOINT     the Retail Prices API           a mirror of it for those refreshes
==========================  ==============================  ====================================

Byte sizes accept a plain number or a binary suffix: ``64k``, ``1m``, ``512MiB``, ``2g``.
Durations are seconds (``2.5``) or carry a unit: ``500ms``, ``10s``, ``2m``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Literal

import msgspec

from ftcost.errors import InvalidInputError

__all__ = ["LogLevel", "Settings", "from_env", "parse_duration", "parse_size"]

LogLevel = Literal["debug", "info", "warning", "error"]

_MIB = 1024 * 1024
_SIZE = re.compile(r"^(?P<num>[0-9]+)\s*(?P<unit>[kmg]?)(?:i?b)?$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": _MIB, "g": 1024 * _MIB}
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")
_DURATION = re.compile(r"^(?P<num>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>ms|s|m)?$", re.IGNORECASE)
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0}
_URL = re.compile(r"^https?://[^\s/]+(?:/\S*)?$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything ``create_app`` and ``ftcost serve`` need to know about their deployment."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    pricing: tuple[str, ...] = ()
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = _MIB
    max_dataset_bytes: int = 512 * _MIB
    max_traffic_bytes: int = 1024 * _MIB
    log_level: LogLevel = "info"
    access_log: bool = True
    header_timeout_s: float = 10.0
    body_timeout_s: float = 10.0
    request_timeout_s: float = 20.0
    dataset_timeout_s: float = 600.0
    backpressure: int = 4096
    max_heavy: int = 4
    max_sweep_points: int = 20_000
    cache_bytes: int = 64 * _MIB
    refresh_hours: float | None = None
    refresh_endpoint: str = ""  # "" is the public API (ftcost.refresh.RETAIL_PRICES_URL)


def parse_size(text: str, *, field: str) -> int:
    """A byte count from ``1048576``, ``64k``, ``1m``, ``512MiB`` or ``2g`` (binary units)."""
    m = _SIZE.match(text.strip())
    if m is None:
        raise InvalidInputError(
            f"{field}={text!r} is not a byte size (e.g. 1048576, 64k, 512m, 2g)", field=field
        )
    value = int(m.group("num")) * _UNITS[m.group("unit").lower()]
    if value < 1:
        raise InvalidInputError(f"{field}={text!r} must be at least 1 byte", field=field)
    return value


def parse_duration(text: str, *, field: str, low: float, high: float) -> float:
    """Seconds from ``10``, ``2.5``, ``500ms``, ``10s`` or ``2m``, between ``low`` and ``high``."""
    m = _DURATION.match(text.strip())
    if m is None:
        raise InvalidInputError(
            f"{field}={text!r} is not a duration (e.g. 10, 2.5, 500ms, 10s, 2m)", field=field
        )
    value = float(m.group("num")) * _SECONDS[(m.group("unit") or "s").lower()]
    if not low <= value <= high:
        raise InvalidInputError(
            f"{field}={text!r} must be between {low:g} and {high:g} seconds", field=field
        )
    return value


def _int(text: str, *, field: str, low: int, high: int) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInputError(f"{field}={text!r} is not a whole number", field=field) from None
    if not low <= value <= high:
        raise InvalidInputError(f"{field}={text!r} must be between {low} and {high}", field=field)
    return value


def _bool(text: str, *, field: str) -> bool:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise InvalidInputError(f"{field}={text!r} is not a boolean (true/false, 1/0)", field=field)


def _origins(text: str, *, field: str) -> tuple[str, ...]:
    out: list[str] = []
    for raw in text.split(","):
        origin = raw.strip().rstrip("/")
        if not origin:
            continue
        if not _ORIGIN.match(origin):
            raise InvalidInputError(
                f"{field}: {raw.strip()!r} is not an origin like https://portal.example.com",
                field=field,
            )
        if origin not in out:
            out.append(origin)
    return tuple(out)


def _hours(text: str, *, field: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise InvalidInputError(f"{field}={text!r} is not a number of hours", field=field) from None
    if not 0.01 <= value <= 24 * 366:  # from 36 seconds to a year
        raise InvalidInputError(f"{field}={text!r} must be between 0.01 and 8784", field=field)
    return value


def _host(text: str, *, field: str) -> str:
    host = text.strip()
    if not host or any(c.isspace() for c in host) or "/" in host:
        raise InvalidInputError(f"{field}={text!r} is not a host name or address", field=field)
    return host


# (variable, attribute, lowest, highest)
_DURATIONS = (
    ("FTCOST_HEADER_TIMEOUT", "header_timeout_s", 0.1, 3600.0),
    ("FTCOST_BODY_TIMEOUT", "body_timeout_s", 0.1, 3600.0),
    ("FTCOST_REQUEST_TIMEOUT", "request_timeout_s", 0.1, 3600.0),
    ("FTCOST_DATASET_TIMEOUT", "dataset_timeout_s", 1.0, 86400.0),
)
_COUNTS = (
    ("FTCOST_BACKPRESSURE", "backpressure", 16, 1_000_000),
    ("FTCOST_MAX_HEAVY", "max_heavy", 1, 256),
    ("FTCOST_MAX_SWEEP_POINTS", "max_sweep_points", 1, 1_000_000),
)


def from_env(env: Mapping[str, str]) -> Settings:
    """Settings from ``FTCOST_*`` entries of ``env``; unset or empty entries keep the default."""

    def get(name: str) -> str | None:
        value = env.get(name)
        return value if value is not None and value.strip() != "" else None

    changes: dict[str, object] = {}
    if (v := get("FTCOST_HOST")) is not None:
        changes["host"] = _host(v, field="FTCOST_HOST")
    if (v := get("FTCOST_PORT")) is not None:
        changes["port"] = _int(v, field="FTCOST_PORT", low=1, high=65535)
    if (v := get("FTCOST_WORKERS")) is not None:
        changes["workers"] = _int(v, field="FTCOST_WORKERS", low=1, high=64)
    if (v := get("FTCOST_PRICING")) is not None:
        changes["pricing"] = tuple(p for p in v.split(os.pathsep) if p.strip())
    if (v := get("FTCOST_CORS_ORIGINS")) is not None:
        changes["cors_origins"] = _origins(v, field="FTCOST_CORS_ORIGINS")
    if (v := get("FTCOST_MAX_BODY_BYTES")) is not None:
        changes["max_body_bytes"] = parse_size(v, field="FTCOST_MAX_BODY_BYTES")
    if (v := get("FTCOST_MAX_DATASET_BYTES")) is not None:
        changes["max_dataset_bytes"] = parse_size(v, field="FTCOST_MAX_DATASET_BYTES")
    if (v := get("FTCOST_MAX_TRAFFIC_BYTES")) is not None:
        changes["max_traffic_bytes"] = parse_size(v, field="FTCOST_MAX_TRAFFIC_BYTES")
    if (v := get("FTCOST_LOG_LEVEL")) is not None:
        level = v.strip().lower()
        if level not in ("debug", "info", "warning", "error"):
            raise InvalidInputError(
                f"FTCOST_LOG_LEVEL={v!r} is not one of debug, info, warning, error",
                field="FTCOST_LOG_LEVEL",
            )
        changes["log_level"] = level
    if (v := get("FTCOST_ACCESS_LOG")) is not None:
        changes["access_log"] = _bool(v, field="FTCOST_ACCESS_LOG")
    for name, attr, low, high in _DURATIONS:
        if (v := get(name)) is not None:
            changes[attr] = parse_duration(v, field=name, low=low, high=high)
    for name, attr, low, high in _COUNTS:
        if (v := get(name)) is not None:
            changes[attr] = _int(v, field=name, low=low, high=high)
    if (v := get("FTCOST_CACHE_BYTES")) is not None:
        changes["cache_bytes"] = parse_size(v, field="FTCOST_CACHE_BYTES")
    if (v := get("FTCOST_REFRESH_HOURS")) is not None:
        changes["refresh_hours"] = _hours(v, field="FTCOST_REFRESH_HOURS")
    if (v := get("FTCOST_REFRESH_ENDPOINT")) is not None:
        if not _URL.match(v.strip()):
            raise InvalidInputError(
                f"FTCOST_REFRESH_ENDPOINT={v!r} is not an http(s) URL",
                field="FTCOST_REFRESH_ENDPOINT",
            )
        changes["refresh_endpoint"] = v.strip()
    return msgspec.structs.replace(Settings(), **changes)
