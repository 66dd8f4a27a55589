"""Which format a JSONL file follows, and the separator of prompt/completion data.

``detect_format`` looks at the first 200 lines: ``input`` with ``preferred_output`` or
``non_preferred_output`` is DPO; ``messages`` is chat, or RFT when no message is from the
assistant and the object has other keys (for the graders) or the model trains only with RFT;
``prompt``/``completion`` is prompt/completion. The most frequent wins.

``find_separator``: the separator the legacy guidance asks every prompt to end with — the
known one (``\\n\\n###\\n\\n``, ``###``, `` ->``, …) at least half the sampled prompts end
with, else their common suffix when it holds no letters or digits.
"""

from __future__ import annotations

import msgspec

from ftcost.dataset.checks import BOM, DatasetFormat

__all__ = ["detect_format", "find_separator"]

_SAMPLE_LINES = 200
_KNOWN_SEPARATORS = ("\n\n###\n\n", "\n\n###\n", "\n###\n", "###", " ->", "->", "\n\n", "\n")
_CHAT_KEYS = frozenset({"messages", "tools", "functions", "parallel_tool_calls"})


def detect_format(
    blob: bytes, *, prefer_rft: bool = False
) -> tuple[DatasetFormat | None, list[str]]:
    """The format most of the first lines of ``blob`` follow (None: no decodable example),
    and the prompts seen (to find the prompt/completion separator)."""
    votes: dict[str, int] = {}
    prompts: list[str] = []
    for raw in blob.split(b"\n", _SAMPLE_LINES)[:_SAMPLE_LINES]:
        s = raw.strip()
        if s.startswith(BOM):
            s = s[3:]
        try:
            obj = msgspec.json.decode(s)
        except (msgspec.MsgspecError, UnicodeDecodeError, RecursionError):
            continue
        if type(obj) is not dict:
            continue
        kind: str | None = None
        if "input" in obj and ("preferred_output" in obj or "non_preferred_output" in obj):
            kind = "dpo"
        elif "messages" in obj:
            msgs = obj["messages"]
            assistant = type(msgs) is list and any(
                type(m) is dict and m.get("role") == "assistant" for m in msgs
            )
            extra = set(obj) - _CHAT_KEYS
            kind = "rft" if (not assistant and (extra or prefer_rft)) else "chat"
        elif "prompt" in obj or "completion" in obj:
            kind = "prompt_completion"
            if type(obj.get("prompt")) is str:
                prompts.append(obj["prompt"])
        if kind is not None:
            votes[kind] = votes.get(kind, 0) + 1
    if not votes:
        return None, prompts
    best = max(sorted(votes), key=lambda k: votes[k])
    return best, prompts  # type: ignore[return-value]


def find_separator(prompts: list[str]) -> str | None:
    """The separator most prompts end with: the first known one that at least half of them end
    with, else their common suffix when it holds no letters or digits."""
    if not prompts:
        return None
    counts: dict[str, int] = {}
    for p in prompts:
        sep = next((s for s in _KNOWN_SEPARATORS if p.endswith(s)), None)
        if sep is not None:
            counts[sep] = counts.get(sep, 0) + 1
    if counts:
        best = max(_KNOWN_SEPARATORS, key=lambda s: counts.get(s, 0))
        if 2 * counts[best] >= len(prompts):
            return best
    suffix = prompts[0]
    for p in prompts[1:]:
        i = 0
        while i < min(len(suffix), len(p)) and suffix[-1 - i] == p[-1 - i]:
            i += 1
        suffix = suffix[len(suffix) - i :]
    if suffix and not any(c.isalnum() for c in suffix):
        return suffix
    return None
