"""Dataset analysis: exact counts, billing, epochs and cost against independent computations."""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import numpy as np
import pytest
import tiktoken
from dataset_data import chat_example, chunked, jsonl, sentence
from tokens_reference import (
    cookbook_epochs,
    num_tokens_for_tools,
    num_tokens_from_messages,
    text_tokens,
)

from ftcost.catalog import Catalog
from ftcost.dataset import DatasetAnalyzer, DatasetReport, analyze_dataset
from ftcost.errors import UnknownModelError

PRICING = Path(__file__).resolve().parents[2] / "pricing"


def toml_training_price(provider: str, model_id: str, tier: str) -> float:
    """The reference (no region, no method) training price straight from the pricing TOML."""
    data = tomllib.loads((PRICING / f"{provider}.toml").read_text(encoding="utf-8"))
    model = next(m for m in data["models"] if m["id"] == model_id)
    return float(
        next(
            p["value"]
            for p in model["prices"]
            if p["kind"] == "training"
            and p["tier"] == tier
            and "region" not in p
            and "method" not in p
        )
    )


def nearest_rank(values: list[int], q: float) -> int:
    """numpy's inverted-CDF percentile (the nearest-rank definition)."""
    return int(np.percentile(np.array(values), q, method="inverted_cdf"))


def test_generated_chat_file_exact(catalog: Catalog, cl100k: tiktoken.Encoding) -> None:
    """50 multi-turn examples (names, unicode, BOM, one over the 4,096-token limit): every figure
    equals the cookbook computation, billing caps the long example, epochs follow the heuristic."""
    rng = random.Random(50)
    examples = [chat_example(rng) for _ in range(49)]
    examples.insert(
        17,
        {
            "messages": [
                {"role": "user", "content": sentence(rng, 10, 20)},
                {"role": "assistant", "content": " ".join(["tokens galore"] * 3000)},
            ]
        },
    )
    data = jsonl(examples, bom=True)
    report = analyze_dataset(
        chunked(data, 777), catalog=catalog, model="gpt-35-turbo-0613", provider="azure"
    )
    sizes = [num_tokens_from_messages(cl100k, e["messages"]) for e in examples]
    limit = 4096
    assert sizes[17] > limit
    billed = sum(min(s, limit) for s in sizes)
    epochs = cookbook_epochs(50)
    assert report.examples == 50
    assert report.format == "chat"
    assert report.format_detected
    assert report.tokens.total == sum(sizes)
    assert report.tokens.billed_per_epoch == billed
    assert report.truncated_examples == 1
    assert report.epochs.value == epochs == 3
    assert report.epochs.auto
    assert report.training_tokens == billed * epochs
    pe = report.tokens.per_example
    assert pe is not None
    assert (pe.min, pe.max) == (min(sizes), max(sizes))
    assert pe.mean == pytest.approx(sum(sizes) / 50)
    assert (pe.p50, pe.p90, pe.p99) == tuple(nearest_rank(sizes, q) for q in (50, 90, 99))
    over = [i for i in report.issues if i.code == "over_limit"]
    assert [i.line for i in over] == [18]
    assert {i.code for i in report.issues} == {"over_limit", "few_examples"}
    assert report.ok
    standard = next(c for c in report.cost if c.tier == "standard")
    price = toml_training_price("azure", "gpt-35-turbo-0613", "standard")
    assert standard.usd == pytest.approx(billed * epochs / 1e6 * price)
    assert report.catalog.version.startswith("azure-")


