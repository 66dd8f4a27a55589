"""POST /v1/tokens/count and POST /v1/datasets/analyze through the litestar app, in-process."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

import msgspec
import pytest
import tiktoken
from dataset_data import chat_example, chunked, jsonl
from litestar import Litestar
from litestar.testing import TestClient
from tokens_reference import num_tokens_from_messages, text_tokens

from ftcost.api.app import create_app
from ftcost.catalog import Catalog
from ftcost.dataset import analyze_dataset
from ftcost.settings import Settings
from ftcost.tokens import TokenCounter

SETTINGS = Settings(max_body_bytes=16 * 1024, max_dataset_bytes=200 * 1024, access_log=False)
JSONL = {"content-type": "application/jsonl"}


class CharCounter:
    """A fake TokenCounter: one token per character."""

    def count(self, text: str, encoding: str) -> int:
        return len(text)


@pytest.fixture(scope="module")
def app(catalog: Catalog) -> Litestar:
    """The app with small limits and the real tiktoken counter."""
    return create_app(SETTINGS, catalog=catalog)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    """An in-process client."""
    with TestClient(app) as c:
        yield c


def test_widget_request_shape(client: TestClient[Litestar], o200k: tiktoken.Encoding) -> None:
    """The widget's body {provider, model, text} gets `tokens` and `encoding` back."""
    text = "You are a support agent for Contoso. Answer briefly and cite the policy number. " * 20
    r = client.post(
        "/v1/tokens/count", json={"provider": "azure", "model": "gpt-4.1-mini", "text": text}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["tokens"] == body["text_tokens"] == text_tokens(o200k, text)
    assert body["encoding"] == "o200k_base"
    assert body["model"] == "gpt-4.1-mini-2025-04-14"
    assert body["estimated"] is False
    assert body["catalog"]["version"].startswith("azure-")


def test_messages_tools_and_text(client: TestClient[Litestar], cl100k: tiktoken.Encoding) -> None:
    """Text, messages and tools are summed; the tool part is flagged as an estimate."""
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi", "name": "amy"},
    ]
    tools = [{"type": "function", "function": {"name": "f", "description": "Does f."}}]
    r = client.post(
        "/v1/tokens/count",
        json={"model": "gpt-35-turbo-0125", "text": "extra", "messages": messages, "tools": tools},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["messages_tokens"] == num_tokens_from_messages(cl100k, messages)
    assert body["text_tokens"] == text_tokens(cl100k, "extra")
    tool = 10 + text_tokens(cl100k, "f:Does f") + 12
    assert body["tools_tokens"] == tool
    assert body["tokens"] == body["messages_tokens"] + body["text_tokens"] + tool
    assert body["estimated"] is True
    assert [e["part"] for e in body["estimates"]] == ["tool_definitions"]


def test_injected_counter_is_used(catalog: Catalog) -> None:
    """create_app(counter=...) takes any TokenCounter; counts and analyses go through it."""
    fake: TokenCounter = CharCounter()
    with TestClient(create_app(SETTINGS, catalog=catalog, counter=fake)) as c:
        r = c.post("/v1/tokens/count", json={"model": "gpt-4o", "text": "abcdef"})
        assert r.json()["tokens"] == 6
        line = {
            "messages": [{"role": "user", "content": "abc"}, {"role": "assistant", "content": "de"}]
        }
        r = c.post("/v1/datasets/analyze?model=gpt-4o", content=jsonl([line] * 12), headers=JSONL)
        # per example: (3 + 4 + 3) + (3 + 9 + 2) + 3 characters-as-tokens
        assert r.json()["tokens"]["total"] == 12 * (10 + 14 + 3)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"model": "gpt-4o"}, 422, "text"),
        ({"model": "gpt-4o", "text": 5}, 400, "text"),
        ({"model": "gpt-4o", "text": "x", "colour": "red"}, 400, "colour"),
        ({"model": "gpt-4o", "messages": [{"content": "x"}]}, 400, "messages[0].role"),
        ({"model": "gpt-4o", "messages": [{"role": "user", "content": 3}]}, 400, None),
        ({"model": "gpt-4.1-mimi", "text": "x"}, 404, "model"),
    ],
    ids=["nothing", "text type", "unknown key", "no role", "content type", "unknown model"],
)
def test_count_problems(
    body: dict[str, object], status: int, field: str | None, client: TestClient[Litestar]
) -> None:
    """Bad count requests are 4xx problem documents naming the field."""
    r = client.post("/v1/tokens/count", json=body)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    if field is not None:
        assert field in r.json().get("field", "")


