"""Every bad line becomes an issue with its line number; file-level checks; nothing crashes."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from dataset_data import chat_example, chunked, jsonl
from hypothesis import given
from hypothesis import strategies as st

from ftcost.catalog import Catalog, IntFigure, Limits, Price
from ftcost.dataset import DatasetAnalyzer, DatasetReport, analyze_dataset
from ftcost.errors import InvalidInputError

GOOD = json.dumps(
    {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
).encode()

BAD_LINES: list[tuple[str, bytes, str, bool]] = [
    # (id, line, issue code, still counted as an example)
    ("invalid json", b'{"messages": [', "invalid_json", False),
    ("invalid utf-8", b'{"messages": "\xff\xfe"}', "invalid_utf8", False),
    ("not an object", b"[1, 2, 3]", "not_object", False),
    ("a string", b'"just text"', "not_object", False),
    ("missing messages", b'{"prompt": "x"}', "missing_messages", False),
    ("empty messages", b'{"messages": []}', "missing_messages", False),
    ("messages not a list", b'{"messages": {"role": "user"}}', "missing_messages", False),
    (
        "unknown role",
        b'{"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]}',
        "unknown_role",
        True,
    ),
    (
        "no assistant",
        b'{"messages": [{"role": "user", "content": "x"}]}',
        "no_assistant",
        True,
    ),
    (
        "empty content",
        b'{"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "y"}]}',
        "empty_content",
        True,
    ),
    (
        "weight not 0/1",
        b'{"messages": [{"role": "user", "content": "x"}, '
        b'{"role": "assistant", "content": "y", "weight": 2}]}',
        "invalid_weight",
        True,
    ),
    (
        "message not an object",
        b'{"messages": ["x", {"role": "assistant", "content": "y"}]}',
        "message_not_object",
        True,
    ),
    ("blank line", b"   \t", "blank_line", False),
    ("bom inside the file", b"\xef\xbb\xbf" + GOOD, "bom", True),
]


@pytest.mark.parametrize(
    ("line", "code", "counted"),
    [pytest.param(line, code, counted, id=name) for name, line, code, counted in BAD_LINES],
)
def test_bad_line_is_reported_with_its_number(
    line: bytes, code: str, counted: bool, catalog: Catalog
) -> None:
    """A bad line among good ones gives its issue at its own line number."""
    lines = [GOOD] * 11 + [line] + [GOOD] * 3
    report = analyze_dataset([b"\n".join(lines) + b"\n"], catalog=catalog, model="gpt-4.1-mini")
    found = {(i.line, i.code) for i in report.issues if i.code != "duplicate" and i.line}
    assert found == {(12, code)}
    assert report.examples == 14 + int(counted)


def test_bom_on_first_line_is_accepted_silently(catalog: Catalog) -> None:
    """A UTF-8 byte-order mark at the start is skipped without an issue."""
    rng = random.Random(2)
    report = analyze_dataset(
        [jsonl([chat_example(rng) for _ in range(12)], bom=True)],
        catalog=catalog,
        model="gpt-4.1-mini",
    )
    assert report.examples == 12
    assert not any(i.line == 1 for i in report.issues)


def test_crlf_line_endings(catalog: Catalog) -> None:
    """Windows line endings are accepted."""
    rng = random.Random(4)
    data = jsonl([chat_example(rng) for _ in range(12)]).replace(b"\n", b"\r\n")
    report = analyze_dataset([data], catalog=catalog, model="gpt-4.1-mini")
    assert report.examples == 12
    assert not [i for i in report.issues if i.line is not None]


def test_huge_line_is_skipped_while_streaming(catalog: Catalog) -> None:
    """A line over the line limit is reported at its number without being held; later lines
    keep their numbers."""
    rng = random.Random(11)
    good = [json.dumps(chat_example(rng)).encode() for _ in range(12)]
    huge = b'{"messages": [{"role": "user", "content": "' + b"x" * 50_000 + b'"}]}'
    data = b"\n".join([*good[:5], huge, *good[5:], b"{bad"]) + b"\n"
    report = analyze_dataset(
        chunked(data, 1000), catalog=catalog, model="gpt-4.1-mini", max_line_bytes=4096
    )
    assert report.examples == 12
    codes = {(i.line, i.code) for i in report.issues if i.line is not None}
    assert codes == {(6, "line_too_long"), (14, "invalid_json")}
    assert report.lines == 14


def test_huge_line_inside_one_chunk(catalog: Catalog) -> None:
    """A long line that arrives whole inside one chunk is reported too."""
    data = b"\n".join([GOOD] * 10 + [b'{"messages": "' + b"y" * 9000 + b'"}', GOOD]) + b"\n"
    report = analyze_dataset([data], catalog=catalog, model="gpt-4.1-mini", max_line_bytes=4096)
    assert (11, "line_too_long") in {(i.line, i.code) for i in report.issues}


@pytest.mark.parametrize(
    ("data", "match"),
    [(b"", "empty"), (b"\n\n   \n", "only blank lines"), (b"\xef\xbb\xbf", "only blank lines")],
    ids=["empty", "blank lines", "bom only"],
)
def test_empty_file_is_an_error(data: bytes, match: str, catalog: Catalog) -> None:
    """A file with nothing to analyse raises InvalidInputError (one clear error)."""
    with pytest.raises(InvalidInputError, match=match):
        analyze_dataset([data], catalog=catalog, model="gpt-4.1-mini")


def test_empty_validation_file_is_an_error(catalog: Catalog) -> None:
    """An empty validation file is an error that names it."""
    with pytest.raises(InvalidInputError, match="validation file"):
        analyze_dataset([GOOD], catalog=catalog, model="gpt-4.1-mini", validation=[b""])


@pytest.mark.parametrize(
    ("n", "code", "severity"),
    [
        (9, "too_few_examples", "error"),
        (10, "few_examples", "warning"),
        (99, "few_examples", "warning"),
    ],
)
def test_example_count_checks(n: int, code: str, severity: str, catalog: Catalog) -> None:
    """Fewer than 10 examples is an error; fewer than 100 a warning."""
    rng = random.Random(n)
    report = analyze_dataset(
        [jsonl([chat_example(rng) for _ in range(n)])], catalog=catalog, model="gpt-4.1-mini"
    )
    whole = [(i.code, i.severity) for i in report.issues if i.line is None]
    assert whole == [(code, severity)]
    assert report.ok == (severity != "error")


def _limit(value: int) -> IntFigure:
    return IntFigure(value=value, source="S9", as_of=dt.date(2025, 9, 1))


def test_job_token_limit_and_file_size(changed_catalog: Callable[..., Catalog]) -> None:
    """Tokens × epochs over the job limit is an error; a file over the size limit a warning."""
    catalog = changed_catalog(
        "azure",
        "gpt-4.1-mini-2025-04-14",
        limits=Limits(job_tokens=_limit(100), file_bytes=_limit(500), min_examples=_limit(10)),
    )
    rng = random.Random(21)
    report = analyze_dataset(
        [jsonl([chat_example(rng) for _ in range(150)])],
        catalog=catalog,
        model="gpt-4.1-mini",
        provider="azure",
    )
    whole = {i.code: i.severity for i in report.issues if i.line is None}
    assert whole == {"job_tokens_over_limit": "error", "file_too_large": "warning"}
    assert not report.ok
    assert report.limits.training_example_tokens is None
    assert report.truncated_examples == 0


def test_not_found_price_is_unavailable_with_note(
    catalog: Catalog, changed_catalog: Callable[..., Catalog]
) -> None:
    """A tier whose training price is not_found is reported unavailable with the catalog note."""
    entry = next(e for p, e in catalog.models("azure") if e.id == "gpt-4.1-mini-2025-04-14")
    prices = [
        p
        if not (p.kind == "training" and p.tier == "developer")
        else Price(
            kind="training",
            tier="developer",
            source="S2",
            as_of=p.as_of,
            status="not_found",
            note="no developer training meter was found",
        )
        for p in entry.prices
    ]
    changed = changed_catalog("azure", entry.id, prices=prices)
    rng = random.Random(22)
    report = analyze_dataset(
        [jsonl([chat_example(rng) for _ in range(20)])],
        catalog=changed,
        model="gpt-4.1-mini",
        provider="azure",
    )
    dev = next(c for c in report.cost if c.tier == "developer")
    assert not dev.available
    assert dev.usd is None
    assert "no developer training meter was found" in dev.note
    assert all(c.available for c in report.cost if c.tier != "developer")


def test_method_the_model_lacks(catalog: Catalog) -> None:
    """DPO data for a model without DPO is an error; its tiers say why they have no cost."""
    example = {
        "input": {"messages": [{"role": "user", "content": "x"}]},
        "preferred_output": [{"role": "assistant", "content": "a"}],
        "non_preferred_output": [{"role": "assistant", "content": "b"}],
    }
    report = analyze_dataset(
        [jsonl([example] * 12)], catalog=catalog, model="gpt-4o-mini", provider="azure"
    )
    assert report.format == "dpo"
    assert ("method_unsupported", "error") in {(i.code, i.severity) for i in report.issues}
    assert all(not c.available for c in report.cost)


# ---------------------------------------------------------------------------------------------
# Properties

_GOOD_EXAMPLES = st.builds(
    lambda seed: json.dumps(chat_example(random.Random(seed)), ensure_ascii=False).encode(),
    st.integers(0, 10_000),
)
_ANY_LINE = st.one_of(
    st.binary(max_size=60),
    st.text(max_size=60).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=8,
    ).map(lambda v: json.dumps(v).encode()),
    st.just(b'{"messages": [{"role": "assistant"}]}'),
    st.just(b'{"messages": [{"role": "user", "content": [{"type": "video"}]}]}'),
).map(lambda b: b.replace(b"\n", b" "))


def _is_example(line: bytes) -> bool:
    """Independent oracle: a JSON object whose ``messages`` is a non-empty list."""
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(obj, dict) and isinstance(obj.get("messages"), list) and bool(obj["messages"])


@given(
    lines=st.lists(st.one_of(_GOOD_EXAMPLES, _ANY_LINE), min_size=1, max_size=40),
    cut=st.integers(1, 300),
)
def test_arbitrary_lines_never_crash_and_bad_lines_are_reported(
    lines: list[bytes], cut: int, catalog: Catalog
) -> None:
    """Any lines, in any chunking: no crash; every line that is not an example has an issue at
    its line number; the example count matches an independent oracle."""
    data = b"\n".join(lines) + b"\n"
    try:
        report = analyze_dataset(chunked(data, cut), catalog=catalog, model="gpt-4.1-mini")
    except InvalidInputError:
        assert not any(line.strip(b" \t\r\x0b\x0c\xef\xbb\xbf") for line in lines)
        return
    flagged = {i.line for i in report.issues if i.line is not None}
    for number, line in enumerate(lines, 1):
        if not _is_example(line):
            assert number in flagged, (number, line)
    assert report.examples == sum(_is_example(line) for line in lines)
    assert report.lines == len(lines)


@given(cuts=st.lists(st.integers(1, 5000), min_size=1, max_size=8))
def test_chunking_does_not_change_the_report(cuts: list[int], catalog: Catalog) -> None:
    """The same bytes cut anywhere (inside lines, inside UTF-8 sequences) give the same report."""
    rng = random.Random(77)
    data = jsonl([chat_example(rng) for _ in range(40)], bom=True) + b"[1]\n{oops\n" + GOOD
    whole = analyze_dataset([data], catalog=catalog, model="gpt-4.1-mini")
    pieces, start = [], 0
    for c in sorted(set(cuts)):
        pieces.append(data[start:c])
        start = c
    pieces.append(data[start:])
    again = analyze_dataset(pieces, catalog=catalog, model="gpt-4.1-mini")
    assert msgspec.json.encode(again) == msgspec.json.encode(whole)


def test_small_batches_and_workers_agree(catalog: Catalog) -> None:
    """Worker processes and tiny batches give exactly the in-process report."""
    rng = random.Random(31)
    data = jsonl([chat_example(rng) for _ in range(400)]) + b"{bad\n[]\n" + GOOD + b"\n"

    def run(**kw: Any) -> DatasetReport:
        with DatasetAnalyzer(catalog=catalog, model="gpt-4.1-mini", **kw) as a:
            for chunk in chunked(data, 3001):
                a.feed(chunk)
            return a.finish()

    one = run()
    assert msgspec.json.encode(run(batch_bytes=2000)) == msgspec.json.encode(one)
    assert msgspec.json.encode(run(batch_bytes=2000, workers=2)) == msgspec.json.encode(one)


def test_bad_options_raise(catalog: Catalog) -> None:
    """Epochs out of range, an unknown format or zero workers are errors naming the option."""
    for kw, field in (
        ({"epochs": 0}, "epochs"),
        ({"epochs": True}, "epochs"),
        ({"format": "csv"}, "format"),
        ({"workers": 0}, "workers"),
    ):
        with pytest.raises(InvalidInputError) as info:
            DatasetAnalyzer(catalog=catalog, model="gpt-4.1-mini", **kw)
        assert info.value.field == field