@pytest.mark.parametrize("workers", [1, 2])
def test_twelve_thousand_examples(workers: int, catalog: Catalog, o200k: tiktoken.Encoding) -> None:
    """12,000 examples: exact totals, epochs max(1, 25000 // n), the same with worker processes."""
    rng = random.Random(12)
    examples = [chat_example(rng, turns=1) for _ in range(12_000)]
    data = jsonl(examples)
    with DatasetAnalyzer(
        catalog=catalog, model="gpt-4.1-mini", workers=workers, batch_bytes=64 * 1024
    ) as analyzer:
        for chunk in chunked(data, 100_000):
            analyzer.feed(chunk)
        report = analyzer.finish()
    sizes = [num_tokens_from_messages(o200k, e["messages"]) for e in examples]
    assert report.examples == 12_000
    assert report.tokens.total == sum(sizes)
    assert report.epochs.value == cookbook_epochs(12_000) == 2
    assert report.training_tokens == 2 * sum(sizes)
    pe = report.tokens.per_example
    assert pe is not None
    assert pe.p99 == nearest_rank(sizes, 99)
    # Duplicates (some short conversations repeat by chance) are found across batches.
    seen: dict[bytes, int] = {}
    dups = set()
    for lineno, line in enumerate(data.splitlines(), 1):
        if line in seen:
            dups.add(lineno)
        seen.setdefault(line, lineno)
    assert {i.line for i in report.issues if i.code == "duplicate"} == set(sorted(dups)[:100])
    assert report.issue_counts.get("duplicate", 0) == len(dups)


def test_explicit_epochs_and_validation(catalog: Catalog, o200k: tiktoken.Encoding) -> None:
    """Explicit epochs multiply billed tokens; the validation file is reported, not billed."""
    rng = random.Random(3)
    train = [chat_example(rng) for _ in range(120)]
    valid = [chat_example(rng) for _ in range(30)]
    report = analyze_dataset(
        [jsonl(train)],
        catalog=catalog,
        model="gpt-4.1-nano",
        provider="openai",
        epochs=7,
        validation=[jsonl(valid)],
    )
    train_tokens = sum(num_tokens_from_messages(o200k, e["messages"]) for e in train)
    valid_tokens = sum(num_tokens_from_messages(o200k, e["messages"]) for e in valid)
    assert report.epochs.value == 7
    assert not report.epochs.auto
    assert report.training_tokens == 7 * train_tokens
    assert report.validation is not None
    assert report.validation.examples == 30
    assert report.validation.tokens.total == valid_tokens
    assert report.validation.billed is False
    assert any("not billed" in a for a in report.assumptions)
    (cost,) = report.cost
    price = toml_training_price("openai", "gpt-4.1-nano-2025-04-14", "global")
    assert cost.usd == pytest.approx(7 * train_tokens / 1e6 * price)


def test_tools_in_examples_are_estimates(catalog: Catalog, o200k: tiktoken.Encoding) -> None:
    """Examples with tool definitions add the cookbook's tool tokens, reported as estimates."""
    tools = [
        {
            "type": "function",
            "function": {
                "name": "get_order",
                "description": "Find an order.",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "description": "Order id"},
                        "kind": {"type": "string", "description": "Kind", "enum": ["a", "b"]},
                    },
                },
            },
        }
    ]
    rng = random.Random(9)
    examples = [dict(chat_example(rng), tools=tools) for _ in range(20)]
    report = analyze_dataset([jsonl(examples)], catalog=catalog, model="gpt-4o")
    per_tool = num_tokens_for_tools(o200k, tools, True)
    expected = sum(num_tokens_from_messages(o200k, e["messages"]) + per_tool for e in examples)
    assert report.tokens.total == expected
    (est,) = report.estimates
    assert (est.part, est.examples, est.tokens) == ("tool_definitions", 20, 20 * per_tool)


def test_prompt_completion_file(catalog: Catalog, cl100k: tiktoken.Encoding) -> None:
    """babbage-002 prompt/completion: prompt + completion tokens; separator problems by line."""
    sep = "\n\n###\n\n"
    rng = random.Random(5)
    examples = [
        {"prompt": sentence(rng) + sep, "completion": " " + sentence(rng) + " END"}
        for _ in range(30)
    ]
    examples[4]["completion"] = " see ###\n\n below" + sep
    examples[9]["prompt"] = "no separator here"
    report = analyze_dataset([jsonl(examples)], catalog=catalog, model="babbage-002")
    assert report.format == "prompt_completion"
    assert report.tokens.total == sum(
        text_tokens(cl100k, e["prompt"]) + text_tokens(cl100k, e["completion"]) for e in examples
    )
    by_code = {(i.code, i.line) for i in report.issues}
    assert ("separator_in_content", 5) in by_code
    assert ("missing_separator", 10) in by_code
    assert not any(i.code == "format_mismatch" for i in report.issues)


