"""Streamed analysis of a fine-tuning JSONL file: tokens, billed tokens, epochs, cost, checks.

The one entry point (the core does no file I/O; callers pass byte chunks)::

    report = analyze_dataset(
        chunks,                      # Iterable[bytes]: the training file, any chunking
        catalog=catalog,             # ftcost.catalog.store.Catalog
        model="gpt-4.1-mini",        # name, alias or fine-tuned id
        provider=None,               # "azure" | "openai" | None (first match)
        epochs="auto",               # int >= 1 or "auto" (ftcost.engine.estimate.auto_epochs)
        format=None,                 # None = detect | "chat" | "prompt_completion" | "dpo" | "rft"
        validation=None,             # Iterable[bytes] of a validation file (reported, not billed)
        counter=None,                # a TokenCounter; None = the tiktoken counter
        workers=1,                   # > 1: worker processes (see ftcost.dataset.parallel)
        progress=None,               # Callable[[bytes_done], None]
    )
    report.examples, report.tokens.billed_per_epoch, report.training_tokens, report.epochs.value

``DatasetAnalyzer`` is the same thing fed incrementally (``feed(chunk)`` … ``finish()``), for
callers that receive the file piece by piece (the HTTP upload). A file with no lines raises
``InvalidInputError``; every other problem becomes an issue in the report (``ok`` is false
when any issue is an error).

Formats (detected from the first lines; ``format`` forces one):
``chat`` (``messages``, optional ``tools``/``functions``), ``prompt_completion``
(``prompt``/``completion``: babbage-002, davinci-002), ``dpo`` (``input.messages``,
``preferred_output``, ``non_preferred_output``) and ``rft`` (``messages``; other keys are for
graders and not counted). Token counting is described in ``ftcost.tokens.counter`` and
``ftcost.tokens.chat``; checks in ``ftcost.dataset.checks``; streaming and memory in
``ftcost.dataset.stream``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, get_args

import msgspec

from ftcost import tokens
from ftcost.catalog import Catalog, CatalogInfo, IntFigure, Method, find_price, resolve_model
from ftcost.dataset.checks import BatchParams, DatasetFormat
from ftcost.dataset.format import detect_format, find_separator
from ftcost.dataset.report import (
    FORMAT_METHOD,
    DatasetLimits,
    DatasetReport,
    EpochsInfo,
    SplitReport,
    TierCost,
    TokenStats,
    duplicate_issues,
    per_example,
    tier_costs,
)
from ftcost.dataset.stream import FileScan
from ftcost.engine import auto_epochs
from ftcost.errors import InvalidInputError
from ftcost.tokens import METHOD, EstimatePart, Issue, estimate_method

__all__ = ["FORMATS", "DatasetAnalyzer", "DatasetFormat", "analyze_dataset", "detect_format"]

FORMATS: tuple[str, ...] = get_args(DatasetFormat)
DEFAULT_MIN_EXAMPLES = 10
RECOMMENDED_EXAMPLES = 100
DEFAULT_FILE_BYTES = 512 * 1024 * 1024
MAX_EPOCHS = 1000
_PROMPT_COMPLETION_MODELS = ("babbage-002", "davinci-002")
_EPOCH_RULE = (
    "OpenAI cookbook heuristic: 3, or min(25, 100 // n) when 3n < 100, or max(1, 25000 // n) "
    "when 3n > 25000 (n = examples); the service may choose differently"
)

Epochs = int | Literal["auto"]


def _value(fig: IntFigure | None) -> int | None:
    return int(fig.value) if fig is not None and fig.value is not None else None


class DatasetAnalyzer:
    """A training file (and optionally a validation file) analysed as it streams in."""

    def __init__(
        self,
        *,
        catalog: Catalog,
        model: str,
        provider: str | None = None,
        epochs: Epochs = "auto",
        format: DatasetFormat | None = None,
        counter: Any = None,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
        batch_bytes: int = 1 << 20,
        max_line_bytes: int = 64 << 20,
    ) -> None:
        if epochs != "auto" and (
            isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= MAX_EPOCHS
        ):
            raise InvalidInputError(
                f"epochs must be a whole number from 1 to {MAX_EPOCHS}, or 'auto'", field="epochs"
            )
        if format is not None and format not in FORMATS:
            raise InvalidInputError(
                f"unknown format {format!r}; formats: {', '.join(FORMATS)}", field="format"
            )
        if workers < 1:
            raise InvalidInputError("workers must be at least 1", field="workers")
        resolved = resolve_model(catalog, model, provider)
        self.entry = resolved.entry
        self.provider = resolved.provider
        name = self.entry.counts_with()
        if name is None:
            raise InvalidInputError(f"no encoding known for {self.entry.id}", field="model")
        self.encoding: str = name
        if not tokens.is_tiktoken(name):
            # Another tokenizer (a tokenizer.json, or the characters estimate) counts in this
            # process: the worker pool loads tiktoken encodings only.
            workers = 1
            if counter is None or not callable(getattr(counter, "estimated", None)):
                counter = tokens.OtherTokenizerCounter(base=counter)
        self._counter_used = counter
        self.catalog_info = catalog.provider_info(resolved.provider)
        self.epochs = epochs
        self.forced_format = format
        self.limits = DatasetLimits(
            training_example_tokens=_value(self.entry.limits.training_example_tokens),
            job_tokens=_value(self.entry.limits.job_tokens),
            min_examples=_value(self.entry.limits.min_examples),
            file_bytes=_value(self.entry.limits.file_bytes),
        )
        self._scan_args: dict[str, Any] = {
            "counter": counter,
            "workers": workers,
            "batch_bytes": batch_bytes,
            "max_line_bytes": max_line_bytes,
        }
        self.max_line_bytes = max_line_bytes
        self.format: DatasetFormat = format or "chat"
        self.format_detected = False
        self.separator: str | None = None
        self._scan = FileScan(decide=self._decide, progress=progress, **self._scan_args)

    def __enter__(self) -> DatasetAnalyzer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def feed(self, chunk: bytes) -> None:
        """The next piece of the training file."""
        self._scan.feed(chunk)

    def close(self) -> None:
        """Stop worker processes, if any are running."""
        self._scan.close()

    def _decide(self, blob: bytes) -> BatchParams:
        prefer_rft = self.entry.methods == ["rft"]
        found, prompts = detect_format(blob, prefer_rft=prefer_rft)
        if self.forced_format is None:
            self.format = found or ("rft" if prefer_rft else "chat")
            self.format_detected = found is not None
        if self.format == "prompt_completion":
            self.separator = find_separator(prompts)
        return self._params()

    def _params(self) -> BatchParams:
        return BatchParams(
            encoding=self.encoding,
            format=self.format,
            example_limit=self.limits.training_example_tokens,
            separator=self.separator,
            max_line_bytes=self.max_line_bytes,
        )

    def finish(self, validation: Iterable[bytes] | None = None) -> DatasetReport:
        """The report: the training file fed so far, and the validation file if given."""
        scan = self._scan
        scan.finish()
        scan.close()
        _require_lines(scan, "the training file")
        issues, codes = _file_issues(scan)
        split: SplitReport | None = None
        if validation is not None:
            vscan = FileScan(decide=lambda _: self._params(), **self._scan_args)
            try:
                for chunk in validation:
                    vscan.feed(chunk)
                vscan.finish()
            finally:
                vscan.close()
            _require_lines(vscan, "the validation file")
            vissues, vcodes = _file_issues(vscan)
            split = SplitReport(
                examples=vscan.examples,
                lines=vscan.lines,
                bytes=vscan.bytes,
                tokens=_token_stats(vscan),
                truncated_examples=vscan.truncated,
                issues=vissues,
                issue_counts=vcodes,
            )
        return self._report(scan, issues, codes, split)

    def _report(
        self,
        scan: FileScan,
        line_issues: list[Issue],
        codes: dict[str, int],
        split: SplitReport | None,
    ) -> DatasetReport:
        entry, lim = self.entry, self.limits
        method = FORMAT_METHOD[self.format]
        auto = self.epochs == "auto"
        epochs = auto_epochs(scan.examples) if auto else int(self.epochs)
        training_tokens = scan.billed * epochs
        whole: list[Issue] = []

        def add(severity: Literal["error", "warning", "info"], code: str, message: str) -> None:
            whole.append(Issue(line=None, severity=severity, code=code, message=message))
            codes[code] = codes.get(code, 0) + 1

        if method not in entry.methods:
            offered = ", ".join(m.upper() for m in entry.methods) or "none"
            add(
                "error",
                "method_unsupported",
                f"{self.format} data trains with {method.upper()}, which {entry.id} does not "
                f"offer (methods: {offered})",
            )
        pc_model = entry.id.startswith(_PROMPT_COMPLETION_MODELS)
        if (self.format == "prompt_completion") != pc_model and method == "sft":
            want = "prompt/completion" if pc_model else "chat (messages)"
            add("error", "format_mismatch", f"{entry.id} trains on {want} examples")
        if self.format == "prompt_completion" and self.separator is None:
            add(
                "warning",
                "missing_separator",
                "the prompts do not end with a common separator (e.g. '\\n\\n###\\n\\n')",
            )
        minimum = lim.min_examples or DEFAULT_MIN_EXAMPLES
        if scan.examples < minimum:
            add(
                "error",
                "too_few_examples",
                f"{scan.examples} examples: at least {minimum} are required",
            )
        elif scan.examples < RECOMMENDED_EXAMPLES:
            add(
                "warning",
                "few_examples",
                f"{scan.examples} examples: fewer than {RECOMMENDED_EXAMPLES}; 50–100 well-made "
                "examples is the usual starting point for a clear improvement",
            )
        max_bytes = lim.file_bytes or DEFAULT_FILE_BYTES
        if scan.bytes > max_bytes:
            add(
                "warning",
                "file_too_large",
                f"the file is {scan.bytes} bytes, over the {max_bytes}-byte upload limit",
            )
        if lim.job_tokens is not None and training_tokens > lim.job_tokens:
            add(
                "error",
                "job_tokens_over_limit",
                f"{training_tokens} training tokens ({scan.billed} × {epochs} epochs) exceed the "
                f"job limit of {lim.job_tokens}",
            )
        issues = whole + line_issues
        all_issues = issues + (split.issues if split else [])
        estimates = [
            EstimatePart(part=p, examples=ex, tokens=tok, method=estimate_method(p))
            for p, (ex, tok) in sorted(scan.estimates.items())
        ]
        return DatasetReport(
            provider=self.provider,
            model=entry.id,
            encoding=self.encoding,
            format=self.format,
            format_detected=self.format_detected,
            method=method,
            examples=scan.examples,
            lines=scan.lines,
            bytes=scan.bytes,
            tokens=_token_stats(scan),
            epochs=EpochsInfo(value=epochs, auto=auto, rule=_EPOCH_RULE if auto else "given"),
            training_tokens=training_tokens,
            truncated_examples=scan.truncated,
            ok=not any(i.severity == "error" for i in all_issues),
            issues=issues,
            issue_counts=dict(sorted(codes.items())),
            validation=split,
            cost=(cost := tier_costs(entry, method, training_tokens)),
            estimates=estimates,
            limits=lim,
            assumptions=self._assumptions(method, split is not None),
            catalog=self._catalog_info(method, cost),
            counting_method=self._counting_method(),
        )

    def _catalog_info(self, method: Method, cost: list[TierCost]) -> CatalogInfo:
        """The catalog info with the oldest training price the cost table used (no start
        date here: its age is the Projection's to tell)."""
        used = [
            find_price(self.entry, "training", tier, method=method).as_of
            for tier in self.entry.tiers
            if any(tc.available and tc.tier == tier for tc in cost)
        ]
        if not used:
            return self.catalog_info
        return msgspec.structs.replace(self.catalog_info, prices_used_as_of=min(used).isoformat())

    def _counting_method(self) -> str:
        if tokens.is_tiktoken(self.encoding):
            return METHOD
        chat = METHOD.split("; ", 1)[-1]  # the chat rules, without "tiktoken with …"
        return f"{tokens.counting_method(self._counter_used, self.encoding)}; {chat}"

    def _counting_sentence(self) -> str:
        if tokens.is_tiktoken(self.encoding):
            return f"Tokens are counted with tiktoken's {self.encoding} ({METHOD})."
        if tokens.is_estimated(self._counter_used, self.encoding):
            return (
                f"Token counts are ESTIMATES for {self.entry.id} ({self.encoding}): "
                f"{tokens.ESTIMATE_METHOD}."
            )
        how = tokens.counting_method(self._counter_used, self.encoding)
        return f"Tokens are counted with the {how}."

    def _assumptions(self, method: str, has_validation: bool) -> list[str]:
        lim = self.limits.training_example_tokens
        out = [
            self._counting_sentence(),
            (
                f"Each example is billed up to the {lim}-token training-example limit; longer "
                "examples are truncated, not rejected."
                if lim is not None
                else "The catalog gives no training-example limit: no example is truncated."
            ),
            "Training tokens = billed tokens per epoch × epochs; costs use the catalog's "
            "reference (region-less) list prices.",
            "Duplicates are byte-identical lines (surrounding whitespace ignored).",
        ]
        if self.epochs == "auto":
            out.append(f'Epochs "auto": {_EPOCH_RULE}.')
        if has_validation:
            out.append("Validation tokens are reported but not billed.")
        if self.format == "dpo":
            out.append(
                "DPO examples count the input once plus both the preferred and the "
                "non-preferred output (no provider documents DPO token billing)."
            )
        if self.format == "prompt_completion":
            out.append("Prompt/completion examples count prompt + completion, no overhead.")
        if method == "rft":
            out.append(
                "RFT is billed per training hour and grader tokens; the counts here are the "
                "prompts only."
            )
        return out


def _require_lines(scan: FileScan, what: str) -> None:
    if scan.bytes == 0:
        raise InvalidInputError(f"{what} is empty (0 bytes): nothing to analyse", field="dataset")
    if not scan.nonblank:
        raise InvalidInputError(f"{what} has only blank lines: nothing to analyse", field="dataset")


def _file_issues(scan: FileScan) -> tuple[list[Issue], dict[str, int]]:
    codes = dict(scan.codes)
    dups, count = duplicate_issues(scan.hashes, scan.hash_lines)
    if count:
        codes["duplicate"] = count
    issues = sorted(scan.issues + dups, key=lambda i: (i.line or 0, i.code))
    return issues, codes


def _token_stats(scan: FileScan) -> TokenStats:
    return TokenStats(
        total=scan.tokens, billed_per_epoch=scan.billed, per_example=per_example(scan.hist)
    )


def analyze_dataset(
    chunks: Iterable[bytes],
    *,
    catalog: Catalog,
    model: str,
    provider: str | None = None,
    epochs: Epochs = "auto",
    format: DatasetFormat | None = None,
    validation: Iterable[bytes] | None = None,
    counter: Any = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    max_line_bytes: int = 64 << 20,
) -> DatasetReport:
    """Analyse a training file given as byte chunks (see the module docstring)."""
    with DatasetAnalyzer(
        catalog=catalog,
        model=model,
        provider=provider,
        epochs=epochs,
        format=format,
        counter=counter,
        workers=workers,
        progress=progress,
        max_line_bytes=max_line_bytes,
    ) as analyzer:
        for chunk in chunks:
            analyzer.feed(chunk)
        return analyzer.finish(validation)
