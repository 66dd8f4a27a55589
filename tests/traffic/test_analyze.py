"""The traffic analysis on generated logs of known structure: prefixes, volumes, percentiles."""

from __future__ import annotations

import json

import msgspec
import numpy as np
import pytest
import traffic_data as td
from traffic_ref import RefCounter

from ftcost.catalog import Catalog
from ftcost.engine import auto_epochs, estimate
from ftcost.errors import InvalidInputError
from ftcost.traffic import Stats, TrafficAnalyzer, TrafficReport, analyze_traffic

MODEL = "gpt-4.1-mini"


def _run(catalog: Catalog, data: bytes, **kw: object) -> TrafficReport:
    return analyze_traffic([data], catalog=catalog, model=MODEL, **kw)


def _static(group: int) -> list[dict[str, str]]:
    return td.messages(group, "q")[:-1]


def _pct(values: list[int]) -> tuple[float, float, float, float]:
    p10, p50, p90 = np.percentile(np.array(values, dtype=float), [10, 50, 90])
    return float(p10), float(p50), float(p90), float(np.mean(values))


def _check(stats: Stats, values: list[int]) -> None:
    p10, p50, p90, mean = _pct(values)
    assert stats.p10 == pytest.approx(p10)
    assert stats.p50 == pytest.approx(p50)
    assert stats.p90 == pytest.approx(p90)
    assert stats.mean == pytest.approx(mean)
    assert stats.count == len(values)


@pytest.fixture(scope="module")
def log(ref: RefCounter) -> td.Log:
    """400 wrapped records over 10 days: two groups, usage, timings."""
    return td.generate(400, counter=ref)


@pytest.fixture(scope="module")
def report(catalog: Catalog, log: td.Log) -> TrafficReport:
    """The report of ``log``."""
    return _run(catalog, log.data())


def test_prefix_per_group_is_exact(report: TrafficReport, ref: RefCounter) -> None:
    """Each group's prefix is its system prompt and few-shot turns, to the token; shares and
    turns are exact."""
    groups = {g.few_shot_turns: g for g in report.groups}
    big, small = groups[2], groups[0]
    assert big.prefix_tokens == ref.messages(_static(0))
    assert big.system_prefix_tokens == ref.messages(_static(0)[:1])
    assert small.prefix_tokens == small.system_prefix_tokens == ref.messages(_static(1))
    assert (big.requests, small.requests) == (300, 100)
    assert (big.share, small.share) == (0.75, 0.25)
    assert big.preview.startswith("You are a support agent")


def test_token_figures(report: TrafficReport, log: td.Log, ref: RefCounter) -> None:
    """Prompt, shared prefix, variable and output tokens: p10/p50/p90/mean as numpy gives them."""
    prompts = [
        ref.prompt(td.messages(g, q)) for g, q in zip(log.groups, log.questions, strict=True)
    ]
    prefixes = [ref.messages(_static(g)) for g in log.groups]
    outputs = [ref.text(a) for a in log.answers]
    _check(report.prompt_tokens, prompts)
    _check(report.shared_prefix_tokens, prefixes)
    _check(report.variable_prompt_tokens, [p - x for p, x in zip(prompts, prefixes, strict=True)])
    _check(report.output_tokens, outputs)
    assert report.usage_check.compared == 400
    assert report.usage_check.mismatches == 0


def test_volume(report: TrafficReport) -> None:
    """Requests, span, requests per month and peak per minute are exact."""
    r = report
    assert r.requests == r.responses == 400
    assert r.span_days == pytest.approx(10.0)
    assert r.requests_per_month == pytest.approx(400 / 10 * 365.25 / 12)
    assert r.peak_requests_per_minute == 1
    assert r.first_timestamp == "2026-03-01T00:00:00Z"
    assert r.last_timestamp == "2026-03-11T00:00:00Z"
    assert r.scenario.traffic.requests_per_month == pytest.approx(r.requests_per_month)


