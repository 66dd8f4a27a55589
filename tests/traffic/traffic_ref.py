"""The tests' reference counts: tiktoken's own o200k_base and the cookbook's chat method."""

from __future__ import annotations

from typing import Any

from tokens_reference import num_tokens_from_messages, reference_encoding


class RefCounter:
    """Token counts by tiktoken's own o200k_base and the cookbook's method (the expected
    values of the tests, computed independently of ftcost)."""

    def __init__(self) -> None:
        self.enc = reference_encoding("o200k_base")

    def text(self, text: str) -> int:
        return len(self.enc.encode(text, disallowed_special=()))

    def prompt(self, messages: list[dict[str, Any]]) -> int:
        return num_tokens_from_messages(self.enc, messages)

    def messages(self, messages: list[dict[str, Any]]) -> int:
        """Tokens of the messages alone (no reply primer)."""
        return num_tokens_from_messages(self.enc, messages) - 3
