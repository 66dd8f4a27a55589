"""Prompt caching rules: which cached-token counts can occur, and the count a shared prefix gives.

Both providers cache a prompt once it is at least ``min_prompt_tokens`` long (1,024) and then in
``increment_tokens`` steps (128): a request's cached count is 0, or 1,024 + k × 128, never more
than its prompt. The catalog states the rule per provider (``Caching``); with no rule in the
catalog any count up to the prompt is accepted. Pure.
"""

from __future__ import annotations

from ftcost.catalog import Caching
from ftcost.engine.scenario import RequestShape
from ftcost.errors import InvalidInputError

__all__ = ["cached_tokens", "prefix_cached_tokens"]


def prefix_cached_tokens(rules: Caching | None, prefix: int, prompt: int) -> int:
    """The cached tokens of a prompt whose first ``prefix`` tokens repeat in every request."""
    shared = min(prefix, prompt)
    if rules is None:
        return shared
    if shared < rules.min_prompt_tokens:
        return 0
    steps = (shared - rules.min_prompt_tokens) // rules.increment_tokens
    return rules.min_prompt_tokens + steps * rules.increment_tokens


def cached_tokens(rules: Caching | None, shape: RequestShape, prompt: int, name: str) -> int:
    """The cached prompt tokens of one setup: given (and checked) or from its shared prefix."""
    field = f"{name}.cached_prompt_tokens"
    if shape.shared_prefix_tokens is not None:
        if shape.cached_prompt_tokens:
            raise InvalidInputError(
                f"give either {field} or {name}.shared_prefix_tokens, not both", field=field
            )
        return prefix_cached_tokens(rules, shape.shared_prefix_tokens, prompt)
    cached = shape.cached_prompt_tokens
    if cached > prompt:
        raise InvalidInputError(
            f"{field} ({cached}) exceeds {name}.prompt_tokens ({prompt})", field=field
        )
    if rules is None or cached == 0:
        return cached
    low, step = rules.min_prompt_tokens, rules.increment_tokens
    if cached < low or (cached - low) % step:
        near = prefix_cached_tokens(rules, cached, prompt)
        raise InvalidInputError(
            f"{field}: {cached} cached tokens cannot occur: prompts are cached from "
            f"{low:,} tokens, in steps of {step} (source {rules.source}); "
            f"{'use ' + format(near, ',') if near else 'a prompt this short is not cached'}, "
            f"or give {name}.shared_prefix_tokens",
            field=field,
        )
    return cached
