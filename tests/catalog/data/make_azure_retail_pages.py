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

Second fixture, from the 2026-08-11 Retail Prices snapshot (the catalog's source AGP: PyPI
``azure-genai-prices==0.2.0``, ``azure_genai_prices/data/snapshot.json``, 3,289 items grouped by
meter, price and effective date with a ``regions`` list):

    .venv/bin/python tests/catalog/data/make_azure_retail_pages.py \\
        --snapshot ../research/azure-snapshot-2026-08-11.json

Writes ``tests/catalog/data/azure-retail-2026-08-11/page-N.json``. The snapshot's ``regions`` are
expanded into one item per region (as the API returns them). Trimmed: only the products that
hold the catalog's meters, only the US commercial regions and Sweden Central (the reference
price is the US price; Sweden Central is the catalog's region override for PTU), every item of a
meter the import maps, plus one item of every other meter so that the unmapped path sees real
names (priority, long-context, codex, audio...). The PTU meters, which repeat under the
partner-model products at the same prices, are kept for the product "Azure OpenAI" only.
``skuName`` and ``type`` are filled by the rule above (the snapshot lost them).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "azure-retail"
OUT_SNAPSHOT = HERE / "azure-retail-2026-08-11"
SNAPSHOT_PRODUCTS = {
    "Azure OpenAI",
    "Azure OpenAI Reasoning",
    "Azure OpenAI GPT5",
    "Azure OpenAI PP FT GPT4s",
    "Azure OpenAI OSS Models",
    "Azure Llama Models",
    "Azure Mistral Models",
}
SNAPSHOT_REGIONS = {
    "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus",
    "westus", "westus2", "westus3", "swedencentral",
}  # fmt: skip
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
        "skuName": re.sub(r"( 1M)? (Tokens|Unit)$", "", row["meter"]),
        "unitOfMeasure": row["unit"],
        "type": "Consumption",
    }


def _write_pages(out: Path, items: list[dict[str, object]]) -> None:
    out.mkdir(exist_ok=True)
    for old in out.glob("page-*.json"):
        old.unlink()
    pages = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)]
    for n, page in enumerate(pages, 1):
        link = f"{API}?{FILTER}&$skip={n * PAGE_SIZE}" if n < len(pages) else None
        lines = ",\n".join(json.dumps(item, separators=(",", ":")) for item in page)
        text = (
            '{"BillingCurrency":"USD","CustomerEntityId":"Default","CustomerEntityType":"Retail",'
            f'"Items":[\n{lines}\n],"NextPageLink":{json.dumps(link)},"Count":{len(page)}}}\n'
        )
        (out / f"page-{n}.json").write_text(text, encoding="utf-8")
    print(f"{len(items)} items in {len(pages)} pages -> {out}")


def snapshot(path: str) -> None:
    """Pages from the 2026-08-11 snapshot (see the module docstring)."""
    from ftcost.catalog.azure_meters import MeterUse, classify_meter

    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    rows = []
    for item in data["items"]:
        if item["productName"] not in SNAPSHOT_PRODUCTS:
            continue
        for region in item["regions"]:
            rows.append(
                {
                    "meter": item["meterName"],
                    "product": item["productName"],
                    "unit": item["unitOfMeasure"],
                    "retail_usd": item["retailPrice"],
                    "region": region,
                    "effective": item["effectiveStartDate"][:10],
                }
            )
    rows.sort(key=lambda r: (r["product"], r["meter"], r["region"], r["effective"]))
    chosen, samples = [], set()
    for row in rows:
        use = classify_meter(row["meter"], row["unit"])
        mapped = isinstance(use, MeterUse)
        if mapped and not use.models and row["product"] != "Azure OpenAI":
            continue  # the PTU meters repeat under the partner-model products; keep one product
        if mapped and row["region"] in SNAPSHOT_REGIONS:
            chosen.append(row)
        elif not mapped and row["meter"] not in samples and row["region"] in SNAPSHOT_REGIONS:
            samples.add(row["meter"])
            chosen.append(row)
    _write_pages(OUT_SNAPSHOT, [_item(r) for r in chosen])


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
    _write_pages(OUT, [_item(r) for r in chosen])


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--snapshot":
        snapshot(sys.argv[2])
        sys.exit(0)
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else "../shared/reference/azure-retail-ft-meters-2025-08-25.csv"
    )
