"""Image tokens by the tile method of gpt-4o and gpt-4.1 (an estimate for other models).

``detail: low`` is 85 tokens. ``high`` and ``auto`` are 85 + 170 per 512-px tile after the image
is fitted into 2048×2048 and its shortest side brought down to 768 px. The size is read from the
header of base64 ``data:`` URLs (PNG, GIF, JPEG, WebP); for other URLs it is unknown and a
square image is assumed (4 tiles, 765 tokens).
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

__all__ = ["IMAGE_LOW", "IMAGE_TILE", "image_part_tokens", "image_size", "image_tokens"]

IMAGE_LOW = 85
IMAGE_TILE = 170
_UNKNOWN_SQUARE = IMAGE_LOW + IMAGE_TILE * 4


def image_part_tokens(spec: Any) -> tuple[int, bool]:
    """Tokens of an ``image_url`` content part, and whether its size (or low detail) was known."""
    if type(spec) is str:
        spec = {"url": spec}
    if type(spec) is not dict:
        return _UNKNOWN_SQUARE, False
    detail = spec.get("detail", "auto")
    if detail == "low":
        return IMAGE_LOW, True
    url = spec.get("url")
    size = image_size(url) if type(url) is str else None
    if size is None:
        return _UNKNOWN_SQUARE, False
    return image_tokens(size[0], size[1], "high"), True


def image_tokens(width: int, height: int, detail: str = "high") -> int:
    """Tokens of one image by the tile method (``low`` is always 85)."""
    if detail == "low" or width <= 0 or height <= 0:
        return IMAGE_LOW
    w, h = float(width), float(height)
    if max(w, h) > 2048:
        scale = 2048 / max(w, h)
        w, h = w * scale, h * scale
    if min(w, h) > 768:
        scale = 768 / min(w, h)
        w, h = w * scale, h * scale
    tiles = math.ceil(w / 512) * math.ceil(h / 512)
    return IMAGE_LOW + IMAGE_TILE * tiles


def _b64(data: str, chars: int | None) -> bytes:
    if chars is not None:
        data = data[: chars - chars % 4]
    try:
        return base64.b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return b""


def image_size(url: str) -> tuple[int, int] | None:
    """(width, height) from the header of a base64 ``data:`` URL, or None when unknown."""
    if not url.startswith("data:"):
        return None
    comma = url.find(",")
    if comma < 0 or ";base64" not in url[:comma]:
        return None
    payload = url[comma + 1 :]
    head = _b64(payload, 64)
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp(head)
    if head[:2] == b"\xff\xd8":
        return _jpeg(_b64(payload, None))
    return None


def _webp(b: bytes) -> tuple[int, int] | None:
    chunk = b[12:16]
    if chunk == b"VP8X" and len(b) >= 30:
        return 1 + int.from_bytes(b[24:27], "little"), 1 + int.from_bytes(b[27:30], "little")
    if chunk == b"VP8 " and len(b) >= 30:
        return (
            int.from_bytes(b[26:28], "little") & 0x3FFF,
            int.from_bytes(b[28:30], "little") & 0x3FFF,
        )
    if chunk == b"VP8L" and len(b) >= 25:
        bits = int.from_bytes(b[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg(b: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(b):
        if b[i] != 0xFF:
            return None
        marker = b[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = int.from_bytes(b[i + 2 : i + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return int.from_bytes(b[i + 7 : i + 9], "big"), int.from_bytes(b[i + 5 : i + 7], "big")
        i += 2 + length
    return None
