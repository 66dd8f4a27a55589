"""``dump_provider_file`` writes TOML that ``parse_catalog`` reads back to the same value."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftcost.catalog import (
    ModelEntry,
    Price,
    ProviderFile,
    Source,
    dump_provider_file,
    parse_catalog,
)
from ftcost.catalog.schema import MAX_FIGURE

PRICING = Path(__file__).resolve().parents[2] / "pricing"


@pytest.mark.parametrize("name", ["azure", "openai"])
def test_shipped_files_round_trip(name: str) -> None:
    """Each shipped catalog file, written out and read back, is unchanged."""
    pf = parse_catalog((PRICING / f"{name}.toml").read_bytes(), source=name)
    text = dump_provider_file(pf, header=["a header", "two lines"])
    assert text.startswith("# a header\n# two lines\n\nschema_version = 1\n")
    assert parse_catalog(text.encode(), source="dump") == pf
    # the text is plain TOML for any reader, and every price is one inline table per line
    raw = tomllib.loads(text)
    assert len(raw["models"]) == len(pf.models)
    n_prices = sum(len(m.prices) for m in pf.models)
    assert sum(1 for line in text.splitlines() if line.startswith("  { kind = ")) == n_prices


def _sheet(note: str, value: float, day: dt.date) -> ProviderFile:
    return ProviderFile(
        schema_version=1,
        provider="azure",
        version="v",
        sources=[Source(id="S", title=note, date=note)],
        models=[
            ModelEntry(
                id="m",
                encoding="o200k_base",
                notes=[note],
                prices=[
                    Price(
                        kind="training",
                        tier="global",
                        value=value,
                        source="S",
                        as_of=day,
                        note=note,
                    )
                ],
            )
        ],
    )


@given(
    note=st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    value=st.floats(min_value=0, max_value=MAX_FIGURE, allow_nan=False, allow_infinity=False),
    day=st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_any_text_number_and_date_round_trip(note: str, value: float, day: dt.date) -> None:
    """Quotes, backslashes, control characters, tiny and huge numbers survive the round trip."""
    pf = _sheet(note, value, day)
    assert parse_catalog(dump_provider_file(pf).encode(), source="dump") == pf
