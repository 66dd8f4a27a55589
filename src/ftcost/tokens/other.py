"""Tokenizers beyond tiktoken: a user's ``tokenizer.json``, or a characters-per-token estimate.

A catalog model may name a tokenizer that is not a tiktoken encoding (``tokenizer =
"hf:Qwen/Qwen2.5-32B-Instruct"``: open-weight models). ftcost downloads nothing, so such a model
is counted with

* the ``tokenizer.json`` the user gives (``--tokenizer FILE``), loaded offline with the
  Hugging Face ``tokenizers`` library (``Tokenizer.from_file``; no special tokens added), or
* otherwise an estimate of one token per 4 characters, OpenAI's rule of thumb for English text
  ("one token generally corresponds to ~4 characters of text for common English text", OpenAI
  Help Center, "What are tokens and how to count them?",
  https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them). It is
  flagged as an estimate in every output: ``TokenCount.estimated``, the dataset report's
  ``counting_method`` and assumptions, and a ``token_estimate`` warning in a Projection.

``OtherTokenizerCounter`` is a ``TokenCounter``: tiktoken encoding names go to the tiktoken
counter it wraps, every other name to the file or the estimate. ``tokenizers`` is imported on
first use only.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import msgspec

from ftcost.errors import TokenizerUnavailableError
from ftcost.tokens.chat import METHOD, EstimatePart
from ftcost.tokens.counter import (
    ENCODINGS,
    TokenCount,
    TokenCounter,
    count_request,
    default_counter,
)

__all__ = [
    "CHARS_PER_TOKEN",
    "ESTIMATE_METHOD",
    "OtherTokenizerCounter",
    "count_tokens",
    "counting_method",
    "is_estimated",
    "is_tiktoken",
]

CHARS_PER_TOKEN = 4.0
ESTIMATE_METHOD = (
    f"estimate: 1 token per {CHARS_PER_TOKEN:g} characters (OpenAI's rule of thumb for English; "
    "no tokenizer file given for this model: pass --tokenizer tokenizer.json for exact counts)"
)


def is_tiktoken(name: str) -> bool:
    """Whether ``name`` is a tiktoken encoding ftcost ships (``o200k_base``, ``cl100k_base``)."""
    return name in ENCODINGS


def _estimate(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN) if text else 0


class OtherTokenizerCounter:
    """Counts tiktoken encodings with ``base``, anything else with ``tokenizer_file`` or the
    4-characters-per-token estimate."""

    def __init__(self, tokenizer_file: Path | None = None, base: TokenCounter | None = None):
        self.tokenizer_file = tokenizer_file
        self._base = base
        self._lock = threading.Lock()
        self._tokenizer: Any = None

    @property
    def base(self) -> TokenCounter:
        if self._base is None:
            self._base = default_counter()
        return self._base

    def tokenizer(self) -> Any:
        """The ``tokenizers.Tokenizer`` of the file, loaded once (thread-safe)."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    self._tokenizer = _load(self.tokenizer_file)
        return self._tokenizer

    def count(self, text: str, encoding: str) -> int:
        if is_tiktoken(encoding):
            return self.base.count(text, encoding)
        if self.tokenizer_file is None:
            return _estimate(text)
        if not text:
            return 0
        return len(self.tokenizer().encode(text, add_special_tokens=False).ids)

    def estimated(self, encoding: str) -> bool:
        return not is_tiktoken(encoding) and self.tokenizer_file is None

    def method(self, encoding: str) -> str:
        if is_tiktoken(encoding):
            return f"tiktoken {encoding}"
        if self.tokenizer_file is None:
            return ESTIMATE_METHOD
        return f"tokenizer file {self.tokenizer_file} (for {encoding}; tokenizers library)"


def _load(path: Path | None) -> Any:
    assert path is not None
    name = str(path)
    try:
        from tokenizers import Tokenizer
    except ImportError:  # pragma: no cover - a dependency of ftcost
        raise TokenizerUnavailableError(name, "the tokenizers package is not installed") from None
    try:
        return Tokenizer.from_file(name)
    except Exception as exc:  # the library raises plain Exception for a bad file
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TokenizerUnavailableError(name, f"not a tokenizer.json: {detail}") from None


def is_estimated(counter: object, encoding: str) -> bool:
    """Whether ``counter`` estimates (rather than counts) tokens for ``encoding``."""
    if is_tiktoken(encoding):
        return False
    check = getattr(counter, "estimated", None)
    return bool(check(encoding)) if callable(check) else False


def counting_method(counter: object, encoding: str) -> str:
    """How ``counter`` counts ``encoding``, for reports."""
    describe = getattr(counter, "method", None)
    if callable(describe) and not is_tiktoken(encoding):
        return str(describe(encoding))
    return f"tiktoken {encoding}"


def count_tokens(
    counter: TokenCounter,
    name: str,
    *,
    text: str | None = None,
    messages: Sequence[Any] | None = None,
    tools: Sequence[Any] | None = None,
) -> TokenCount:
    """``count_request`` for any model: a tiktoken encoding is counted as before; another
    tokenizer through ``OtherTokenizerCounter`` (``counter`` is wrapped when it is a plain
    tiktoken counter), and an estimate is flagged: ``estimated``, one ``EstimatePart`` for all
    the tokens, and ``method`` saying how they were estimated."""
    use = counter
    if not is_tiktoken(name) and not callable(getattr(counter, "estimated", None)):
        use = OtherTokenizerCounter(base=counter)
    result = count_request(use, name, text=text, messages=messages, tools=tools)
    if is_tiktoken(name):
        return result
    chat = METHOD.split("; ", 1)[-1]  # the chat rules, without "tiktoken with …"
    method = counting_method(use, name)
    if not is_estimated(use, name):
        return msgspec.structs.replace(result, method=f"{method}; {chat}")
    part = EstimatePart(part="all", tokens=result.tokens, method=ESTIMATE_METHOD)
    return msgspec.structs.replace(
        result,
        estimated=True,
        estimates=[part, *result.estimates],
        method=f"{ESTIMATE_METHOD}; {chat}",
    )
