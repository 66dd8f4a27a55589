"""Reading the small files a user names (price sheets, scenarios): regular files, bounded.

A path may name anything: ``/dev/zero`` (endless), a FIFO (blocks until a writer comes), a
directory, or a 10 GB file. ``read_bounded`` opens without blocking, accepts only a regular file
(after following links) and reads at most ``limit`` bytes, so none of those can hang the process
or exhaust its memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_FILE_BYTES", "FileRefused", "read_bounded"]

MAX_FILE_BYTES = 8 * 1024 * 1024  # a price sheet or scenario file (the shipped sheets: < 100 KB)


class FileRefused(Exception):
    """The path is not a regular file, or the file is over the limit; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_bounded(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises ``FileRefused`` for a device, FIFO, socket or directory and for a file over
    ``limit`` bytes; ``OSError`` as usual when it cannot be opened.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > limit:
            raise FileRefused(f"{info.st_size:,} bytes, over the {limit:,}-byte limit")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            block = os.read(fd, min(1 << 20, limit + 1 - size))
            if not block:
                break
            chunks.append(block)
            size += len(block)
        if size > limit:
            raise FileRefused(f"over the {limit:,}-byte limit")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"
