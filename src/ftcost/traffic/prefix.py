"""The shared prefix of a group of requests: message units and their longest common prefix.

A request's *static candidates* are the messages before its last user message (the system or
developer instructions, few-shot user/assistant turns, earlier conversation turns). Each becomes
a ``Unit``: a header (role, name and, for messages that are not plain text, their other keys)
and the token ids of the content (packed, 4 bytes each, so long prompts stay small and compare
with ``memcmp``), plus the tokens the whole message counts (the cookbook chat
method: ``3 + role + content``, ``+ 1 + name``).

Requests are grouped by ``group_key``: the tool definitions, and the header and first
``KEY_TOKENS`` content tokens of the first static message. Within a group, ``common_prefix``
keeps the longest common prefix of the units seen so far: every unit equal in every member
counts its whole message; at the first unit that differs, when the headers agree, the common
leading content tokens count (not the message overhead, which the request still carries). The
merge is associative and commutative, so worker processes can each reduce their batches and the
parent merges their results.
"""

from __future__ import annotations

import hashlib

import msgspec

__all__ = [
    "ID_BYTES",
    "KEY_TOKENS",
    "Unit",
    "common_prefix",
    "group_key",
    "prefix_tokens",
    "system_tokens",
    "turns",
]

KEY_TOKENS = 32
ID_BYTES = 4
_SYSTEM_ROLES = ("system", "developer")


class Unit(msgspec.Struct, frozen=True, array_like=True):
    """One static message: ``header``, content token ids, tokens of the whole message, and
    ``partial``: only ``ids`` (a leading part of the content) is shared."""

    header: str
    ids: bytes  # uint32 token ids, native byte order
    tokens: int
    partial: bool = False


def group_key(tools_fingerprint: bytes, units: list[Unit]) -> bytes:
    """The key of a request's group (16 bytes); requests without static messages share b""."""
    if not units:
        return b""
    first = units[0]
    h = hashlib.blake2b(tools_fingerprint, digest_size=16)
    h.update(first.header.encode("utf-8", "surrogatepass"))
    h.update(b"\x00")
    h.update(first.ids[: KEY_TOKENS * ID_BYTES])
    return h.digest()


def common_prefix(a: list[Unit], b: list[Unit]) -> list[Unit]:
    """The longest common prefix of two unit lists (see the module docstring)."""
    out: list[Unit] = []
    for ua, ub in zip(a, b, strict=False):
        if ua == ub and not ua.partial:
            out.append(ua)
            continue
        if ua.header == ub.header:
            n = _common_bytes(ua.ids, ub.ids) // ID_BYTES
            if n:
                ids = ua.ids[: n * ID_BYTES]
                out.append(Unit(header=ua.header, ids=ids, tokens=n, partial=True))
        break
    return out


def _common_bytes(a: bytes, b: bytes) -> int:
    """Length of the common prefix of two byte strings (bisection over slice compares)."""
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while lo < hi:  # invariant: a[:lo] == b[:lo], a[:hi + 1] != b[:hi + 1]
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def prefix_tokens(units: list[Unit]) -> int:
    """Prompt tokens the prefix accounts for."""
    return sum(u.tokens for u in units)


def _role(header: str) -> str:
    return header.split("\x00", 1)[0]


def system_tokens(units: list[Unit]) -> int:
    """Tokens of the leading system/developer messages within the prefix."""
    total = 0
    for u in units:
        if _role(u.header) not in _SYSTEM_ROLES:
            break
        total += u.tokens
    return total


def turns(units: list[Unit]) -> int:
    """Few-shot turns wholly inside the prefix (assistant messages after the instructions)."""
    return sum(1 for u in units if not u.partial and _role(u.header) == "assistant")
