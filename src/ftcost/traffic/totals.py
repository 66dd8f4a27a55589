"""The merged aggregates of every batch of one log (``Totals``), bounded in size."""

from __future__ import annotations

from ftcost.traffic.batch import ISSUE_CAP, BatchResult, GroupPart, merge_group
from ftcost.traffic.stats import Sample, add_hist

__all__ = ["MAX_GROUPS", "OVERFLOW_KEY", "Totals"]

MAX_GROUPS = 1000
OVERFLOW_KEY = b"\xff" * 16


class Totals:
    """The merged aggregates of every batch so far."""

    def __init__(self, sample_size: int) -> None:
        self.r = BatchResult(
            kinds={}, groups={}, output_hist={}, cached_hist={}, minutes={}, ttft_hist={},
            e2e_hist={}, example_hist={}, models={}, issues=[], codes={}, sample=[],
            usage_prompt_hist={},
        )  # fmt: skip
        self.sample = Sample(sample_size)
        self.overflow_requests = 0

    def merge(self, b: BatchResult) -> None:
        r = self.r
        for name in ("lines", "requests", "responses", "usage_compared", "usage_mismatches",
                     "usage_abs_diff", "timestamps", "examples", "example_tokens",
                     "example_billed", "truncated"):  # fmt: skip
            setattr(r, name, getattr(r, name) + getattr(b, name))
        for name in ("kinds", "output_hist", "cached_hist", "minutes", "ttft_hist", "e2e_hist",
                     "example_hist", "models", "usage_prompt_hist"):  # fmt: skip
            add_hist(getattr(r, name), getattr(b, name))
        if b.first_ts is not None:
            r.first_ts = b.first_ts if r.first_ts is None else min(r.first_ts, b.first_ts)
        if b.last_ts is not None:
            r.last_ts = b.last_ts if r.last_ts is None else max(r.last_ts, b.last_ts)
        self.sample.extend(b.sample)
        for key, part in b.groups.items():
            have = r.groups.get(key)
            if have is not None:
                merge_group(have, part)
            elif len(r.groups) < MAX_GROUPS or key == b"":
                r.groups[key] = part
            else:
                self.overflow_requests += part.requests
                pool = r.groups.get(OVERFLOW_KEY)
                if pool is None:
                    r.groups[OVERFLOW_KEY] = GroupPart(
                        units=[], requests=part.requests, prompt_hist=dict(part.prompt_hist),
                        tools_tokens=0, preview="(other groups, beyond the first "
                        f"{MAX_GROUPS})",
                    )  # fmt: skip
                else:
                    pool.requests += part.requests
                    add_hist(pool.prompt_hist, part.prompt_hist)
        kept: dict[str, int] = {}
        for issue in b.issues:
            kept[issue.code] = kept.get(issue.code, 0) + 1
            if r.codes.get(issue.code, 0) + kept[issue.code] <= ISSUE_CAP:
                r.issues.append(issue)
        for code, count in b.codes.items():
            r.codes[code] = r.codes.get(code, 0) + count
