"""Token counting: tiktoken encodings loaded offline, chat, tool and image counting.

``counter`` loads the encodings from the packaged rank files (lazily, once per process) and counts
text and requests; ``chat`` is the documented per-message method for chat examples, tools and
tool calls; ``images`` estimates image-part tokens; ``other`` counts models whose tokenizer is
not a tiktoken encoding (a user's tokenizer.json, or 4 characters per token, flagged).
Depends on ``ftcost.catalog`` only.
"""

from __future__ import annotations

from ftcost.tokens.chat import (
    METHOD,
    EstimatePart,
    Issue,
    Severity,
    Sink,
    count_chat,
    count_messages,
    estimate_method,
)
from ftcost.tokens.counter import (
    TiktokenCounter,
    TokenCount,
    TokenCounter,
    count_prompt,
    count_request,
    default_counter,
    text_length,
)
from ftcost.tokens.images import image_size, image_tokens
from ftcost.tokens.other import (
    CHARS_PER_TOKEN,
    ESTIMATE_METHOD,
    OtherTokenizerCounter,
    count_tokens,
    counting_method,
    is_estimated,
    is_tiktoken,
)

__all__ = [
    "CHARS_PER_TOKEN",
    "ESTIMATE_METHOD",
    "METHOD",
    "EstimatePart",
    "Issue",
    "OtherTokenizerCounter",
    "Severity",
    "Sink",
    "TiktokenCounter",
    "TokenCount",
    "TokenCounter",
    "count_chat",
    "count_messages",
    "count_prompt",
    "count_request",
    "count_tokens",
    "counting_method",
    "default_counter",
    "estimate_method",
    "image_size",
    "image_tokens",
    "is_estimated",
    "is_tiktoken",
    "text_length",
]
