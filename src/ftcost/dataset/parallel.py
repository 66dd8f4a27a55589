"""Worker processes for the dataset analysis: one per core, fed batches of raw lines.

Why processes: the work per line is JSON decoding, Python-level checks and many short
``encode_ordinary`` calls; the GIL serialises the Python part, and tiktoken's threaded batch
encode is slower than a plain loop on many short strings (RECIPE.md). A process per core
scales with no shared state: the parent only cuts the stream at line boundaries and merges
small ``BatchResult``s.

At most ``2 × workers`` batches are in flight, so memory stays bounded however fast the input
arrives. On Linux the pool forks after the parent has loaded the encoding, so workers share
its pages; elsewhere each worker loads it once at start-up.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ftcost.dataset.checks import BatchParams, BatchResult, analyze_batch
from ftcost.errors import FtcostError

__all__ = ["WorkerPool"]

OnResult = Callable[[BatchResult, int], None]


def _warm(encoding: str) -> None:
    """Worker start-up: load the encoding once (a no-op when inherited by fork), then move
    everything that exists into the collector's permanent generation, so that garbage
    collections in the worker neither scan nor copy the pages it shares with the parent."""
    from ftcost import tokens

    tokens.default_counter().encoding(encoding)
    gc.freeze()


def _run(blob: bytes, start_line: int, params: BatchParams) -> BatchResult:
    return analyze_batch(blob, start_line, params)


class WorkerPool:
    """A bounded process pool; ``on_result(result, nbytes)`` runs in the parent, per batch."""

    def __init__(self, workers: int, params: BatchParams, on_result: OnResult) -> None:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._params = params
        self._on_result = on_result
        self._max_in_flight = 2 * workers
        self._pending: dict[Future[BatchResult], int] = {}
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_warm, initargs=(params.encoding,)
        )

    def submit(self, blob: bytes, start_line: int) -> None:
        """Queue one batch, first waiting while too many are in flight."""
        while len(self._pending) >= self._max_in_flight:
            self._collect(FIRST_COMPLETED)
        future = self._executor.submit(_run, blob, start_line, self._params)
        self._pending[future] = len(blob)

    def drain(self) -> None:
        """Wait for every queued batch and hand over its result."""
        while self._pending:
            self._collect(FIRST_COMPLETED)

    def close(self) -> None:
        """Stop the workers (pending batches are cancelled)."""
        for future in self._pending:
            future.cancel()
        self._pending.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _collect(self, when: str) -> None:
        done, _ = wait(list(self._pending), return_when=when)
        for future in done:
            nbytes = self._pending.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool as exc:
                raise FtcostError(
                    f"a dataset worker process stopped unexpectedly ({exc}); retry with --workers 1"
                ) from None
            self._on_result(result, nbytes)
