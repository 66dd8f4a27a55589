"""Streamed analysis of a request log: the entry point and the merge of batch results.

::

    report = analyze_traffic(
        chunks,                  # Iterable[bytes]: the log, any chunking (the core reads no files)
        catalog=catalog,
        model="gpt-4.1-mini",    # the model to fine-tune (its encoding counts the prompts)
        provider=None,
        format=None,             # None = detected per line | "chat" | "wrapped" | "batch"
        keep_system=False,       # the fine-tuned prompt keeps the system instructions
        distill=False,           # the logged responses are the training data
        examples=1000,           # training examples assumed when not distilling
        workers=1,               # > 1: worker processes
    )

``TrafficAnalyzer`` is the same fed incrementally (``feed`` … ``finish``), for the HTTP upload.
Memory is bounded whatever the size of the log: histograms (one entry per distinct value), at
most ``MAX_GROUPS`` prefix groups (later new groups are pooled, with no shared prefix), a
latency sample of ``SAMPLE_SIZE`` requests and the per-minute request counts of the span.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ftcost.catalog import Catalog, resolve_model
from ftcost.errors import InvalidInputError
from ftcost.traffic.batch import BatchParams, BatchResult
from ftcost.traffic.build import Context, build_report
from ftcost.traffic.records import TrafficFormat
from ftcost.traffic.report import TrafficReport
from ftcost.traffic.stream import LineScan
from ftcost.traffic.totals import MAX_GROUPS, Totals

__all__ = ["FORMATS", "MAX_GROUPS", "SAMPLE_SIZE", "TrafficAnalyzer", "analyze_traffic"]

FORMATS: tuple[str, ...] = ("chat", "wrapped", "batch")
SAMPLE_SIZE = 20_000
DEFAULT_EXAMPLES = 1000


class TrafficAnalyzer:
    """A request log analysed as it streams in."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        model: str,
        provider: str | None = None,
        format: TrafficFormat | None = None,
        keep_system: bool = False,
        distill: bool = False,
        examples: int = DEFAULT_EXAMPLES,
        counter: Any = None,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
        batch_bytes: int = 1 << 20,
        max_line_bytes: int = 64 << 20,
        sample_size: int = SAMPLE_SIZE,
    ) -> None:
        if format is not None and format not in FORMATS:
            raise InvalidInputError(
                f"unknown format {format!r}; formats: {', '.join(FORMATS)}", field="format"
            )
        if workers < 1:
            raise InvalidInputError("workers must be at least 1", field="workers")
        if examples < 1:
            raise InvalidInputError("examples must be at least 1", field="examples")
        resolved = resolve_model(catalog, model, provider)
        entry = resolved.entry
        if entry.encoding is None:
            raise InvalidInputError(f"no encoding known for {entry.id}", field="model")
        self.catalog = catalog
        self.entry = entry
        self.provider = resolved.provider
        self.encoding: str = entry.encoding
        self.keep_system = keep_system
        self.distill = distill
        self.examples = examples
        self.counter = counter
        limit = entry.limits.training_example_tokens
        params = BatchParams(
            encoding=self.encoding,
            format=format,
            example_limit=int(limit.value) if limit is not None and limit.value else None,
            distill=distill,
            max_line_bytes=max_line_bytes,
            sample_size=sample_size,
        )
        self.totals = Totals(sample_size)
        self._scan = LineScan(
            params,
            self.totals.merge,
            counter=counter,
            workers=workers,
            batch_bytes=batch_bytes,
            progress=progress,
        )

    def __enter__(self) -> TrafficAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def feed(self, chunk: bytes) -> None:
        """The next piece of the log."""
        self._scan.feed(chunk)

    def close(self) -> None:
        """Stop worker processes, if any are running."""
        self._scan.close()

    def finish(self) -> TrafficReport:
        """The report of everything fed so far."""
        scan = self._scan
        scan.finish()
        scan.close()
        if scan.bytes == 0:
            raise InvalidInputError("the log is empty (0 bytes): nothing to analyse", field="log")
        t = self.totals
        for line in scan.long_lines:
            t.merge(_long_line(line, scan))
        if t.r.requests == 0 and t.r.responses == 0:
            first = t.r.issues[0].message if t.r.issues else "no lines"
            raise InvalidInputError(
                f"the log has no request or response records ({first})", field="log"
            )
        ctx = Context(
            catalog=self.catalog,
            entry=self.entry,
            provider=self.provider,
            encoding=self.encoding,
            keep_system=self.keep_system,
            distill=self.distill,
            examples=self.examples,
            counter=self.counter,
        )
        return build_report(ctx, t, scan.bytes)


def _long_line(line: int, scan: LineScan) -> BatchResult:
    from ftcost.tokens import Issue

    issue = Issue(
        line=line,
        severity="error",
        code="line_too_long",
        message="the line is over the line limit (skipped without being read into memory)",
    )
    return BatchResult(lines=1, issues=[issue], codes={"line_too_long": 1})


def analyze_traffic(
    chunks: Iterable[bytes],
    *,
    catalog: Catalog,
    model: str,
    provider: str | None = None,
    format: TrafficFormat | None = None,
    keep_system: bool = False,
    distill: bool = False,
    examples: int = DEFAULT_EXAMPLES,
    counter: Any = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    max_line_bytes: int = 64 << 20,
) -> TrafficReport:
    """Analyse a request log given as byte chunks (see the module docstring)."""
    with TrafficAnalyzer(
        catalog=catalog,
        model=model,
        provider=provider,
        format=format,
        keep_system=keep_system,
        distill=distill,
        examples=examples,
        counter=counter,
        workers=workers,
        progress=progress,
        max_line_bytes=max_line_bytes,
    ) as analyzer:
        for chunk in chunks:
            analyzer.feed(chunk)
        return analyzer.finish()
