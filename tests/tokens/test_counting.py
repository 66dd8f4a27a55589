"""Counting text, chat messages, tools, tool calls and images against independent computations."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

import pytest
import tiktoken
from hypothesis import given
from hypothesis import strategies as st
from tokens_reference import (
    num_tokens_for_tools,
    num_tokens_from_messages,
    text_tokens,
    tile_tokens,
)

from ftcost.errors import InvalidInputError
from ftcost.tokens import counter as tokens
from ftcost.tokens import image_size, image_tokens

ROLES = ["system", "user", "assistant", "developer", "tool"]

messages_strategy = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(ROLES), "content": st.text(min_size=1, max_size=80)},
        optional={"name": st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True)},
    ),
    min_size=1,
    max_size=6,
)

# The OpenAI cookbook's worked example for tools (section 7 of "How to count tokens with
# tiktoken") and the prompt_tokens the API reported for it.
COOKBOOK_TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_current_weather",
            "description": "Get the current weather in a given location",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {
                        "type": "string",
                        "description": "The city and state, e.g. San Francisco, CA",
                    },
                    "unit": {
                        "type": "string",
                        "description": "The unit of temperature to return",
                        "enum": ["celsius", "fahrenheit"],
                    },
                },
                "required": ["location"],
            },
        },
    }
]
COOKBOOK_MESSAGES = [
    {
        "role": "system",
        "content": "You are a helpful assistant that can answer to questions about the weather.",
    },
    {"role": "user", "content": "What's the weather like in San Francisco?"},
]


def _count(encoding: str, **kw: Any) -> tokens.TokenCount:
    return tokens.count_request(tokens.default_counter(), encoding, **kw)


@given(messages=messages_strategy)
def test_messages_match_cookbook(messages: list[dict[str, Any]], o200k: tiktoken.Encoding) -> None:
    """Chat messages count exactly as the cookbook's num_tokens_from_messages."""
    expected = num_tokens_from_messages(o200k, messages)
    assert tokens.count_prompt(tokens.default_counter(), "o200k_base", messages=messages) == (
        expected
    )
    result = _count("o200k_base", messages=messages)
    assert result.tokens == expected
    assert result.messages_tokens == expected
    assert not result.estimated


@given(text=st.text(max_size=200), messages=messages_strategy)
def test_text_and_messages_are_summed(
    text: str, messages: list[dict[str, Any]], cl100k: tiktoken.Encoding
) -> None:
    """count_prompt with both text and messages is plain text tokens plus the chat count."""
    expected = text_tokens(cl100k, text) + num_tokens_from_messages(cl100k, messages)
    got = tokens.count_prompt(tokens.default_counter(), "cl100k_base", text=text, messages=messages)
    assert got == expected


@pytest.mark.parametrize(
    ("encoding", "api_prompt_tokens"), [("o200k_base", 101), ("cl100k_base", 105)]
)
def test_tools_reproduce_published_api_counts(encoding: str, api_prompt_tokens: int) -> None:
    """The cookbook example with one tool gives the prompt_tokens the API reported (gpt-4o: 101,
    gpt-3.5-turbo/gpt-4: 105), flagged as an estimate."""
    result = _count(encoding, messages=COOKBOOK_MESSAGES, tools=COOKBOOK_TOOLS)
    assert result.tokens == api_prompt_tokens
    assert result.estimated
    assert [e.part for e in result.estimates] == ["tool_definitions"]
    assert result.estimates[0].tokens == result.tools_tokens


@given(
    names=st.lists(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), min_size=1, max_size=3),
    desc=st.text(max_size=40),
    enum=st.lists(st.text(min_size=1, max_size=8), max_size=4),
)
def test_tools_match_cookbook_recipe(
    names: list[str], desc: str, enum: list[str], o200k: tiktoken.Encoding
) -> None:
    """Tool definitions count as the cookbook's num_tokens_for_tools (gpt-4o constants)."""
    props: dict[str, Any] = {"p": {"type": "string", "description": desc}}
    if enum:
        props["p"]["enum"] = enum
    tools = [
        {
            "type": "function",
            "function": {
                "name": n,
                "description": desc,
                "parameters": {"type": "object", "properties": props},
            },
        }
        for n in names
    ]
    assert _count("o200k_base", tools=tools).tokens == num_tokens_for_tools(o200k, tools, True)


def test_tool_calls_are_an_estimate(o200k: tiktoken.Encoding) -> None:
    """An assistant tool call counts 3 + name + arguments, reported as an estimate."""
    args = json.dumps({"location": "Paris", "unit": "celsius"})
    messages = [
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_w", "arguments": args}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "18C"},
    ]
    call = 3 + text_tokens(o200k, "get_w") + text_tokens(o200k, args)
    plain = [
        {"role": "user", "content": "Weather in Paris?"},
        {"role": "assistant"},
        {"role": "tool", "content": "18C"},
    ]
    expected = num_tokens_from_messages(o200k, plain) + call
    result = _count("o200k_base", messages=messages)
    assert result.tokens == expected
    assert [(e.part, e.tokens) for e in result.estimates] == [("tool_calls", call)]
    assert result.issues == []