def test_peak_per_minute(catalog: Catalog, ref: RefCounter) -> None:
    """Seven requests within one minute make a peak of seven."""
    log = td.generate(3, counter=ref, span_days=1.0)
    burst = json.loads(log.lines[0])
    lines = list(log.lines)
    for k in range(6):
        burst["timestamp"] = f"2026-03-01T00:00:{10 + k:02d}Z"
        lines.append(json.dumps(burst))
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    assert r.peak_requests_per_minute == 7
    assert r.requests == 9


def test_latency_calibration(report: TrafficReport) -> None:
    """The fitted law recovers the generating parameters within tolerance."""
    lat = report.latency
    cal = lat.calibration
    assert cal.samples == 400
    assert cal.t0_s.p50 == pytest.approx(td.T0_S, abs=0.02)
    assert cal.prefill_s_per_1k.p50 == pytest.approx(td.PREFILL_S_PER_1K, abs=0.01)
    assert cal.decode_tokens_per_s.p50 == pytest.approx(td.DECODE_TOKENS_PER_S, rel=0.05)
    assert cal.t0_s.p10 <= cal.t0_s.p50 <= cal.t0_s.p90
    assert cal.decode_pseudo_r2 > 0.8
    assert cal.e2e_median_abs_error_s < 0.03
    assert lat.model == "gpt-4.1-2025-04-14"  # the logged model, not the one to fine-tune
    assert lat.ttft_s.count == lat.e2e_s.count == 400


def test_scenario(report: TrafficReport, catalog: Catalog) -> None:
    """The scenario: base as observed (means), fine-tuned without the prefix, volume from the
    log; it estimates as it is."""
    s = report.scenario
    assert s.base.prompt_tokens == round(report.prompt_tokens.mean)
    assert s.base.output_tokens == round(report.output_tokens.mean)
    assert s.fine_tuned.prompt_tokens == round(report.variable_prompt_tokens.mean)
    assert s.base.model == "gpt-4.1"
    assert s.model == "gpt-4.1-mini-2025-04-14"
    import datetime as dt

    import msgspec

    p = estimate(msgspec.structs.replace(s, start_date=dt.date(2026, 12, 1)), catalog)
    assert p.per_request.savings_usd > 0
    assert set(report.distributions) == {
        "base.prompt_tokens",
        "fine_tuned.prompt_tokens",
        "base.output_tokens",
    }


def test_keep_system(catalog: Catalog, log: td.Log, ref: RefCounter) -> None:
    """--keep-system drops only the few-shot turns from the fine-tuned prompt."""
    r = _run(catalog, log.data(), keep_system=True)
    prompts = [
        ref.prompt(td.messages(g, q)) for g, q in zip(log.groups, log.questions, strict=True)
    ]
    dropped = [ref.messages(_static(g)[1:]) for g in log.groups]
    expect = np.mean([p - d for p, d in zip(prompts, dropped, strict=True)])
    assert r.scenario.fine_tuned.prompt_tokens == round(expect)


def test_distill(catalog: Catalog, log: td.Log, ref: RefCounter) -> None:
    """--distill: every request/response pair is an example counted as a chat example."""
    r = _run(catalog, log.data(), distill=True)
    per = [
        ref.prompt([*td.messages(g, q), {"role": "assistant", "content": a}])
        for g, q, a in zip(log.groups, log.questions, log.answers, strict=True)
    ]
    d = r.distill
    assert d.examples == 400
    assert d.tokens_per_epoch == d.tokens == sum(per)
    assert d.epochs == auto_epochs(400)
    glob = next(c for c in d.cost if c.tier == "global")
    assert glob.usd == pytest.approx(sum(per) * d.epochs / 1e6 * glob.usd_per_mtok)
    t = r.scenario.training
    assert (t.tokens_per_epoch, t.examples, t.epochs) == (sum(per), 400, "auto")


