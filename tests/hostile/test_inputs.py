"""Reproductions 2, 3 and 8 against a live server: tokenizer panics, deep nesting, body and
header edge cases. Each answer is a problem document or the right result, never a bare 500."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest
from live import HOST, Live, serve

PROBLEM = "application/problem+json"
SPACES = " " * 1_000_427  # tiktoken (o200k) panicked on this
MIXED = "x" + " \t" * 60_000  # a mixed run over the boundary's limit: refused


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    """One server for the module (default settings)."""
    with serve() as server:
        yield server


def _json(body: bytes) -> dict[str, object]:
    doc: dict[str, object] = json.loads(body)
    return doc


def test_count_of_a_million_spaces(live: Live) -> None:
    """POST /v1/tokens/count on ~1 MB of spaces answers the count (128 spaces per token)."""
    body = json.dumps({"model": "gpt-4.1-mini", "text": SPACES}).encode()
    status, _, data = live.post("/v1/tokens/count", body)
    assert status == 200
    assert _json(data)["tokens"] == 7817


def test_estimate_with_a_million_spaces_of_prompt(live: Live) -> None:
    """POST /v1/estimate with the prompt given as that text is counted, not a 500."""
    scenario = {
        "model": "gpt-4.1-mini",
        "training": {"tokens_per_epoch": 100000},
        "traffic": {"requests_per_month": 1000},
        "base": {"prompt": SPACES, "output_tokens": 10},
        "fine_tuned": {"prompt_tokens": 10},
    }
    status, _, data = live.post("/v1/estimate", json.dumps(scenario).encode())
    assert status == 200, data
    assert _json(data)["per_request"] is not None


def test_uncountable_text_is_a_422_problem(live: Live) -> None:
    """A whitespace run the boundary cannot shorten is refused with a 422 problem."""
    body = json.dumps({"model": "gpt-4.1-mini", "text": MIXED}).encode()
    status, headers, data = live.post("/v1/tokens/count", body)
    assert status == 422
    assert headers["content-type"].startswith(PROBLEM)
    assert "whitespace characters" in str(_json(data)["detail"])
    assert "x-request-id" in headers


def test_dataset_line_nested_a_thousand_levels(live: Live) -> None:
    """A JSONL line nested 1,000 levels deep is an invalid_json issue on its line; the rest
    of the report is there."""
    good = json.dumps(
        {
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "hello"},
            ]
        }
    )
    deep = '{"messages": ' + "[" * 1000 + "]" * 1000 + "}"
    body = ("\n".join([good] * 12 + [deep]) + "\n").encode()
    status, _, data = live.post(
        "/v1/datasets/analyze?model=gpt-4.1-mini", body, content_type="application/jsonl"
    )
    assert status == 200, data
    report = _json(data)
    assert report["examples"] == 12
    issues = [i for i in report["issues"] if i["line"] == 13]  # type: ignore[attr-defined]
    assert [(i["code"], i["severity"]) for i in issues] == [("invalid_json", "error")]


def test_gzip_dataset_is_a_415(live: Live) -> None:
    """A dataset sent with Content-Encoding: gzip is refused (415), not analysed as text."""
    status, headers, data = live.post(
        "/v1/datasets/analyze?model=gpt-4.1-mini",
        b"\x1f\x8b\x08\x00" + b"\x00" * 64,
        content_type="application/jsonl",
        headers={"content-encoding": "gzip"},
    )
    assert status == 415
    assert headers["content-type"].startswith(PROBLEM)
    assert _json(data)["accepted"] == ["identity"]


def test_nan_names_the_field(live: Live) -> None:
    """NaN in a body is a 400 naming the field and saying why."""
    body = b'{"model": "gpt-4.1-mini", "traffic": {"requests_per_month": NaN}}'
    status, _, data = live.post("/v1/estimate", body)
    assert status == 400
    doc = _json(data)
    assert doc["field"] == "traffic.requests_per_month"
    assert "NaN and Infinity are not JSON numbers" in str(doc["detail"])


def test_lone_surrogate_is_explained(live: Live) -> None:
    """A lone surrogate escape is a 400 that says so, not 'Input data was truncated'."""
    status, _, data = live.post("/v1/tokens/count", b'{"model": "gpt-4.1-mini", "text": "\\ud800"}')
    assert status == 400
    doc = _json(data)
    assert "surrogate" in str(doc["detail"])
    assert "truncated" not in str(doc["detail"])
    assert doc["field"] == "text"


def test_long_uri_is_a_414_problem(live: Live) -> None:
    """A request target over 8 KiB (but under granian's own limit) is a 414 problem."""
    status, body, _ = live.get("/v1/models?region=" + "a" * 9000)
    assert status == 414
    assert _json(body)["type"] == "https://ftcost.dev/problems/uri-too-long"


def test_many_headers_are_a_431_problem(live: Live) -> None:
    """More than 64 header fields (granian itself answers from 100) is a 431 problem."""
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
    request += b"".join(b"X-Pad-%d: 1\r\n" % i for i in range(80)) + b"\r\n"
    with socket.create_connection((HOST, live.port), timeout=10) as s:
        s.sendall(request)
        answer = s.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431")
    assert b"application/problem+json" in answer
    assert b"headers-too-large" in answer


def test_server_still_answers(live: Live) -> None:
    """After all of the above, the same server is healthy."""
    assert live.get("/healthz")[0] == 200
