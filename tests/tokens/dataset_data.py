"""Seeded generators of training files (chat, prompt/completion, DPO, RFT) for the tests."""

from __future__ import annotations

import json
import random
from typing import Any

WORDS = [
    "invoice", "refund", "order", "the", "customer", "asked", "about", "shipping", "policy",
    "number", "please", "thanks", "ünïcödé", "日本語", "😀", "Ελληνικά", "naïve", "café",
    "1234", "<|endoftext|>", "\t", "well-known", "don't", "O'Brien",
]  # fmt: skip


def sentence(rng: random.Random, low: int = 1, high: int = 30) -> str:
    """Words (ASCII, accented, CJK, emoji, special-token text) joined by spaces."""
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def chat_example(rng: random.Random, *, turns: int | None = None) -> dict[str, Any]:
    """A multi-turn conversation with an optional system message and optional names."""
    messages: list[dict[str, Any]] = []
    if rng.random() < 0.7:
        messages.append({"role": "system", "content": sentence(rng)})
    for _ in range(turns or rng.randint(1, 3)):
        user: dict[str, Any] = {"role": "user", "content": sentence(rng)}
        if rng.random() < 0.3:
            user["name"] = rng.choice(["alice", "bob_2", "Zoe"])
        messages.append(user)
        assistant: dict[str, Any] = {"role": "assistant", "content": sentence(rng)}
        if rng.random() < 0.2:
            assistant["weight"] = rng.choice([0, 1])
        messages.append(assistant)
    return {"messages": messages}


def jsonl(examples: list[dict[str, Any]], *, bom: bool = False) -> bytes:
    """JSON lines (non-ASCII kept as UTF-8), optionally with a byte-order mark."""
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def chunked(data: bytes, size: int) -> list[bytes]:
    """``data`` cut into pieces of ``size`` bytes (splitting lines and UTF-8 sequences)."""
    return [data[i : i + size] for i in range(0, len(data), size)]