def test_cached_observed_and_by_rule(catalog: Catalog, ref: RefCounter) -> None:
    """Observed cached counts are used as they are; without them the provider rule applies to
    the shared prefix (1,024 tokens, then 128-token steps)."""
    observed = _run(catalog, td.generate(50, counter=ref, cached=True).data())
    assert observed.cached_source == "observed"
    assert observed.cached_tokens.count == 50
    long_system = "Policy clause: refunds need a ticket and a manager's approval. " * 120
    lines = []
    for i in range(20):
        msgs = [{"role": "system", "content": long_system}, {"role": "user", "content": f"q{i}"}]
        lines.append(json.dumps({"model": "gpt-4.1", "messages": msgs}))
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    prefix = ref.messages([{"role": "system", "content": long_system}])
    assert prefix > 1200
    expected = 1024 + (prefix - 1024) // 128 * 128
    assert r.cached_source == "estimated"
    assert r.groups[0].cacheable_tokens == expected
    assert r.cached_tokens.p50 == expected
    assert r.span_days is None
    assert r.requests_per_month is None
    assert r.scenario.traffic.requests_per_month == 0


def test_usage_mismatch(catalog: Catalog, ref: RefCounter) -> None:
    """Where usage.prompt_tokens differs from the count, the mismatch rate says how often."""
    log = td.generate(10, counter=ref)
    lines = []
    for i, line in enumerate(log.lines):
        rec = json.loads(line)
        if i < 3:
            rec["response"]["usage"]["prompt_tokens"] += 5
        lines.append(json.dumps(rec))
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    u = r.usage_check
    assert (u.compared, u.mismatches, u.mismatch_rate, u.mean_abs_difference) == (10, 3, 0.3, 5.0)


@pytest.mark.parametrize("shape", ["chat", "batch_input"])
def test_request_only_formats(catalog: Catalog, ref: RefCounter, shape: str) -> None:
    """Chat request bodies and Batch input lines: prompts and prefixes, no volume."""
    log = td.generate(40, counter=ref, shape=shape)
    r = _run(catalog, log.data())
    assert r.records == {shape: 40}
    assert r.requests == 40
    assert r.responses == 0
    assert r.groups[0].prefix_tokens == ref.messages(_static(0))
    assert r.requests_per_month is None


def test_batch_input_and_output(catalog: Catalog, ref: RefCounter) -> None:
    """A Batch input file followed by its output file: prompts from one, outputs, usage and
    the span (``created``) from the other."""
    inp = td.generate(30, counter=ref, shape="batch_input")
    out = td.generate(30, counter=ref, shape="batch_output", span_days=1.0)
    r = _run(catalog, inp.data() + out.data(), format="batch")
    assert r.records == {"batch_input": 30, "batch_output": 30}
    assert r.requests == r.responses == 30
    assert r.span_days == pytest.approx(1.0)
    _check(r.output_tokens, [ref.text(a) for a in out.answers])


def test_bad_lines_are_reported_and_skipped(catalog: Catalog, ref: RefCounter) -> None:
    """Invalid JSON, invalid UTF-8, unknown shapes and non-objects are counted with their line
    numbers; the other lines are analysed."""
    log = td.generate(6, counter=ref)
    lines = [x.encode() for x in log.lines]
    bad = [b"{not json", b'{"text": "\xff\xfe"}', b'{"hello": 1}', b"[1, 2]", b""]
    data = b"\n".join(lines[:2] + bad + lines[2:]) + b"\n"
    r = _run(catalog, data)
    assert r.requests == 6
    found = {(i.line, i.code) for i in r.issues}
    assert {
        (3, "invalid_json"),
        (4, "invalid_utf8"),
        (5, "unknown_shape"),
        (6, "not_object"),
    } <= found
    assert r.issue_counts == {
        "invalid_json": 1, "invalid_utf8": 1, "not_object": 1, "unknown_shape": 1,
    }  # fmt: skip
    assert r.ok is False
    assert r.lines == 11


def test_forced_format_reports_other_shapes(catalog: Catalog, ref: RefCounter) -> None:
    """A forced format reports lines of another shape instead of reading them."""
    data = td.generate(4, counter=ref).data()
    r = _run(catalog, data + td.generate(2, counter=ref, shape="chat").data(), format="wrapped")
    assert r.requests == 4
    assert r.issue_counts == {"unknown_shape": 2}


