"""Write ``snapshot-subset.json``: a trimmed copy of the 2026-08-11 Retail Prices snapshot.

Source: PyPI wheel ``azure-genai-prices==0.2.0`` (sha256 4fb6082c...de6f), file
``azure_genai_prices/data/snapshot.json`` (``fetched_at`` 2026-08-11T00:57:47), 3,289 rows that
group API items by (productName, meterName, unitOfMeasure, retailPrice, effectiveStartDate)
with their ``regions``. Kept here: the gpt-4.1-mini and o4-mini rows of the "Azure OpenAI" and
"Azure OpenAI Reasoning" products, a handful of rows the importer does not map (gpt-5.4 base,
Data Zone, Batch), and only five regions, so the refresh tests serve a few hundred items.
The tests expand each row into one API item per region (``tests/refresh/conftest.py``, the
rule of ``/work/research/snapshot_to_pages.py``).

    python tests/refresh/data/make_snapshot_subset.py /path/to/azure-snapshot-2026-08-11.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REGIONS = {"eastus", "eastus2", "northcentralus", "swedencentral", "westus3"}
MAPPED = re.compile(r"^(gpt[ -]4\.1[ -]mini|o4-mini)", re.IGNORECASE)
UNMAPPED = re.compile(r"^(5\.4 mini |gpt 4\.1 mini .*(Dz|Batch)|gpt-4\.1-mini-ft .*Dz)", re.I)
PRODUCTS = {"Azure OpenAI", "Azure OpenAI Reasoning", "Azure OpenAI GPT5"}


def main(argv: list[str]) -> int:
    snap = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    rows = []
    for row in snap["items"]:
        if row["productName"] not in PRODUCTS:
            continue
        name = row["meterName"]
        if not (MAPPED.match(name) or UNMAPPED.match(name)):
            continue
        regions = sorted(set(row["regions"]) & REGIONS)
        if regions:
            rows.append({**row, "regions": regions})
    rows.sort(key=lambda r: (r["productName"], r["meterName"], r["effectiveStartDate"]))
    out = {"fetched_at": snap["fetched_at"], "source": "azure-genai-prices 0.2.0", "items": rows}
    text = json.dumps(out, indent=0, sort_keys=True) + "\n"
    (HERE / "snapshot-subset.json").write_text(text, encoding="utf-8")
    print(f"{len(rows)} rows, {sum(len(r['regions']) for r in rows)} items")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
