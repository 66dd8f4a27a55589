"""Invariants of the traffic analysis over generated logs (hypothesis)."""

from __future__ import annotations

import json
from array import array

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from ftcost.catalog import Catalog, load_catalog
from ftcost.traffic import analyze_traffic
from ftcost.traffic.prefix import Unit, common_prefix

_CATALOG: Catalog | None = None


def _catalog() -> Catalog:
    global _CATALOG
    if _CATALOG is None:
        _CATALOG = load_catalog()
    return _CATALOG


_text = st.lists(
    st.sampled_from(["a", "b", " ", "x", ".", "!", "é", "日", "word ", "the ", "\n"]), max_size=20
).map("".join)
_message = st.fixed_dictionaries(
    {"role": st.sampled_from(["system", "user", "assistant", "developer"]), "content": _text}
)
_request = st.fixed_dictionaries(
    {
        "system": st.sampled_from(["Answer briefly.", "You are a classifier. " * 5, ""]),
        "shots": st.lists(st.tuples(_text, _text), max_size=2),
        "history": st.lists(_message, max_size=3),
        "question": _text,
    }
)


def _messages(req: dict[str, object]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    if req["system"]:
        out.append({"role": "system", "content": str(req["system"])})
    for q, a in req["shots"]:  # type: ignore[attr-defined]
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    out += list(req["history"])  # type: ignore[call-overload]
    out.append({"role": "user", "content": str(req["question"])})
    return out


def _log(requests: list[dict[str, object]]) -> bytes:
    lines = [json.dumps({"model": "gpt-4.1", "messages": _messages(r)}) for r in requests]
    return ("\n".join(lines) + "\n").encode()


@given(st.lists(_request, min_size=1, max_size=12), st.booleans())
def test_prefix_never_exceeds_a_members_prompt(
    requests: list[dict[str, object]], keep: bool
) -> None:
    """Every group's prefix is at most the prompt of each of its members, and dropping it never
    raises the fine-tuned prompt above the base (with or without the system instructions)."""
    r = analyze_traffic(
        [_log(requests)], catalog=_catalog(), model="gpt-4.1-mini", keep_system=keep
    )
    for g in r.groups:
        assert g.prefix_tokens <= g.prompt_tokens.min
        assert g.system_prefix_tokens <= g.prefix_tokens
        assert g.variable_prompt_tokens.min >= 0
    s = r.scenario
    assert s.fine_tuned.prompt_tokens <= s.base.prompt_tokens
    assert s.fine_tuned.cached_prompt_tokens <= s.fine_tuned.prompt_tokens
    assert s.base.cached_prompt_tokens <= s.base.prompt_tokens
    assert r.shared_prefix_tokens.max <= r.prompt_tokens.max


_unit = st.tuples(
    st.sampled_from(["system\x00", "user\x00", "assistant\x00"]),
    st.lists(st.integers(0, 3), max_size=4).map(lambda ids: array("I", ids).tobytes()),
    st.integers(3, 10),
).map(lambda t: Unit(header=t[0], ids=t[1], tokens=len(t[1]) // 4 + t[2]))
_units = st.lists(_unit, max_size=4)


@given(_units, _units, _units)
def test_common_prefix_merges_in_any_order(a: list[Unit], b: list[Unit], c: list[Unit]) -> None:
    """The prefix merge is commutative and associative (batches may finish in any order) and
    never longer than either side."""
    assert common_prefix(a, b) == common_prefix(b, a)
    assert common_prefix(a, common_prefix(b, c)) == common_prefix(common_prefix(a, b), c)
    ab = common_prefix(a, b)
    assert sum(u.tokens for u in ab) <= min(sum(u.tokens for u in a), sum(u.tokens for u in b))


_json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip
_keys = st.sampled_from(
    ["messages", "request", "response", "timestamp", "custom_id", "body", "usage", "choices",
     "tools", "model", "ttft_ms", "duration_ms", "created", "role", "content"]
)  # fmt: skip
_record = st.recursive(
    _json_value,
    lambda inner: st.dictionaries(_keys, inner, max_size=5) | st.lists(inner, max_size=3),
    max_leaves=25,
)


@given(st.lists(_record, min_size=1, max_size=8))
def test_any_json_lines_never_crash(records: list[object]) -> None:
    """Whatever JSON the lines hold, the analysis reports problems instead of failing: it
    returns a report or refuses a log with no record, naming why."""
    from ftcost.errors import InvalidInputError

    data = ("\n".join(json.dumps(r) for r in records) + "\n").encode()
    try:
        r = analyze_traffic([data], catalog=_catalog(), model="gpt-4.1-mini")
    except InvalidInputError as exc:
        detail = exc.detail
        r = None
    if r is None:
        assert "no request or response" in detail
        return
    assert r.lines == len(records)
    assert r.scenario.fine_tuned.prompt_tokens <= r.scenario.base.prompt_tokens


_number = (
    st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0, 1, 1e-9, 1e300, 253402300800, 1_767_225_600])
)
_timed = st.fixed_dictionaries(
    {
        "timestamp": _number | st.sampled_from(["2026-01-01T00:00:00Z", "9999-12-31", "x"]),
        "prompt_tokens": _number,
        "completion_tokens": _number,
        "cached": _number,
        "ttft_ms": _number,
        "duration_ms": _number,
        "prompt_words": st.integers(1, 5),
    }
)


@given(st.lists(_timed, min_size=1, max_size=40))
def test_any_numbers_never_crash(rows: list[dict[str, object]]) -> None:
    """Wrapped records with any numbers in their timestamps, usage and timings give a report
    whose scenario estimates (numbers out of range are ignored or clipped)."""
    lines = []
    for i, row in enumerate(rows):
        msgs = [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "word " * int(row["prompt_words"]) + str(i)},
        ]  # type: ignore[call-overload]
        usage = {
            "prompt_tokens": row["prompt_tokens"],
            "completion_tokens": row["completion_tokens"],
            "prompt_tokens_details": {"cached_tokens": row["cached"]},
        }
        response = {"usage": usage, "ttft_ms": row["ttft_ms"], "duration_ms": row["duration_ms"]}
        lines.append(json.dumps({"timestamp": row["timestamp"], "request": {"messages": msgs},
                                 "response": response}))  # fmt: skip
    r = analyze_traffic([("\n".join(lines) + "\n").encode()], catalog=_catalog(),
                        model="gpt-4.1-mini")  # fmt: skip
    assert r.requests == len(rows)
    msgspec.json.encode(r)