def test_empty_and_useless_logs(catalog: Catalog) -> None:
    """An empty log, or one with no record, is refused with a clear error."""
    with pytest.raises(InvalidInputError, match="empty"):
        _run(catalog, b"")
    with pytest.raises(InvalidInputError, match="no request or response"):
        _run(catalog, b"{bad\n")


def test_single_request_group_has_no_prefix(catalog: Catalog, ref: RefCounter) -> None:
    """A group of one request shares nothing: its prefix is 0."""
    r = _run(catalog, td.generate(1, counter=ref).data())
    assert r.groups[0].prefix_tokens == 0


def test_tools_stay_in_the_fine_tuned_prompt(catalog: Catalog, ref: RefCounter) -> None:
    """Tool definitions group requests and stay in the fine-tuned prompt."""
    params = {"type": "object", "properties": {"id": {"type": "string"}}}
    tool = {
        "type": "function",
        "function": {"name": "lookup", "description": "Find an order", "parameters": params},
    }
    lines = [
        json.dumps({"messages": td.messages(1, f"q {i}"), "tools": [tool]}) for i in range(5)
    ] + [json.dumps({"messages": td.messages(1, f"q {i}")}) for i in range(5)]
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    assert len(r.groups) == 2
    with_tools = next(g for g in r.groups if g.tools_tokens)
    assert with_tools.prefix_tokens == ref.messages(_static(1))
    assert with_tools.variable_prompt_tokens.min >= with_tools.tools_tokens


def test_workers_and_batches_agree(catalog: Catalog, log: td.Log, report: TrafficReport) -> None:
    """Worker processes and small batches give the same report as one pass."""
    with TrafficAnalyzer(catalog=catalog, model=MODEL, workers=2, batch_bytes=8192) as a:
        data = log.data()
        for k in range(0, len(data), 5000):
            a.feed(data[k : k + 5000])
        par = a.finish()
    assert par.groups == report.groups
    assert par.prompt_tokens == report.prompt_tokens
    assert par.output_tokens == report.output_tokens
    assert par.latency == report.latency
    assert par.scenario == report.scenario
    assert par.requests_per_month == report.requests_per_month


def test_prefix_ends_inside_a_message(catalog: Catalog, ref: RefCounter) -> None:
    """System prompts that share their start and differ at the end (a customer's name) share
    exactly their common leading tokens."""
    head = "You are the Contoso assistant. Follow the refund policy and be brief. " * 8
    names = ["Ana", "Bartholomew", "Chen Wei", "Dagmar"]
    lines = [
        json.dumps({"messages": [{"role": "system", "content": f"{head}Customer: {n}."},
                                 {"role": "user", "content": f"question {i}"}]})
        for i, n in enumerate(names * 3)
    ]  # fmt: skip
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    encoded = [ref.enc.encode_ordinary(f"{head}Customer: {n}.") for n in names]
    common = 0
    while all(len(e) > common and e[common] == encoded[0][common] for e in encoded):
        common += 1
    assert len(r.groups) == 1
    assert r.groups[0].prefix_tokens == common
    assert r.groups[0].few_shot_turns == 0


def test_conversation_history_is_not_shared(catalog: Catalog, ref: RefCounter) -> None:
    """Turns of different conversations share only the system prompt and few-shot turns."""
    lines = []
    for c in range(4):
        history: list[dict[str, str]] = []
        for turn in range(3):
            msgs = [*td.messages(0, f"conv {c} turn {turn}")[:-1], *history]
            msgs.append({"role": "user", "content": f"conv {c} turn {turn}"})
            lines.append(json.dumps({"messages": msgs}))
            history += [msgs[-1], {"role": "assistant", "content": f"answer {c}.{turn}"}]
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    assert r.groups[0].prefix_tokens == ref.messages(_static(0))
    assert r.groups[0].few_shot_turns == 2


def test_response_created_is_the_timestamp(catalog: Catalog, ref: RefCounter) -> None:
    """A wrapped record without a timestamp takes the response's `created`."""
    lines = []
    for i, line in enumerate(td.generate(5, counter=ref).lines):
        rec = json.loads(line)
        del rec["timestamp"]
        rec["response"]["created"] = 1_767_225_600 + i * 3600
        lines.append(json.dumps(rec))
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    assert r.span_days == pytest.approx(4 / 24)


