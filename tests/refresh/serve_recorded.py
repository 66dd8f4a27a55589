"""Serve the recorded Retail Prices API of the refresh tests on 127.0.0.1, for trying the
refresh by hand (the tests start their own server; this file is not collected by pytest).

    .venv/bin/python tests/refresh/serve_recorded.py --port 18914 \\
        --set-price "gpt-4.1-mini FT Training global Tokens=0.0055"
    ftcost catalog refresh --endpoint http://127.0.0.1:18914/api/retail/prices

``--set-price METER=PRICE`` (repeatable) changes every row of a meter (the API's unit, e.g.
USD per 1K tokens), so the refresh has something to report. Ctrl-C stops it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pytest_httpserver import HTTPServer

from conftest import RecordedApi


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=18914)
    ap.add_argument("--set-price", action="append", default=[], metavar="METER=PRICE")
    args = ap.parse_args(argv)
    server = HTTPServer(host="127.0.0.1", port=args.port)
    server.start()
    api = RecordedApi(server)
    for spec in args.set_price:
        meter, _, price = spec.rpartition("=")
        api.set_price(meter, float(price))
    print(f"recorded Retail Prices API at {api.endpoint} (Ctrl-C stops it)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
