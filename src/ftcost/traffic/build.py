"""The report once the whole log has been read: groups, figures, volume, the Scenario.

The Scenario (``scenario``):

* ``base``: the shape observed, as means: prompt tokens, cached tokens (the log's counts, or
  the caching rule applied to each group's shared static prefix), output tokens; ``base.model``
  is the most frequent ``model`` of the requests when the catalog knows it (distillation from a
  larger model), else the model to fine-tune.
* ``fine_tuned``: each request without its group's shared prefix (``keep_system``: without the
  few-shot part only; the system instructions stay); tool definitions stay.
* ``traffic.requests_per_month``: requests / span in days × 365.25 / 12 (0 without a span).
* ``training``: with ``distill``, the logged request/response pairs (tokens per epoch billed as
  for a dataset, epochs "auto"); otherwise ``examples`` examples shaped like a fine-tuned
  request and its answer (an assumption the report states).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from ftcost.catalog import Catalog, ModelEntry, find_price, resolve_model
from ftcost.engine import (
    Distribution,
    Fixed,
    Lognormal,
    Scenario,
    Triangular,
    auto_epochs,
    prefix_cached_tokens,
)
from ftcost.errors import FtcostError
from ftcost.tokens import METHOD
from ftcost.traffic.latency import calibrate
from ftcost.traffic.prefix import prefix_tokens, system_tokens, turns
from ftcost.traffic.report import (
    DistillReport,
    DistillTierCost,
    LatencyReport,
    PrefixGroup,
    TrafficReport,
    UsageCheck,
)
from ftcost.traffic.stats import Stats, cached_by_rule, hist_stats
from ftcost.traffic.totals import OVERFLOW_KEY, Totals


@dataclass(frozen=True)
class Context:
    """What the analysis was asked for: model, options, catalog and counter."""

    catalog: Catalog
    entry: ModelEntry
    provider: str
    encoding: str
    keep_system: bool
    distill: bool
    examples: int
    counter: Any


__all__ = ["Context", "build_report"]

DAYS_PER_MONTH = 365.25 / 12
_ASSISTANT_OVERHEAD = 3  # per message, plus the tokens of "assistant"


class _Groups:
    """Per-group figures and the request-weighted histograms built from them."""

    def __init__(self, a: Context, t: Totals) -> None:
        self.rows: list[PrefixGroup] = []
        self.prompt: dict[int, int] = {}
        self.variable: dict[int, int] = {}
        self.prefix: dict[int, int] = {}
        self.ft_prompt: dict[int, int] = {}
        self.cacheable: dict[int, int] = {}
        self.ft_cacheable: dict[int, int] = {}
        self.removed: dict[int, int] = {}
        total = sum(g.requests for g in t.r.groups.values())
        for key, g in sorted(t.r.groups.items(), key=lambda kv: (-kv[1].requests, kv[0])):
            shared = g.requests >= 2 and key not in (b"", OVERFLOW_KEY)
            least = min(g.prompt_hist)
            prefix = min(prefix_tokens(g.units), least) if shared else 0
            system = min(system_tokens(g.units), prefix) if shared else 0
            removed = prefix - system if a.keep_system else prefix
            cacheable = min(cached_by_rule(g.tools_tokens + prefix), least)
            kept_static = g.tools_tokens + (system if a.keep_system else 0)
            for p, c in g.prompt_hist.items():
                self.prompt[p] = self.prompt.get(p, 0) + c
                self.variable[p - prefix] = self.variable.get(p - prefix, 0) + c
                self.ft_prompt[p - removed] = self.ft_prompt.get(p - removed, 0) + c
            self.prefix[prefix] = self.prefix.get(prefix, 0) + g.requests
            self.removed[removed] = self.removed.get(removed, 0) + g.requests
            self.cacheable[cacheable] = self.cacheable.get(cacheable, 0) + g.requests
            ft_cache = cached_by_rule(kept_static)
            self.ft_cacheable[ft_cache] = self.ft_cacheable.get(ft_cache, 0) + g.requests
            self.rows.append(
                PrefixGroup(
                    id=key.hex()[:12] if key else "none",
                    preview=g.preview,
                    requests=g.requests,
                    share=g.requests / total if total else 0.0,
                    prefix_tokens=prefix,
                    system_prefix_tokens=system,
                    few_shot_turns=turns(g.units) if shared else 0,
                    tools_tokens=g.tools_tokens,
                    cacheable_tokens=cacheable,
                    prompt_tokens=hist_stats(g.prompt_hist),
                    variable_prompt_tokens=hist_stats(
                        {p - prefix: c for p, c in g.prompt_hist.items()}
                    ),
                )
            )


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).isoformat().replace("+00:00", "Z")


def _mean(s: Stats) -> float:
    return s.mean if s.mean is not None else 0.0


def _base_model(a: Context, models: dict[str, int]) -> tuple[str | None, str]:
    """(base.model for the scenario or None, the id the timings belong to)."""
    if models:
        name = max(models.items(), key=lambda kv: (kv[1], kv[0]))[0]
        try:
            rm = resolve_model(a.catalog, name, a.provider)
        except FtcostError:
            return None, a.entry.id
        if rm.entry.id != a.entry.id:
            return name, rm.entry.id
    return None, a.entry.id


def _tier_costs(a: Context, training_tokens: int) -> list[DistillTierCost]:
    out: list[DistillTierCost] = []
    for tier in a.entry.tiers:
        if "sft" not in a.entry.methods:
            out.append(DistillTierCost(tier=tier, available=False, note=f"{a.entry.id}: no SFT"))
            continue
        try:
            price = find_price(a.entry, "training", tier, method="sft")
        except FtcostError as exc:
            out.append(DistillTierCost(tier=tier, available=False, note=exc.detail))
            continue
        value = float(price.value or 0.0)
        out.append(
            DistillTierCost(
                tier=tier,
                available=True,
                usd=training_tokens / 1e6 * value,
                usd_per_mtok=value,
                note=price.rule if price.status == "derived" else price.note,
            )
        )
    return out


def _distill(a: Context, t: Totals) -> DistillReport | None:
    r = t.r
    if not a.distill or r.examples == 0:
        return None
    epochs = auto_epochs(r.examples)
    return DistillReport(
        examples=r.examples,
        tokens=r.example_tokens,
        tokens_per_epoch=r.example_billed,
        truncated_examples=r.truncated,
        example_tokens=hist_stats(r.example_hist),
        epochs=epochs,
        epochs_auto=True,
        training_tokens=r.example_billed * epochs,
        cost=_tier_costs(a, r.example_billed * epochs),
    )


def _distribution(s: Stats) -> Distribution | None:
    if s.count == 0 or s.p10 is None or s.p50 is None or s.p90 is None:
        return None
    if s.p10 == s.p90:
        return Fixed(value=s.p50)
    if s.p10 > 0:
        return Lognormal(p10=s.p10, p90=s.p90)
    return Triangular(low=s.p10, mode=s.p50, high=s.p90)


def _assistant_tokens(a: Context) -> int:
    from ftcost import tokens

    n = tokens.text_length(a.counter or tokens.default_counter(), a.encoding)
    return _ASSISTANT_OVERHEAD + n("assistant")


class _Figures:
    """The per-request figures of the whole log."""

    def __init__(self, a: Context, t: Totals) -> None:
        r = t.r
        g = self.groups = _Groups(a, t)
        self.from_usage = not g.prompt and bool(r.usage_prompt_hist)
        if self.from_usage:  # only responses (a Batch output file): prompts as usage says
            g.prompt = g.variable = g.ft_prompt = dict(r.usage_prompt_hist)
        self.prompt = hist_stats(g.prompt)
        self.output = hist_stats(r.output_hist)
        self.observed = bool(r.cached_hist)
        self.cached = hist_stats(r.cached_hist if self.observed else g.cacheable)
        self.ft_prompt = hist_stats(g.ft_prompt)
        self.removed = hist_stats(g.removed)
        self.ft_cacheable = hist_stats(g.ft_cacheable)
        self.span: float | None = None
        if r.first_ts is not None and r.last_ts is not None and r.last_ts > r.first_ts:
            self.span = (r.last_ts - r.first_ts) / 86400.0
        volume = r.requests or r.responses
        self.per_month = volume / self.span * DAYS_PER_MONTH if self.span else None


# The Scenario's own bounds (``ftcost.engine`` rejects larger values).
_MAX_TOKENS = 100_000_000
_MAX_FILE_TOKENS = 1_000_000_000_000
_MAX_REQUESTS = 1e12


def _scenario(
    a: Context, f: _Figures, distill: DistillReport | None, base_model: str | None
) -> tuple[Scenario, list[str]]:
    """The Scenario, and the fields clipped to its bounds."""
    clipped: list[str] = []

    def clip(name: str, x: float, high: float) -> Any:
        if x > high:
            clipped.append(name)
            return type(x)(high)
        return x

    base_prompt = clip("base.prompt_tokens", round(_mean(f.prompt)), _MAX_TOKENS)
    ft_tokens = clip("fine_tuned.prompt_tokens", round(_mean(f.ft_prompt)), _MAX_TOKENS)
    if f.observed:
        ft_cached = max(0, round(_mean(f.cached) - _mean(f.removed)))
    else:
        ft_cached = round(_mean(f.ft_cacheable))
    output_mean = clip("base.output_tokens", round(_mean(f.output)), _MAX_TOKENS)
    training: dict[str, Any] = {"method": "sft", "epochs": "auto"}
    if a.distill and distill is not None:
        tokens, examples = distill.tokens_per_epoch, distill.examples
    else:
        tokens = a.examples * (ft_tokens + output_mean + _assistant_tokens(a))
        examples = a.examples
    training["tokens_per_epoch"] = clip("training.tokens_per_epoch", tokens, _MAX_FILE_TOKENS)
    training["examples"] = clip("training.examples", examples, _MAX_FILE_TOKENS)
    # A mean of cached counts need not be a count the provider's caching rule allows (1,024,
    # then 128-token steps): the scenario takes the allowed count at or below it.
    rules = a.catalog.provider(a.provider).caching
    base: dict[str, Any] = {
        "prompt_tokens": base_prompt,
        "cached_prompt_tokens": prefix_cached_tokens(rules, round(_mean(f.cached)), base_prompt),
        "output_tokens": output_mean,
    }
    if base_model is not None:
        base["model"] = base_model
    per_month = clip("traffic.requests_per_month", f.per_month or 0.0, _MAX_REQUESTS)
    scenario = msgspec.convert(
        {
            "model": a.entry.id,
            "provider": a.provider,
            "base": base,
            "fine_tuned": {
                "prompt_tokens": ft_tokens,
                "cached_prompt_tokens": prefix_cached_tokens(rules, ft_cached, ft_tokens),
            },
            "training": training,
            "traffic": {"requests_per_month": per_month},
        },
        Scenario,
    )
    return scenario, clipped


def _distributions(f: _Figures) -> dict[str, Distribution]:
    out: dict[str, Distribution] = {}
    for name, stats in (
        ("base.prompt_tokens", f.prompt),
        ("fine_tuned.prompt_tokens", f.ft_prompt),
        ("base.output_tokens", f.output),
    ):
        d = _distribution(stats)
        if d is not None:
            out[name] = d
    return out


def _usage_check(t: Totals) -> UsageCheck:
    r = t.r
    compared = r.usage_compared
    return UsageCheck(
        compared=compared,
        mismatches=r.usage_mismatches,
        mismatch_rate=r.usage_mismatches / compared if compared else None,
        mean_abs_difference=r.usage_abs_diff / r.usage_mismatches if r.usage_mismatches else None,
    )


def build_report(a: Context, t: Totals, nbytes: int) -> TrafficReport:
    """The TrafficReport of the merged totals."""
    r = t.r
    f = _Figures(a, t)
    base_model, timing_model = _base_model(a, r.models)
    latency = None
    if r.ttft_hist or r.e2e_hist:
        latency = LatencyReport(
            ttft_s=hist_stats(r.ttft_hist, 0.001),
            e2e_s=hist_stats(r.e2e_hist, 0.001),
            calibration=calibrate(t.sample.rows()),
            model=timing_model,
        )
    distill = _distill(a, t)
    scenario, clipped = _scenario(a, f, distill, base_model)
    issues = sorted(r.issues, key=lambda i: (i.line or 0, i.code))
    return TrafficReport(
        provider=a.provider,
        model=a.entry.id,
        encoding=a.encoding,
        lines=r.lines,
        bytes=nbytes,
        records=dict(sorted(r.kinds.items())),
        requests=r.requests,
        responses=r.responses,
        models=dict(sorted(r.models.items(), key=lambda kv: (-kv[1], kv[0]))),
        span_days=f.span,
        first_timestamp=_iso(r.first_ts),
        last_timestamp=_iso(r.last_ts),
        requests_per_month=f.per_month,
        peak_requests_per_minute=max(r.minutes.values()) if r.minutes else None,
        prompt_tokens=f.prompt,
        variable_prompt_tokens=hist_stats(f.groups.variable),
        shared_prefix_tokens=hist_stats(f.groups.prefix),
        output_tokens=f.output,
        cached_tokens=f.cached,
        cached_source="observed" if f.observed else "estimated",
        groups=f.groups.rows,
        usage_check=_usage_check(t),
        latency=latency,
        distill=distill,
        scenario=scenario,
        distributions=_distributions(f),
        ok=not any(i.severity == "error" for i in issues),
        issues=issues,
        issue_counts=dict(sorted(r.codes.items())),
        assumptions=_assumptions(a, f, distill is not None)
        + (
            [
                "Clipped to the Scenario's bounds (the log's figures are larger): "
                + ", ".join(clipped)
                + "."
            ]
            if clipped
            else []
        ),
        catalog=a.catalog.provider_info(a.provider),
    )


def _assumptions(a: Context, f: _Figures, has_pairs: bool) -> list[str]:
    out = [
        f"Prompt tokens are counted with tiktoken's {a.encoding} ({METHOD}).",
        "Requests are grouped by their tool definitions and the start of their first static "
        "message; the static messages are those before the last user message. A group's shared "
        "prefix is the longest common prefix of its members' static messages (whole messages, "
        "then common leading content tokens); a group of one request has none.",
        "The fine-tuned prompt is each request without its group's shared prefix"
        + (" except the system instructions" if a.keep_system else "")
        + "; tool definitions stay.",
    ]
    if f.from_usage:
        out.append(
            "The log has no requests: prompt tokens are the responses' usage.prompt_tokens, "
            "and no shared prefix is known (give the Batch input file too)."
        )
    if f.observed:
        out.append("Cached tokens are the log's usage.prompt_tokens_details.cached_tokens.")
    else:
        out.append(
            "The log has no cached-token counts: cached tokens follow the provider's rule "
            "(prompts of 1,024 tokens or more; the shared prefix cached from 1,024 tokens in "
            "128-token increments), assuming each group's prefix stays in the cache."
        )
    if f.per_month is None:
        out.append(
            "The log has no time span (timestamps): requests_per_month is null and the "
            "scenario's traffic is 0; give --requests-per-month."
        )
    else:
        out.append("requests_per_month = requests / span in days × 365.25 / 12.")
    if a.distill:
        if has_pairs:
            out.append(
                "Distillation: each logged request with its response is a training example, "
                "counted as a chat example (each capped at the training-example limit); "
                "epochs follow the cookbook heuristic."
            )
        else:
            out.append("Distillation asked for, but no record pairs a request with a response.")
    else:
        out.append(
            f"Training data is assumed: {a.examples} examples shaped like a fine-tuned request "
            "and its answer (give --distill, --dataset or --training-tokens to replace it)."
        )
    if "sft" not in a.entry.methods:
        offered = ", ".join(m.upper() for m in a.entry.methods) or "none"
        out.append(
            f"{a.entry.id} does not offer SFT (methods: {offered}): the scenario's training is "
            "SFT as written; set its method (and rft_hours for RFT) before estimating."
        )
    out.append(
        "distributions describe the spread of single requests (lognormal through p10/p90); as "
        "uncertainty about monthly averages they are wide."
    )
    return out