def test_dpo_file(catalog: Catalog, o200k: tiktoken.Encoding) -> None:
    """DPO: the input counted once as a conversation plus both outputs' messages."""
    rng = random.Random(6)
    examples = []
    for _ in range(15):
        msgs = chat_example(rng)["messages"][:-1]
        examples.append(
            {
                "input": {"messages": msgs},
                "preferred_output": [{"role": "assistant", "content": sentence(rng)}],
                "non_preferred_output": [{"role": "assistant", "content": sentence(rng)}],
            }
        )
    report = analyze_dataset([jsonl(examples)], catalog=catalog, model="gpt-4.1")

    def outputs(e: dict[str, Any]) -> int:
        # Messages only: the reply primer (3) is counted once, with the input.
        return sum(
            num_tokens_from_messages(o200k, e[k]) - 3
            for k in ("preferred_output", "non_preferred_output")
        )

    expected = sum(
        num_tokens_from_messages(o200k, e["input"]["messages"]) + outputs(e) for e in examples
    )
    assert report.format == "dpo"
    assert report.method == "dpo"
    assert report.tokens.total == expected
    assert all(c.method == "dpo" and c.available for c in report.cost)


def test_rft_file(catalog: Catalog, o200k: tiktoken.Encoding) -> None:
    """RFT: prompts counted, grader keys ignored, no assistant needed, cost is per hour."""
    rng = random.Random(8)
    examples = [
        {
            "messages": [{"role": "user", "content": sentence(rng)}],
            "reference_answer": sentence(rng),
            "tier": 3,
        }
        for _ in range(12)
    ]
    report = analyze_dataset([jsonl(examples)], catalog=catalog, model="o4-mini")
    assert report.format == "rft"
    assert report.tokens.total == sum(
        num_tokens_from_messages(o200k, e["messages"]) for e in examples
    )
    assert not any(i.code == "no_assistant" for i in report.issues)
    assert report.cost
    assert all(not c.available and "per training hour" in c.note for c in report.cost)


def test_forced_format_reports_every_line(catalog: Catalog) -> None:
    """--format chat on prompt/completion data: every line lacks messages, with its number."""
    data = jsonl([{"prompt": "a", "completion": "b"}] * 3)
    report = analyze_dataset([data], catalog=catalog, model="gpt-4.1-mini", format="chat")
    assert report.format == "chat"
    assert not report.format_detected
    assert [i.line for i in report.issues if i.code == "missing_messages"] == [1, 2, 3]
    assert report.examples == 0


def test_report_json_has_contract_keys(catalog: Catalog) -> None:
    """The JSON keys clients rely on are present."""
    rng = random.Random(1)
    report = analyze_dataset(
        [jsonl([chat_example(rng) for _ in range(12)])], catalog=catalog, model="gpt-4.1-mini"
    )
    doc = json.loads(msgspec.json.encode(report))
    assert {"examples", "tokens", "epochs", "training_tokens", "truncated_examples", "issues"} <= (
        doc.keys()
    )
    assert {"validation", "cost", "assumptions", "catalog"} <= doc.keys()
    assert {"total", "billed_per_epoch", "per_example"} <= doc["tokens"].keys()
    assert set(doc["tokens"]["per_example"]) == {"min", "mean", "p50", "p90", "p99", "max"}
    assert {"value", "auto"} <= doc["epochs"].keys()
    assert all({"line", "severity", "code", "message"} <= i.keys() for i in doc["issues"])
    assert doc["catalog"]["version"]
    assert isinstance(msgspec.convert(doc, DatasetReport), DatasetReport)


def test_unknown_model_names_closest(catalog: Catalog) -> None:
    """An unknown model is an UnknownModelError listing near names."""
    with pytest.raises(UnknownModelError) as info:
        analyze_dataset([b"{}\n"], catalog=catalog, model="gpt-4.1-mimi")
    assert "gpt-4.1-mini" in info.value.closest
