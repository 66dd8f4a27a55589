"""Stream a JSONL file through the checks: cut chunks into batches of whole lines, merge results.

``FileScan`` holds only the unfinished last line (at most ``max_line_bytes``), one batch being
filled (about ``batch_bytes``), the batches in flight and the running aggregates. The
aggregates are constant in size except two things that grow with the number of examples, not
with the bytes: the size histogram (one entry per distinct example size) and the duplicate
check (16 bytes per example, and a few times that while it is sorted at the end: a 500 MB file of
310,000 examples peaks about 15 MB above a 20 MB one). A line longer than ``max_line_bytes``
is skipped as it streams by, never buffered, and reported with its line number.

The first batch is checked in the calling process (small files never start workers); it also
decides the format (``decide``). Later batches go to a ``WorkerPool`` when ``workers > 1``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ftcost.dataset.checks import ISSUE_CAP, BatchParams, BatchResult, analyze_batch
from ftcost.tokens import Issue

__all__ = ["FileScan"]

Decide = Callable[[bytes], BatchParams]
Progress = Callable[[int], None]


class FileScan:
    """One file being read: ``feed`` chunks in order, then ``finish``."""

    def __init__(
        self,
        *,
        decide: Decide,
        counter: Any = None,
        workers: int = 1,
        batch_bytes: int = 1 << 20,
        max_line_bytes: int = 64 << 20,
        progress: Progress | None = None,
    ) -> None:
        self._decide = decide
        self._counter = counter
        self._workers = workers
        self._batch_bytes = batch_bytes
        self._max_line = max_line_bytes
        self._progress = progress
        self.params: BatchParams | None = None
        self._pool: Any = None
        self._pending = bytearray()  # the unfinished last line
        self._parts: list[bytes] = []  # whole lines waiting to form a batch
        self._parts_bytes = 0
        self._line = 1  # number of the first line in _parts
        self._skipping = False
        # Aggregates.
        self.bytes = 0
        self.done_bytes = 0
        self.lines = 0
        self.examples = 0
        self.tokens = 0
        self.billed = 0
        self.truncated = 0
        self.hist: dict[int, int] = {}
        self.hashes: list[bytes] = []
        self.hash_lines: list[bytes] = []
        self.issues: list[Issue] = []
        self.codes: dict[str, int] = {}
        self.estimates: dict[str, list[int]] = {}
        self.nonblank = False

    # -- input -----------------------------------------------------------------------------

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of the file (any size, any split)."""
        if not chunk:
            return
        self.bytes += len(chunk)
        view = memoryview(chunk)
        start = 0
        if self._skipping:
            nl = chunk.find(b"\n")
            if nl < 0:
                self._report_progress(len(chunk))
                return
            self._report_progress(nl + 1)
            start = nl + 1
            self._skipping = False
        cut = chunk.rfind(b"\n", start)
        if cut < 0:
            self._pending += view[start:]
        else:
            if self._pending:
                self._pending += view[start : cut + 1]
                self._add(bytes(self._pending))
                self._pending = bytearray()
            else:
                self._add(chunk[start : cut + 1] if start or cut + 1 < len(chunk) else chunk)
            self._pending += view[cut + 1 :]
        if len(self._pending) > self._max_line:
            self._skip_long_line()

    def finish(self) -> None:
        """Check what is left (a last line without a newline) and wait for every batch."""
        if self._pending and not self._skipping:
            tail = bytes(self._pending) + b"\n"
            self._pending = bytearray()
            self._add(tail, extra=1)
        self._flush()
        if self._pool is not None:
            self._pool.drain()

    def close(self) -> None:
        """Stop worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    # -- batching --------------------------------------------------------------------------

    def _add(self, lines: bytes, extra: int = 0) -> None:
        self._parts.append(lines)
        self._parts_bytes += len(lines) - extra
        if self._parts_bytes >= self._batch_bytes:
            self._flush()

    def _flush(self) -> None:
        if not self._parts:
            return
        blob = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        nbytes = self._parts_bytes
        self._parts, self._parts_bytes = [], 0
        start = self._line
        self._line += blob.count(b"\n")
        self._dispatch(blob, start, nbytes)

    def _skip_long_line(self) -> None:
        self._flush()
        lineno = self._line
        self._line += 1
        self.lines += 1
        skipped = len(self._pending)
        self._pending = bytearray()
        self._skipping = True
        self.nonblank = True
        self._merge_issue(
            Issue(
                line=lineno,
                severity="error",
                code="line_too_long",
                message=(
                    f"the line is over the {self._max_line}-byte line limit (skipped without "
                    "being read into memory)"
                ),
            )
        )
        self._report_progress(skipped)

    def _dispatch(self, blob: bytes, start: int, nbytes: int) -> None:
        if self.params is None:
            self.params = self._decide(blob)
            self._merge(analyze_batch(blob, start, self.params, self._counter), nbytes)
            return
        if self._workers > 1:
            if self._pool is None:
                from ftcost.dataset.parallel import WorkerPool

                self._pool = WorkerPool(self._workers, self.params, self._merge)
            self._pool.submit(blob, start)
            return
        self._merge(analyze_batch(blob, start, self.params, self._counter), nbytes)

    # -- merging ---------------------------------------------------------------------------

    def _merge(self, r: BatchResult, nbytes: int) -> None:
        self.lines += r.lines
        self.examples += r.examples
        self.tokens += r.tokens
        self.billed += r.billed
        self.truncated += r.truncated
        hist = self.hist
        for k, v in r.hist.items():
            hist[k] = hist.get(k, 0) + v
        if r.hashes:
            self.hashes.append(r.hashes)
            self.hash_lines.append(r.hash_lines)
        for part, (ex, tok) in r.estimates.items():
            acc = self.estimates.setdefault(part, [0, 0])
            acc[0] += ex
            acc[1] += tok
        kept: dict[str, int] = {}
        for issue in r.issues:
            kept[issue.code] = kept.get(issue.code, 0) + 1
            if self.codes.get(issue.code, 0) + kept[issue.code] <= ISSUE_CAP:
                self.issues.append(issue)
        for code, count in r.codes.items():
            self.codes[code] = self.codes.get(code, 0) + count
        if r.lines > r.codes.get("blank_line", 0):
            self.nonblank = True
        self._report_progress(nbytes)

    def _merge_issue(self, issue: Issue) -> None:
        seen = self.codes.get(issue.code, 0)
        self.codes[issue.code] = seen + 1
        if seen < ISSUE_CAP:
            self.issues.append(issue)

    def _report_progress(self, nbytes: int) -> None:
        self.done_bytes += nbytes
        if self._progress is not None:
            self._progress(min(self.done_bytes, self.bytes))
