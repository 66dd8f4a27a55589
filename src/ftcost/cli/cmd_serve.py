"""``ftcost serve`` (the HTTP API under granian) and ``ftcost openapi`` (the committed spec).

Both import the API lazily, inside the handler, so the rest of the CLI never loads litestar.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

import msgspec

from ftcost.cli._common import add_pricing
from ftcost.errors import InvalidInputError
from ftcost.settings import Settings, from_env

__all__ = ["check_address", "granian_server", "register"]

APP_FACTORY = "ftcost.api.app:app_from_env"
DEFAULT_SPEC = Path("openapi") / "openapi.json"
_SPARE_FDS = 256  # descriptors a worker needs besides its connections


def register(sub: Any) -> None:
    """Add ``serve`` and ``openapi`` to the CLI."""
    serve = sub.add_parser(
        "serve",
        help="run the HTTP API (OpenAPI at /openapi.json, docs at /docs)",
        description=(
            "Run the HTTP API with granian. Settings come from FTCOST_* environment variables "
            "(FTCOST_HOST, FTCOST_PORT, FTCOST_WORKERS, FTCOST_PRICING, FTCOST_CORS_ORIGINS, "
            "FTCOST_MAX_BODY_BYTES, FTCOST_MAX_DATASET_BYTES, FTCOST_LOG_LEVEL, "
            "FTCOST_ACCESS_LOG, FTCOST_HEADER_TIMEOUT, FTCOST_BODY_TIMEOUT, "
            "FTCOST_REQUEST_TIMEOUT, FTCOST_DATASET_TIMEOUT, FTCOST_BACKPRESSURE, "
            "FTCOST_MAX_HEAVY, FTCOST_MAX_SWEEP_POINTS, FTCOST_CACHE_BYTES, "
            "FTCOST_REFRESH_HOURS, FTCOST_REFRESH_ENDPOINT); options given here win over them. "
            "The sheet of `ftcost catalog refresh` is laid over the shipped catalog when "
            "present; with FTCOST_REFRESH_HOURS the service re-reads the Azure Retail Prices API "
            "that often and swaps in the new prices once they validate."
        ),
    )
    serve.add_argument("--host", help="address to bind (default: FTCOST_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default: FTCOST_PORT or 8000)")
    serve.add_argument(
        "--workers", type=int, help="worker processes, 1-64 (default: FTCOST_WORKERS or 1)"
    )
    add_pricing(serve)
    serve.set_defaults(func=_serve)

    spec = sub.add_parser(
        "openapi",
        help="write the OpenAPI document of the HTTP API",
        description="Write the app's OpenAPI 3.1 document (default: openapi/openapi.json).",
    )
    spec.add_argument(
        "--output",
        "-o",
        type=Path,
        default=DEFAULT_SPEC,
        help="where to write it ('-' for stdout; default: openapi/openapi.json)",
    )
    spec.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the file differs from the app's document",
    )
    spec.set_defaults(func=_openapi)


def _settings(args: argparse.Namespace) -> Settings:
    env = dict(os.environ)
    if args.host is not None:
        env["FTCOST_HOST"] = args.host
    if args.port is not None:
        env["FTCOST_PORT"] = str(args.port)
    if args.workers is not None:
        env["FTCOST_WORKERS"] = str(args.workers)
    if args.pricing:
        paths = [*filter(None, env.get("FTCOST_PRICING", "").split(os.pathsep))]
        env["FTCOST_PRICING"] = os.pathsep.join([*paths, *(str(p) for p in args.pricing)])
    settings = from_env(env)
    # The workers build their app from the environment: hand them exactly these settings.
    os.environ.update({k: v for k, v in env.items() if k.startswith("FTCOST_")})
    return settings


def granian_server(
    factory: str,
    *,
    host: str,
    port: int,
    workers: int,
    log_level: str = "info",
    settings: Settings | None = None,
) -> Any:
    """The granian server ``ftcost serve`` runs (``factory`` is "module:callable" of an app).

    One place for the server settings, so the serving benchmark and the hostile-client tests
    run exactly these. HTTP/1.1 only: granian's HTTP/2 detection waits for a client's first
    bytes with no timeout, so a connection that sends nothing would be held forever; with
    HTTP/1.1 the header-read timeout runs from the moment a connection opens (and again after
    each answer, which makes it the keep-alive idle timeout too). ``backpressure`` bounds the
    connections one worker serves at once; the body-read timeout and the request deadline are
    enforced by the app (``ftcost.api.limits``).
    """
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    settings = settings or Settings()
    return Server(
        factory,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        factory=True,
        loop=Loops.auto,
        http=HTTPModes.http1,
        websockets=False,
        backlog=max(1024, min(settings.backpressure, 65535)),
        backpressure=settings.backpressure,
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, round(settings.header_timeout_s * 1000)),
            keep_alive=True,
        ),
        log_enabled=True,
        log_level=LogLevels(log_level),
        log_access=False,  # the app writes its own access line, with the request id
    )


def check_address(host: str, port: int) -> None:
    """Raise ``InvalidInputError`` unless ``host:port`` is free to listen on.

    The probe binds without SO_REUSEPORT, so it also fails when another server holds the
    port with SO_REUSEPORT (as granian's workers do): two servers never share a port.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InvalidInputError(
            f"cannot serve on {host}:{port}: {exc.strerror}", field="FTCOST_HOST"
        ) from None
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(addr)
        except OSError as exc:
            why = (
                "the address is already in use (another server is listening there)"
                if exc.errno == errno.EADDRINUSE
                else (exc.strerror or str(exc)).lower()
            )
            raise InvalidInputError(
                f"cannot serve on {host}:{port}: {why}", field="FTCOST_PORT"
            ) from None


