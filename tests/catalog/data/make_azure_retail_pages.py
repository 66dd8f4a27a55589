"""Build the Azure Retail Prices API fixture pages from the reference meter extract.

Run from the repository root (the reference lives beside the checkout):

    .venv/bin/python tests/catalog/data/make_azure_retail_pages.py \\
        ../shared/reference/azure-retail-ft-meters-2025-08-25.csv

Writes ``tests/catalog/data/azure-retail/page-N.json`` in the API's shape
(``{"Items": [...], "NextPageLink": ..., "Count": n}``, 500 items a page, the last page with
``NextPageLink: null``). Which rows: every row of the products "Azure OpenAI" and "Azure OpenAI
Reasoning" (the meters of the catalog's models, graders and base models) except Batch and Data
Zone meters, plus the first row of every other meter (Batch, Data Zone, Phi, gpt-oss) so that
the import's unmapped path sees real names. Each item has the fields the import reads: from the
CSV meterName, productName, unitOfMeasure, retailPrice, armRegionName and effectiveStartDate;
``skuName`` is the meter name without its trailing unit word (" Tokens", " Unit") and ``type``
is "Consumption" (the CSV does not carry them). The API's other fields are left out to keep the
fixture small; the import ignores them.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "azure-retail"
PAGE_SIZE = 500
MAIN_PRODUCTS = {"Azure OpenAI", "Azure OpenAI Reasoning"}
API = "https://prices.azure.com:443/api/retail/prices"
FILTER = "$filter=serviceName%20eq%20%27Foundry%20Models%27"


def _is_main(row: dict[str, str]) -> bool:
    meter = row["meter"].lower()
    return (
        row["product"] in MAIN_PRODUCTS
        and "batch" not in meter
        and not re.search(r"data ?zone|dzone", meter)
    )


def _item(row: dict[str, str]) -> dict[str, object]:
    return {
        "currencyCode": "USD",
        "retailPrice": float(row["retail_usd"]),
        "armRegionName": row["region"],
        "effectiveStartDate": f"{row['effective']}T00:00:00Z",
        "meterName": row["meter"],
        "productName": row["product"],
        "skuName": re.sub(r" (Tokens|Unit)$", "", row["meter"]),
        "unitOfMeasure": row["unit"],
        "type": "Consumption",
    }


def main(csv_path: str) -> None:
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    chosen, samples = [], set()
    for row in rows:
        if _is_main(row):
            chosen.append(row)
        elif row["meter"] not in samples:
            samples.add(row["meter"])
            chosen.append(row)
    chosen.sort(key=lambda r: (r["product"], r["meter"], r["region"]))
    items = [_item(r) for r in chosen]
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("page-*.json"):
        old.unlink()
    pages = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)]
    for n, page in enumerate(pages, 1):
        link = f"{API}?{FILTER}&$skip={n * PAGE_SIZE}" if n < len(pages) else None
        lines = ",\n".join(json.dumps(item, separators=(",", ":")) for item in page)
        text = (
            '{"BillingCurrency":"USD","CustomerEntityId":"Default","CustomerEntityType":"Retail",'
            f'"Items":[\n{lines}\n],"NextPageLink":{json.dumps(link)},"Count":{len(page)}}}\n'
        )
        (OUT / f"page-{n}.json").write_text(text, encoding="utf-8")
    print(f"{len(items)} items in {len(pages)} pages -> {OUT}")


if __name__ == "__main__":
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else "../shared/reference/azure-retail-ft-meters-2025-08-25.csv"
    )