def _png(width: int, height: int) -> str:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = (
        struct.pack(">I", len(ihdr))
        + b"IHDR"
        + ihdr
        + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    )
    return "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + chunk).decode()


def _gif(width: int, height: int) -> str:
    data = b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00"
    return "data:image/gif;base64," + base64.b64encode(data).decode()


def _jpeg(width: int, height: int) -> str:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8" + app0 + sof).decode()


def _webp(width: int, height: int) -> str:
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    data = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body
    return "data:image/webp;base64," + base64.b64encode(data).decode()


@pytest.mark.parametrize("make", [_png, _gif, _jpeg, _webp], ids=["png", "gif", "jpeg", "webp"])
@pytest.mark.parametrize("size", [(1024, 1024), (2048, 4096), (300, 200), (4000, 600)])
def test_image_size_from_data_url(make: Any, size: tuple[int, int]) -> None:
    """Width and height are read from the header of PNG, GIF, JPEG and WebP data URLs."""
    assert image_size(make(*size)) == size


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [(1024, 1024, 765), (2048, 4096, 1105), (300, 200, 255), (4000, 600, 765)],
)
def test_tile_method_worked_examples(width: int, height: int, expected: int) -> None:
    """OpenAI's worked examples (1024² → 765, 2048×4096 → 1105) and two more, by the tile rule."""
    assert image_tokens(width, height) == expected == tile_tokens(width, height)
    assert image_tokens(width, height, "low") == 85


@given(width=st.integers(1, 10_000), height=st.integers(1, 10_000))
def test_tile_method_any_size(width: int, height: int) -> None:
    """Every size gives the tile rule's count, at least 85 + 170 and at most 85 + 170 × 12."""
    got = image_tokens(width, height)
    assert got == tile_tokens(width, height)
    assert 255 <= got <= 85 + 170 * 12


def test_image_parts_are_estimates(o200k: tiktoken.Encoding) -> None:
    """Image parts add their tile tokens (size known) or a square's (unknown), as estimates."""
    messages = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in these images?"},
                {"type": "image_url", "image_url": {"url": _png(2048, 4096), "detail": "high"}},
                {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}},
                {"type": "image_url", "image_url": {"url": _png(2048, 4096), "detail": "low"}},
            ],
        },
        {"role": "assistant", "content": "A cat."},
    ]
    text_only = [
        {"role": "user", "content": "What is in these images?"},
        {"role": "assistant", "content": "A cat."},
    ]
    images = 1105 + 765 + 85
    result = _count("o200k_base", messages=messages)
    assert result.tokens == num_tokens_from_messages(o200k, text_only) + images
    assert [(e.part, e.tokens) for e in result.estimates] == [("images", images)]
    assert [i.code for i in result.issues] == ["image_size_unknown"]


def test_unknown_content_part_is_reported_not_counted(o200k: tiktoken.Encoding) -> None:
    """An unknown content part (or one with no type) is an issue and adds no tokens."""
    messages = [
        {"role": "user", "content": [{"type": "input_audio", "input_audio": {}}, "raw", {}]},
    ]
    result = _count("o200k_base", messages=messages)
    assert result.tokens == num_tokens_from_messages(o200k, [{"role": "user", "content": ""}])
    assert [i.code for i in result.issues] == ["unknown_content_part"] * 3
    assert result.issues[0].field == "messages[0].content[0]"


@pytest.mark.parametrize(
    ("messages", "field"),
    [
        (["not an object"], "messages"),
        ([{"content": "no role"}], "messages[0].role"),
        ([{"role": "user", "content": 12}], "messages[0].content"),
    ],
)
def test_uncountable_messages_raise_with_field(messages: list[Any], field: str) -> None:
    """A message that cannot be counted raises InvalidInputError naming it."""
    with pytest.raises(InvalidInputError) as info:
        _count("o200k_base", messages=messages)
    assert info.value.field == field


def test_nothing_to_count_raises() -> None:
    """Neither text, messages nor tools is an error naming the text field."""
    with pytest.raises(InvalidInputError, match="give text") as info:
        _count("o200k_base")
    assert info.value.field == "text"


@given(
    messages=st.lists(
        st.one_of(
            st.dictionaries(st.text(max_size=10), st.from_type(object).filter(lambda _: True)),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                lambda c: (
                    st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3)
                ),
                max_leaves=10,
            ),
        ),
        max_size=4,
    ),
    tools=st.none()
    | st.lists(st.dictionaries(st.text(max_size=8), st.text(max_size=8)), max_size=3),
)
def test_arbitrary_structures_never_crash(messages: list[Any], tools: list[Any] | None) -> None:
    """Any JSON-like messages and tools either count or raise InvalidInputError, never crash."""
    try:
        result = _count("o200k_base", messages=messages, tools=tools)
    except InvalidInputError:
        return
    assert result.tokens >= 0
