"""Bad price sheets are rejected with an error naming the file and the field path.

Each case edits one line of a small valid sheet; the expected path is written by hand from the
sheet's layout (``models[0]`` is the only model, ``prices[0]`` its first price).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ftcost.catalog import load_catalog, parse_catalog
from ftcost.errors import CatalogError

GOOD = """\
schema_version = 1
provider = "azure"
version = "acme-2026-01"
currency = "USD"

[[sources]]
id = "Q1"
title = "Acme enterprise agreement, schedule B"
date = "2026-01-15"

[[models]]
id = "acme-model"
encoding = "o200k_base"
methods = ["sft"]
tiers = ["global"]
deployments = ["global"]
prices = [
  { kind = "training", tier = "global", value = 4.0, source = "Q1", as_of = 2026-01-15 },
  { kind = "input", tier = "global", variant = "fine_tuned", value = 0.3, source = "Q1", \
as_of = 2026-01-15 },
]

[models.limits]
training_example_tokens = { value = 65536, source = "Q1", as_of = 2026-01-15 }

[models.latency]
t0_s = { p10 = 0.2, p50 = 0.4, p90 = 0.8, source = "Q1", as_of = 2026-01-15 }
prefill_s_per_1k = { p10 = 0.04, p50 = 0.1, p90 = 0.2, source = "Q1", as_of = 2026-01-15 }
decode_tokens_per_s = { p10 = 50.0, p50 = 80.0, p90 = 120.0, source = "Q1", as_of = 2026-01-15 }
"""

TRAIN = '{ kind = "training", tier = "global", value = 4.0, source = "Q1", as_of = 2026-01-15 }'
INPUT = (
    '{ kind = "input", tier = "global", variant = "fine_tuned", value = 0.3, source = "Q1", '
    "as_of = 2026-01-15 }"
)
T0 = 't0_s = { p10 = 0.2, p50 = 0.4, p90 = 0.8, source = "Q1", as_of = 2026-01-15 }'

# (case id, text to replace, replacement, expected field path, words the message contains)
CASES: list[tuple[str, str, str, str, str]] = [
    ("unknown top-level field", 'currency = "USD"', 'currency = "USD"\ncolour = "red"',
     "colour", "unknown field"),
    ("unknown price field", TRAIN, TRAIN.replace("value = 4.0", "value = 4.0, discount = 0.1"),
     "models[0].prices[0].discount", "unknown field"),
    ("unknown model field", 'encoding = "o200k_base"', 'encoding = "o200k_base"\nsize = "xl"',
     "models[0].size", "unknown field"),
    ("negative price", TRAIN, TRAIN.replace("4.0", "-4.0"),
     "models[0].prices[0].value", ">= 0"),
    ("infinite price", TRAIN, TRAIN.replace("4.0", "inf"),
     "models[0].prices[0].value", "<= 1000000000.0"),
    ("price that overflows a cost", TRAIN, TRAIN.replace("4.0", "1e308"),
     "models[0].prices[0].value", "<= 1000000000.0"),
    ("nan price", TRAIN, TRAIN.replace("4.0", "nan"),
     "models[0].prices[0].value", ">= 0"),
    ("price as text", TRAIN, TRAIN.replace("4.0", '"4.0"'),
     "models[0].prices[0].value", "Expected `float"),
    ("bad as_of date", TRAIN, TRAIN.replace("2026-01-15", '"2026-13-45"'),
     "models[0].prices[0].as_of", "date"),
    ("date as a number", TRAIN, TRAIN.replace("as_of = 2026-01-15", "as_of = 20260115"),
     "models[0].prices[0].as_of", "Expected `date`"),
    ("missing source", TRAIN, TRAIN.replace('source = "Q1", ', ""),
     "models[0].prices[0].source", "missing required field `source`"),
    ("missing as_of", TRAIN, TRAIN.replace(", as_of = 2026-01-15", ""),
     "models[0].prices[0].as_of", "missing required field `as_of`"),
    ("source id not in the table", TRAIN, TRAIN.replace('"Q1"', '"Q9"'),
     "models[0].prices[0].source", "'Q9' is not in the sources table"),
    ("limit source not in the table", 'training_example_tokens = { value = 65536, source = "Q1"',
     'training_example_tokens = { value = 65536, source = "Q7"',
     "models[0].limits.training_example_tokens.source", "not in the sources table"),
    ("derived without a rule", TRAIN,
     TRAIN.replace("value = 4.0", 'value = 4.0, status = "derived"'),
     "models[0].prices[0].rule", "must state its rule"),
    ("derived latency without a rule", T0,
     T0.replace('source = "Q1"', 'source = "Q1", status = "derived"'),
     "models[0].latency.t0_s.rule", "must state its rule"),
    ("verified price without a value", TRAIN, TRAIN.replace("value = 4.0, ", ""),
     "models[0].prices[0].value", "missing value"),
    ("not_found with a value", TRAIN,
     TRAIN.replace("value = 4.0", 'value = 4.0, status = "not_found", note = "none"'),
     "models[0].prices[0].value", "has no value"),
    ("not_found without a note", TRAIN,
     TRAIN.replace("value = 4.0, ", 'status = "not_found", '),
     "models[0].prices[0].note", "must say what is missing"),
    ("token price without a variant", INPUT, INPUT.replace('variant = "fine_tuned", ', ""),
     "models[0].prices[1].variant", "needs a variant"),
    ("training price with a variant", TRAIN, TRAIN.replace("value", 'variant = "base", value'),
     "models[0].prices[0].variant", "takes no variant"),
    ("unknown price kind", TRAIN, TRAIN.replace('"training"', '"fine_tuning"'),
     "models[0].prices[0].kind", "Invalid enum value 'fine_tuning'"),
    ("unknown tier", TRAIN, TRAIN.replace('tier = "global"', 'tier = "premium"'),
     "models[0].prices[0].tier", "Invalid enum value 'premium'"),
    ("region with spaces", TRAIN, TRAIN.replace("value", 'region = "Sweden Central", value'),
     "models[0].prices[0].region", "Expected `str` matching regex"),
    ("repeated price key", INPUT, f"{INPUT},\n  {INPUT.replace('0.3', '0.4')}",
     "models[0].prices[2]", "repeats the price at models[0].prices[1]"),
    ("effective_to before effective_from", TRAIN,
     TRAIN.replace("as_of = 2026-01-15", "as_of = 2026-01-15, effective_from = 2026-02-01, "
                   "effective_to = 2026-01-01"),
     "models[0].prices[0].effective_to", "before effective_from"),
    ("percentiles out of order", T0, T0.replace("p10 = 0.2", "p10 = 0.5"),
     "models[0].latency.t0_s", "p10 <= p50 <= p90"),
    ("negative limit", "value = 65536", "value = -1",
     "models[0].limits.training_example_tokens.value", ">= 0"),
    ("currency not an ISO code", 'currency = "USD"', 'currency = "dollars"',
     "currency", "matching regex"),
    ("unknown provider", 'provider = "azure"', 'provider = "aws"',
     "provider", "Invalid enum value 'aws'"),
    ("schema version 2", "schema_version = 1", "schema_version = 2",
     "schema_version", "Invalid enum value 2"),
    ("duplicate source id", 'date = "2026-01-15"\n',
     'date = "2026-01-15"\n\n[[sources]]\nid = "Q1"\ntitle = "again"\n',
     "sources", "duplicate source id 'Q1'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "where", "words"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_bad_sheet_names_file_and_field(
    tmp_path: Path, old: str, new: str, where: str, words: str
) -> None:
    """Loading a bad sheet as an overlay fails with the file name and the field path."""
    assert old in GOOD, "the case must edit a line of the good sheet"
    path = tmp_path / "sheet.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(overlays=[path])
    err = info.value
    assert err.path == str(path)
    assert err.where == where
    assert str(err).startswith(f"{path}: {where}: ")
    assert words in str(err)


def test_good_sheet_loads(tmp_path: Path) -> None:
    """The unedited sheet is valid, so each case above fails because of its one edit."""
    path = tmp_path / "sheet.toml"
    path.write_text(GOOD, encoding="utf-8")
    catalog = load_catalog(overlays=[path])
    entry = next(m for m in catalog.provider("azure").models if m.id == "acme-model")
    assert [p.value for p in entry.prices] == [4.0, 0.3]


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A sheet saved with a UTF-8 byte-order mark loads like one without."""
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    catalog = load_catalog(overlays=[path])
    assert any(m.id == "acme-model" for m in catalog.provider("azure").models)


def test_new_model_without_encoding_is_rejected_after_merging(tmp_path: Path) -> None:
    """An overlay may leave out encoding only for a model it overrides, not for a new one."""
    path = tmp_path / "sheet.toml"
    path.write_text(GOOD.replace('encoding = "o200k_base"\n', ""), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(overlays=[path])
    assert str(info.value).startswith(f"{path}: models[")
    assert info.value.where.endswith(".encoding")


def test_not_toml_names_the_file() -> None:
    """Text that is not TOML is reported with the file name."""
    with pytest.raises(CatalogError) as info:
        parse_catalog(b"provider = \n", source="broken.toml")
    assert str(info.value).startswith("broken.toml: not valid TOML")


def test_not_utf8_names_the_file() -> None:
    """Bytes that are not UTF-8 are reported with the file name, not a traceback."""
    with pytest.raises(CatalogError) as info:
        parse_catalog(b'version = "\xff"\n', source="latin1.toml")
    assert str(info.value).startswith("latin1.toml: ")


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    """A price sheet that does not exist is a catalog error naming the path."""
    path = tmp_path / "absent.toml"
    with pytest.raises(CatalogError) as info:
        load_catalog(overlays=[path])
    assert str(info.value) == f"{path}: cannot read: No such file or directory"
