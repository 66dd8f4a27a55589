"""Cut a log stream into batches of whole lines and run them, in worker processes when asked.

``LineScan`` holds only the unfinished last line (at most ``max_line_bytes``; a longer line is
skipped as it streams by, never buffered, and reported with its line number), one batch being
filled (about ``batch_bytes``) and at most ``2 × workers`` batches in flight; results go to
``on_result`` in the parent as they finish. The first batch runs in the calling process (a
small log never starts workers). Workers are forked after the parent has loaded the encoding
(elsewhere each loads it once), as in ``ftcost.dataset``.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ftcost.errors import FtcostError
from ftcost.traffic.batch import BatchParams, BatchResult, analyze_batch

__all__ = ["LineScan"]

OnResult = Callable[[BatchResult], None]


def _warm(encoding: str) -> None:
    from ftcost import tokens

    tokens.default_counter().encoding(encoding)
    gc.freeze()


def _run(blob: bytes, start_line: int, params: BatchParams) -> BatchResult:
    return analyze_batch(blob, start_line, params)


class LineScan:
    """One log being read: ``feed`` chunks in order, then ``finish``; ``close`` stops workers."""

    def __init__(
        self,
        params: BatchParams,
        on_result: OnResult,
        *,
        counter: Any = None,
        workers: int = 1,
        batch_bytes: int = 1 << 20,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self._params = params
        self._on_result = on_result
        self._counter = counter
        self._workers = workers
        self._batch_bytes = batch_bytes
        self._progress = progress
        self._max_line = params.max_line_bytes
        self._pending = bytearray()
        self._parts: list[bytes] = []
        self._parts_bytes = 0
        self._line = 1
        self._skipping = False
        self._started = False
        self._executor: ProcessPoolExecutor | None = None
        self._in_flight: dict[Future[BatchResult], int] = {}
        self.bytes = 0
        self.done_bytes = 0
        self.long_lines: list[int] = []

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of the log (any size, any split)."""
        if not chunk:
            return
        self.bytes += len(chunk)
        start = 0
        if self._skipping:
            nl = chunk.find(b"\n")
            if nl < 0:
                self._done(len(chunk))
                return
            self._done(nl + 1)
            start = nl + 1
            self._skipping = False
        cut = chunk.rfind(b"\n", start)
        if cut < 0:
            self._pending += memoryview(chunk)[start:]
        else:
            if self._pending:
                self._pending += memoryview(chunk)[start : cut + 1]
                self._add(bytes(self._pending))
                self._pending = bytearray()
            else:
                self._add(chunk[start : cut + 1] if start or cut + 1 < len(chunk) else chunk)
            self._pending += memoryview(chunk)[cut + 1 :]
        if len(self._pending) > self._max_line:
            self._flush()
            self.long_lines.append(self._line)
            self._line += 1
            self._done(len(self._pending))
            self._pending = bytearray()
            self._skipping = True

    def finish(self) -> None:
        """Read what is left and wait for every batch."""
        if self._pending and not self._skipping:
            self._add(bytes(self._pending) + b"\n")
            self._pending = bytearray()
        self._flush()
        while self._in_flight:
            self._collect()

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._executor is not None:
            for future in self._in_flight:
                future.cancel()
            self._in_flight.clear()
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _add(self, lines: bytes) -> None:
        self._parts.append(lines)
        self._parts_bytes += len(lines)
        if self._parts_bytes >= self._batch_bytes:
            self._flush()

    def _flush(self) -> None:
        if not self._parts:
            return
        blob = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        self._parts, self._parts_bytes = [], 0
        start = self._line
        self._line += blob.count(b"\n")
        if not self._started or self._workers <= 1:
            self._started = True
            self._on_result(analyze_batch(blob, start, self._params, self._counter))
            self._done(len(blob))
            return
        if self._executor is None:
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._executor = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=ctx,
                initializer=_warm,
                initargs=(self._params.encoding,),
            )
        while len(self._in_flight) >= 2 * self._workers:
            self._collect()
        future = self._executor.submit(_run, blob, start, self._params)
        self._in_flight[future] = len(blob)

    def _collect(self) -> None:
        done, _ = wait(list(self._in_flight), return_when=FIRST_COMPLETED)
        for future in done:
            nbytes = self._in_flight.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                raise FtcostError(
                    f"a traffic worker process stopped unexpectedly ({exc}); retry with --workers 1"
                ) from None
            self._on_result(result)
            self._done(nbytes)

    def _done(self, nbytes: int) -> None:
        self.done_bytes += nbytes
        if self._progress is not None:
            self._progress(min(self.done_bytes, self.bytes))