def _raise_file_limit(settings: Settings) -> Settings:
    """Let each worker hold ``backpressure`` connections (one descriptor each) and its files.

    Raises the soft RLIMIT_NOFILE towards the hard one; when the hard limit is lower, the
    backpressure is lowered to fit (the rest of the connections wait in the backlog).
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return settings
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = settings.backpressure + _SPARE_FDS
    if hard != resource.RLIM_INFINITY and hard < needed:
        needed = hard
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
        soft = needed
    if soft != resource.RLIM_INFINITY and soft < settings.backpressure + _SPARE_FDS:
        fitted = max(16, soft - _SPARE_FDS)
        print(
            f"ftcost: the open-file limit is {soft}: FTCOST_BACKPRESSURE lowered from "
            f"{settings.backpressure} to {fitted}",
            file=sys.stderr,
        )
        return msgspec.structs.replace(settings, backpressure=fitted)
    return settings


def _serve(args: argparse.Namespace) -> int:
    from ftcost.api.app import create_app, preload_catalog

    settings = _raise_file_limit(_settings(args))
    # Fail fast, once, on a bad price sheet or setting; forked workers reuse this catalog.
    create_app(settings, catalog=preload_catalog(settings))
    check_address(settings.host, settings.port)
    print(
        f"ftcost: serving on http://{settings.host}:{settings.port} "
        f"({settings.workers} worker{'s' if settings.workers != 1 else ''}; "
        "docs at /docs, OpenAPI at /openapi.json)",
        file=sys.stderr,
        flush=True,
    )
    granian_server(
        APP_FACTORY,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        settings=settings,
    ).serve()
    return 0


def _document() -> str:
    from ftcost.api.app import create_app, openapi_document

    doc = openapi_document(create_app())
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _openapi(args: argparse.Namespace) -> int:
    text = _document()
    out: Path = args.output
    if args.check:
        try:
            current = out.read_text(encoding="utf-8")
        except OSError:
            current = ""
        if current != text:
            print(
                f"ftcost: {out} differs from the app's OpenAPI document; "
                "regenerate it with: ftcost openapi",
                file=sys.stderr,
            )
            return 1
        return 0
    if str(out) == "-":
        sys.stdout.write(text)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"ftcost: wrote {out}", file=sys.stderr)
    return 0
