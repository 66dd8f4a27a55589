"""Models whose tokenizer is not a tiktoken encoding (``tokenizer = "hf:<owner>/<repo>"``).

A tiny WordLevel tokenizer is built and saved in the test (``tokenizers``), so counts with the
file are known by hand; without the file the count is ceil(characters / 4) and flagged as an
estimate in every output (count, analyze, Projection, API).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import msgspec
import pytest
from litestar.testing import TestClient
from tokenizers import Tokenizer, models, pre_tokenizers

from ftcost.api.app import create_app
from ftcost.catalog import load_catalog, parse_catalog
from ftcost.cli import main
from ftcost.engine import Scenario, estimate
from ftcost.errors import CatalogError
from ftcost.settings import Settings
from ftcost.tokens import OtherTokenizerCounter, count_tokens, default_counter

MODEL = "qwen-test-32b"
TEXT = "hello hello hello world"  # 4 words of the vocabulary; 23 characters -> 6 estimated
SHEET = """\
schema_version = 1
provider = "azure"
version = "test-qwen"

[[sources]]
id = "T1"
title = "test sheet"
date = "2026-11-01"

[[models]]
id = "qwen-test-32b"
tokenizer = "hf:Qwen/Qwen2.5-32B-Instruct"
methods = ["sft"]
tiers = ["global"]
deployments = ["global"]
prices = [
  {kind = "training", tier = "global", value = 8.0, source = "T1", as_of = 2026-11-01},
  {kind = "hosting", tier = "global", value = 1.0, source = "T1", as_of = 2026-11-01},
  {kind = "input", tier = "global", variant = "base", value = 0.5, source = "T1", as_of = D},
  {kind = "output", tier = "global", variant = "base", value = 1.5, source = "T1", as_of = D},
  {kind = "input", tier = "global", variant = "fine_tuned", value = 0.5, source = "T1", as_of = D},
  {kind = "output", tier = "global", variant = "fine_tuned", value = 1.5, source = "T1", as_of = D},
]
[models.lifecycle.none_published]
source = "T1"
as_of = 2026-11-01
note = "test"
""".replace("= D}", "= 2026-11-01}")


@pytest.fixture
def tokenizer_file(tmp_path: Path) -> Path:
    """A WordLevel tokenizer: hello, world, comma and '!' are one token each, all else [UNK]."""
    vocab = {"[UNK]": 0, "hello": 1, "world": 2, ",": 3, "!": 4}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    path = tmp_path / "tokenizer.json"
    tok.save(str(path))
    return path


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "qwen.toml"
    path.write_text(SHEET, encoding="utf-8")
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_count_with_the_tokenizer_file(
    capsys: pytest.CaptureFixture[str], sheet: Path, tokenizer_file: Path
) -> None:
    """`ftcost count --tokenizer FILE` counts with the file: exact, not flagged."""
    code, doc = _json(
        capsys, "count", TEXT, "-m", MODEL, "--pricing", str(sheet),
        "--tokenizer", str(tokenizer_file), "--json",
    )  # fmt: skip
    assert code == 0
    assert doc["tokens"] == 4
    assert doc["estimated"] is False
    assert doc["encoding"] == "hf:Qwen/Qwen2.5-32B-Instruct"
    assert str(tokenizer_file) in str(doc["method"])


def test_count_without_a_file_is_a_flagged_estimate(
    capsys: pytest.CaptureFixture[str], sheet: Path
) -> None:
    """No tokenizer file: ceil(23 / 4) = 6 tokens, estimated, the method says 4 characters."""
    code, doc = _json(capsys, "count", TEXT, "-m", MODEL, "--pricing", str(sheet), "--json")
    assert code == 0
    assert doc["tokens"] == math.ceil(len(TEXT) / 4) == 6
    assert doc["estimated"] is True
    assert doc["estimates"][0]["part"] == "all"  # type: ignore[index]
    assert "4 characters" in str(doc["method"])
    code = main(["count", TEXT, "-m", MODEL, "--pricing", str(sheet)])
    assert "estimate: all 6 tokens" in capsys.readouterr().out


def test_tiktoken_models_are_unchanged(sheet: Path, tokenizer_file: Path) -> None:
    """A tiktoken model counts the same through the other-tokenizer counter."""
    counter = OtherTokenizerCounter(tokenizer_file)
    plain = default_counter().count(TEXT, "o200k_base")
    assert counter.count(TEXT, "o200k_base") == plain
    result = count_tokens(counter, "o200k_base", text=TEXT)
    assert result.tokens == plain
    assert result.estimated is False


def test_analyze_with_and_without_the_file(
    capsys: pytest.CaptureFixture[str], sheet: Path, tokenizer_file: Path, tmp_path: Path
) -> None:
    """`ftcost analyze`: the file gives exact counts; without it the report says ESTIMATES."""
    data = tmp_path / "train.jsonl"
    line = {"messages": [{"role": "user", "content": "hello world"},
                         {"role": "assistant", "content": "world !"}]}  # fmt: skip
    data.write_text("\n".join(json.dumps(line) for _ in range(12)) + "\n", encoding="utf-8")
    base = ["analyze", str(data), "-m", MODEL, "--pricing", str(sheet), "--json"]
    _, exact = _json(capsys, *base, "--tokenizer", str(tokenizer_file))
    # per example: 3 + role "user" ([UNK]: 1) + 2, 3 + "assistant" (1) + 2, + 3 primer = 15
    assert exact["tokens"]["total"] == 12 * 15  # type: ignore[index]
    assert "tokenizer file" in str(exact["counting_method"])
    _, guess = _json(capsys, *base)
    assert "4 characters" in str(guess["counting_method"])
    assert any("ESTIMATES" in a for a in guess["assumptions"])  # type: ignore[union-attr]


def _scenario(prompt: str) -> Scenario:
    return msgspec.convert(
        {
            "provider": "azure",
            "model": MODEL,
            "training": {"method": "sft", "tier": "global", "tokens_per_epoch": 10**6, "epochs": 3},
            "deployment": {"type": "global"},
            "traffic": {"requests_per_month": 10**6},
            "base": {"prompt": prompt, "output_tokens": 10},
            "fine_tuned": {"prompt_tokens": 2, "output_tokens": 10},
            "start_date": "2026-12-01",
        },
        Scenario,
    )


def test_estimate_counts_prompts_with_the_file_or_warns(sheet: Path, tokenizer_file: Path) -> None:
    """A Projection counts a prompt text with the file; without it, a token_estimate warning."""
    catalog = load_catalog(overlays=[sheet])
    exact = estimate(_scenario(TEXT), catalog, OtherTokenizerCounter(tokenizer_file))
    assert exact.scenario.base.prompt_tokens == 4
    assert "token_estimate" not in {w.code for w in exact.warnings}
    guess = estimate(_scenario(TEXT), catalog)
    assert guess.scenario.base.prompt_tokens == 6
    (warning,) = [w for w in guess.warnings if w.code == "token_estimate"]
    assert "4 characters per token" in warning.message
    assert warning.field == "base.prompt"


def test_api_count_is_flagged(sheet: Path) -> None:
    """POST /v1/tokens/count for such a model answers with the flagged estimate."""
    app = create_app(Settings(access_log=False), catalog=load_catalog(overlays=[sheet]))
    with TestClient(app) as client:
        r = client.post("/v1/tokens/count", json={"model": MODEL, "text": TEXT})
    assert r.status_code == 200
    assert r.json()["tokens"] == 6
    assert r.json()["estimated"] is True


def test_a_broken_tokenizer_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], sheet: Path, tmp_path: Path
) -> None:
    """Not a tokenizer.json: exit 1, one line naming the file."""
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{}", encoding="utf-8")
    code = main(["count", TEXT, "-m", MODEL, "--pricing", str(sheet), "--tokenizer", str(bad)])
    assert code == 1
    assert "not a tokenizer.json" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "where"),
    [
        ('tokenizer = "Qwen/Qwen2.5-32B-Instruct"', "tokenizer"),
        ("", "encoding"),
    ],
    ids=["no-hf-prefix", "neither-encoding-nor-tokenizer"],
)
def test_schema_rules(line: str, where: str) -> None:
    """The tokenizer names a hf:owner/repo; a model needs an encoding or a tokenizer."""
    text = SHEET.replace('tokenizer = "hf:Qwen/Qwen2.5-32B-Instruct"', line)
    with pytest.raises(CatalogError, match=where):
        parse_catalog(text.encode(), source="t.toml")
