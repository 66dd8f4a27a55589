"""One server process for bench_serve.py: granian or uvicorn, serving ftcost or a bare app.

    python benchmarks/serve_target.py --server granian --app ftcost --workers 2 --port 8123

``--app ftcost`` is exactly what ``ftcost serve`` runs (``ftcost.api.app:app_from_env``, settings
from FTCOST_*, access log on). ``--app bare`` is the baseline: a litestar app whose
``POST /v1/estimate`` reads the body and returns a constant JSON document, nothing else. Both run
under the same server settings: granian as ``ftcost serve`` configures it, uvicorn with uvloop
and httptools; server access logs off (the ftcost app writes its own line per request).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, get, post

FTCOST_APP = "ftcost.api.app:app_from_env"
BARE_APP = "serve_target:bare_app"
CONSTANT = b'{"status":"ok","monthly":{"net_savings_usd":1234.5}}'


@post("/v1/estimate", status_code=200)
async def _bare_estimate(request: Request[Any, Any, Any]) -> Response[bytes]:
    await request.body()
    return Response(CONSTANT, media_type="application/json")


@get("/healthz", sync_to_thread=False)
def _bare_health() -> dict[str, str]:
    return {"status": "ok"}


def bare_app() -> Litestar:
    """The baseline: one constant-JSON POST handler (and /healthz to wait for start-up)."""
    return Litestar(route_handlers=[_bare_estimate, _bare_health], logging_config=None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["granian", "uvicorn"], required=True)
    parser.add_argument("--app", choices=["ftcost", "bare"], required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    target = FTCOST_APP if args.app == "ftcost" else BARE_APP
    if args.server == "granian":
        from ftcost.cli.cmd_serve import granian_server

        granian_server(
            target, host="127.0.0.1", port=args.port, workers=args.workers, log_level="warning"
        ).serve()
    else:
        import uvicorn

        uvicorn.run(
            target,
            host="127.0.0.1",
            port=args.port,
            workers=args.workers,
            factory=True,
            loop="uvloop",
            http="httptools",
            ws="none",
            lifespan="on",
            access_log=False,
            log_level="warning",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