def _file(n: int = 40, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    return jsonl([chat_example(rng) for _ in range(n)]) + b"{oops\n"


def test_analyze_equals_core(client: TestClient[Litestar], catalog: Catalog) -> None:
    """A streamed upload gives the report the core gives for the same bytes."""
    data = _file(150)
    assert len(data) > SETTINGS.max_body_bytes  # over the JSON limit, under the dataset limit
    r = client.post(
        "/v1/datasets/analyze?model=gpt-4.1-mini&epochs=5&provider=openai",
        content=iter(chunked(data, 4096)),
        headers={"content-type": "application/x-ndjson"},
    )
    assert r.status_code == 200
    expected = analyze_dataset(
        [data], catalog=catalog, model="gpt-4.1-mini", provider="openai", epochs=5
    )
    assert r.json() == json.loads(msgspec.json.encode(expected))
    assert r.json()["epochs"]["value"] == 5
    assert (151, "invalid_json") in {(i["line"], i["code"]) for i in r.json()["issues"]}


@pytest.mark.parametrize(
    "media",
    [
        "application/jsonl",
        "text/plain; charset=utf-8",
        "application/x-ndjson",
        "application/octet-stream",
    ],
)
def test_analyze_media_types(media: str, client: TestClient[Litestar]) -> None:
    """JSONL, NDJSON, plain-text and octet-stream uploads are accepted."""
    r = client.post(
        "/v1/datasets/analyze?model=gpt-4o&format=chat",
        content=_file(),
        headers={"content-type": media},
    )
    assert r.status_code == 200
    assert r.json()["format"] == "chat"
    assert r.json()["format_detected"] is False


def test_analyze_too_large_declared(client: TestClient[Litestar]) -> None:
    """A body whose Content-Length is over the dataset limit is a 413 problem."""
    data = b"x" * (SETTINGS.max_dataset_bytes + 1)
    r = client.post("/v1/datasets/analyze?model=gpt-4o", content=data, headers=JSONL)
    assert r.status_code == 413
    assert r.json()["limit_bytes"] == SETTINGS.max_dataset_bytes
    assert r.headers["content-type"].startswith("application/problem+json")


def test_analyze_too_large_streamed(client: TestClient[Litestar]) -> None:
    """A chunked body that grows past the limit is cut off with a 413 problem."""
    data = _file(3000)
    assert len(data) > SETTINGS.max_dataset_bytes
    r = client.post(
        "/v1/datasets/analyze?model=gpt-4o", content=iter(chunked(data, 8192)), headers=JSONL
    )
    assert r.status_code == 413


@pytest.mark.parametrize(
    ("query", "headers", "content", "status"),
    [
        ("model=gpt-4o", {"content-type": "application/json"}, b"{}", 415),
        ("model=gpt-4o", {}, b"{}", 415),
        ("model=gpt-4.1-mimi", JSONL, b"{}", 404),
        ("", JSONL, b"{}", 400),
        ("model=gpt-4o&epochs=0", JSONL, b"{}", 400),
        ("model=gpt-4o&format=csv", JSONL, b"{}", 400),
        ("model=gpt-4o", JSONL, b"", 422),
        ("model=gpt-4o", JSONL, b"\n \n", 422),
    ],
    ids=["json", "no type", "model", "no model", "epochs", "format", "empty", "blank"],
)
def test_analyze_problems(
    query: str,
    headers: dict[str, str],
    content: bytes,
    status: int,
    client: TestClient[Litestar],
) -> None:
    """Wrong media type 415, unknown model 404, bad options 400, nothing to analyse 422."""
    r = client.post(f"/v1/datasets/analyze?{query}", content=content, headers=headers)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    if status == 404:
        assert "gpt-4.1-mini" in r.json()["closest"]


def test_openapi_documents_both_operations(client: TestClient[Litestar]) -> None:
    """Both operations are in the schema; the analyze body is documented as the file's bytes.

    One media type (octet-stream, binary) so that client generators accept the operation; the
    description names the JSONL types the server reads as well.
    """
    doc = client.get("/openapi.json").json()
    count = doc["paths"]["/v1/tokens/count"]["post"]
    analyze = doc["paths"]["/v1/datasets/analyze"]["post"]
    assert count["operationId"] == "CountTokens"
    assert analyze["operationId"] == "AnalyzeDataset"
    assert analyze["requestBody"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    for media in ("application/jsonl", "application/x-ndjson", "text/plain"):
        assert media in analyze["requestBody"]["description"]
    assert {p["name"] for p in analyze["parameters"]} == {"model", "provider", "epochs", "format"}
    assert {"413", "415", "404"} <= set(analyze["responses"])
