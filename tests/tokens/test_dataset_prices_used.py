"""The dataset report names the oldest training price its cost table used."""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from pathlib import Path

from dataset_data import chat_example, jsonl

from ftcost.catalog import load_catalog
from ftcost.dataset import analyze_dataset

AZURE = Path(__file__).resolve().parents[2] / "pricing" / "azure.toml"


def test_report_names_the_oldest_training_price_used() -> None:
    """The minimum as_of of gpt-4.1-mini's SFT training prices (region-less, priced, on an
    offered tier), read from the TOML with tomllib, is the report's prices_used_as_of."""
    raw = tomllib.loads(AZURE.read_text(encoding="utf-8"))
    entry = next(m for m in raw["models"] if m["id"] == "gpt-4.1-mini-2025-04-14")
    dates = [
        p["as_of"]
        for p in entry["prices"]
        if p["kind"] == "training"
        and p.get("region") is None
        and p.get("value") is not None
        and p["tier"] in entry["tiers"]
        and p.get("method") in (None, "sft")
    ]
    rng = random.Random(7)
    data = jsonl([chat_example(rng) for _ in range(20)])
    report = analyze_dataset([data], catalog=load_catalog(), model="gpt-4.1-mini")
    assert isinstance(min(dates), dt.date)
    assert report.catalog.prices_used_as_of == min(dates).isoformat()
    assert report.catalog.prices_age_days is None  # no start date in a dataset report