def test_batch_output_alone(catalog: Catalog, ref: RefCounter) -> None:
    """A Batch output file alone: prompt tokens from usage, no shared prefix, said so."""
    out = td.generate(12, counter=ref, shape="batch_output")
    r = _run(catalog, out.data())
    prompts = [
        ref.prompt(td.messages(g, q)) for g, q in zip(out.groups, out.questions, strict=True)
    ]
    _check(r.prompt_tokens, prompts)
    assert r.requests == 0
    assert r.responses == 12
    assert r.scenario.fine_tuned.prompt_tokens == r.scenario.base.prompt_tokens
    assert any("no shared prefix is known" in x for x in r.assumptions)


def test_text_parts_share_a_prefix_too(catalog: Catalog, ref: RefCounter) -> None:
    """A system prompt given as text parts shares its common leading tokens like a string."""
    head = "You are the Contoso assistant. Follow the refund policy and be brief. " * 4
    lines = []
    for i in range(6):
        parts = [{"type": "text", "text": head}, {"type": "text", "text": f"Ticket {i}."}]
        msgs = [{"role": "system", "content": parts}, {"role": "user", "content": f"q {i}"}]
        lines.append(json.dumps({"messages": msgs}))
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    tickets = [ref.enc.encode_ordinary(f"Ticket {i}.") for i in range(6)]
    common = 0
    while all(len(t) > common and t[common] == tickets[0][common] for t in tickets):
        common += 1
    assert len(r.groups) == 1
    assert r.groups[0].prefix_tokens == ref.text(head) + common


def test_absurd_figures_stay_in_bounds(catalog: Catalog) -> None:
    """Requests a microsecond apart and absurd usage counts give a scenario within its
    bounds (clipped, and said so), not an error."""
    msgs = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
    huge = {"prompt_tokens": 10**15, "completion_tokens": 10**15}
    lines = [
        json.dumps({"timestamp": 1_767_225_600.0 + i * 1e-6, "request": {"messages": msgs},
                    "response": {"usage": huge}})
        for i in range(2)
    ] + [json.dumps({"custom_id": "x", "response": {"body": {"usage": huge}}})]  # fmt: skip
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    assert r.scenario.traffic.requests_per_month == 1e12
    assert r.scenario.base.output_tokens == 100_000_000
    assert any(a.startswith("Clipped") for a in r.assumptions)


def test_preview_shows_instructions_not_user_text(catalog: Catalog) -> None:
    """A group's preview quotes its system prompt; a group that starts with what a user wrote
    names the role instead."""
    private = "My card number is 4111 1111 1111 1111"
    lines = [
        json.dumps({"messages": [{"role": "user", "content": private},
                                 {"role": "assistant", "content": "ok"},
                                 {"role": "user", "content": f"q{i}"}]})
        for i in range(3)
    ]  # fmt: skip
    r = _run(catalog, ("\n".join(lines) + "\n").encode())
    assert r.groups[0].preview == "(user message)"
    assert private not in msgspec.json.encode(r).decode()


def test_failed_batch_lines_and_tool_call_outputs(catalog: Catalog, ref: RefCounter) -> None:
    """Failed Batch output lines are reported, not counted; a reply that only calls a tool
    counts its call as output."""
    failed = {"custom_id": "x", "response": {"status_code": 429, "body": {}}, "error": None}
    call = {"id": "c1", "type": "function",
            "function": {"name": "lookup", "arguments": '{"order": "123"}'}}  # fmt: skip
    reply = {"role": "assistant", "content": None, "tool_calls": [call]}
    wrapped = {"request": {"messages": td.messages(1, "q")},
               "response": {"choices": [{"message": reply}]}}  # fmt: skip
    r = _run(catalog, (json.dumps(failed) + "\n" + json.dumps(wrapped) + "\n").encode())
    assert r.issue_counts == {"failed_request": 1}
    assert r.responses == 1
    expected = 3 + ref.text("lookup") + ref.text('{"order": "123"}')
    assert r.output_tokens.p50 == expected
