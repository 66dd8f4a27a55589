"""Encodings load offline from the packaged rank files, once, and fail clearly when damaged."""

from __future__ import annotations

import gzip
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import tiktoken
from hypothesis import given
from hypothesis import strategies as st
from tokens_reference import _packaged, captured_definition

from ftcost.errors import TokenizerUnavailableError
from ftcost.tokens import counter as tokens


@pytest.fixture(autouse=True)
def _private_tiktoken_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """tiktoken's own cache copies go to a temporary directory in these tests."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken-cache"))


@pytest.mark.parametrize("name", ["o200k_base", "cl100k_base"])
def test_definitions_match_tiktoken(name: str) -> None:
    """Pattern, special tokens and expected SHA-256 are tiktoken's own for each encoding."""
    kwargs, expected_hash = captured_definition(name)
    spec = tokens.ENCODINGS[name]
    assert spec.pat_str == kwargs["pat_str"]
    assert spec.special_tokens == kwargs["special_tokens"]
    assert spec.sha256 == expected_hash


@pytest.mark.parametrize(
    ("name", "ids"), [("cl100k_base", [15339, 1917]), ("o200k_base", [24912, 2375])]
)
def test_hello_world_ids(name: str, ids: list[int], tmp_path: Path) -> None:
    """'hello world' encodes to the ids tiktoken documents for each encoding."""
    counter = tokens.TiktokenCounter(cache_dir=tmp_path)
    assert counter.encoding(name).encode_ordinary("hello world") == ids
    assert counter.count("hello world", name) == 2


@given(text=st.text(max_size=300))
def test_counts_equal_tiktoken_reference(
    text: str, o200k: tiktoken.Encoding, cl100k: tiktoken.Encoding
) -> None:
    """Any text (special-token strings and lone surrogates included) counts as tiktoken does."""
    counter = tokens.default_counter()
    for name, enc in (("o200k_base", o200k), ("cl100k_base", cl100k)):
        expected = len(enc.encode(text, disallowed_special=()))
        assert counter.count(text, name) == expected
        assert tokens.text_length(counter, name)(text) == expected


def test_special_token_text_is_ordinary(o200k: tiktoken.Encoding) -> None:
    """'<|endoftext|>' in user text is counted as the characters it is, not one special token."""
    text = "a <|endoftext|> b"
    assert tokens.default_counter().count(text, "o200k_base") == len(o200k.encode_ordinary(text))
    assert tokens.default_counter().count(text, "o200k_base") > 3


def test_import_loads_no_tokenizer_until_first_count() -> None:
    """Importing ftcost.tokens and building a counter loads no tiktoken; the first count does."""
    code = (
        "import sys\n"
        "from ftcost import tokens\n"
        "c = tokens.TiktokenCounter()\n"
        "print('tiktoken' in sys.modules)\n"
        "print(c.count('hello world', 'o200k_base'))\n"
        "print('tiktoken' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "2", "True"]


def test_loaded_once_under_concurrency(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Eight threads asking at once build the encoding once and share the same object."""
    calls: list[str] = []
    original = tokens.TiktokenCounter._build

    def counting(self: tokens.TiktokenCounter, name: str) -> Any:
        calls.append(name)
        return original(self, name)

    monkeypatch.setattr(tokens.TiktokenCounter, "_build", counting)
    counter = tokens.TiktokenCounter(cache_dir=tmp_path)
    barrier = threading.Barrier(8)
    seen: list[Any] = []

    def worker() -> None:
        barrier.wait()
        seen.append(counter.encoding("cl100k_base"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == ["cl100k_base"]
    assert len(seen) == 8
    assert all(e is seen[0] for e in seen)


def test_default_counter_is_process_wide() -> None:
    """default_counter() returns the same counter every time."""
    assert tokens.default_counter() is tokens.default_counter()


def _data_dir(tmp_path: Path, name: str, payload: bytes) -> Path:
    d = tmp_path / "data"
    d.mkdir(exist_ok=True)
    (d / f"{name}.tiktoken.gz").write_bytes(payload)
    return d


def test_wrong_hash_is_unavailable(tmp_path: Path) -> None:
    """A rank file whose content is not tiktoken's (hash mismatch) raises, naming the file."""
    good = gzip.decompress(_packaged("cl100k_base").read_bytes())
    tampered = gzip.compress(good.replace(b" 100\n", b" 101\n", 1))
    data = _data_dir(tmp_path, "cl100k_base", tampered)
    counter = tokens.TiktokenCounter(data_dir=data, cache_dir=tmp_path / "cache")
    with pytest.raises(TokenizerUnavailableError, match="SHA-256") as info:
        counter.count("x", "cl100k_base")
    assert info.value.encoding == "cl100k_base"


def test_not_gzip_is_unavailable(tmp_path: Path) -> None:
    """A damaged (not gzip) rank file raises TokenizerUnavailableError."""
    data = _data_dir(tmp_path, "o200k_base", b"this is not gzip data")
    counter = tokens.TiktokenCounter(data_dir=data, cache_dir=tmp_path / "cache")
    with pytest.raises(TokenizerUnavailableError, match="damaged"):
        counter.count("x", "o200k_base")


def test_missing_file_is_unavailable(tmp_path: Path) -> None:
    """A missing rank file raises TokenizerUnavailableError naming the path."""
    (tmp_path / "empty").mkdir()
    counter = tokens.TiktokenCounter(data_dir=tmp_path / "empty", cache_dir=tmp_path / "cache")
    with pytest.raises(TokenizerUnavailableError, match="not installed"):
        counter.count("x", "o200k_base")


def test_unknown_encoding_is_unavailable(tmp_path: Path) -> None:
    """An encoding name ftcost does not ship raises, listing the known ones."""
    with pytest.raises(TokenizerUnavailableError, match="cl100k_base, o200k_base"):
        tokens.TiktokenCounter(cache_dir=tmp_path).count("x", "p50k_base")


def test_damaged_decompressed_copy_is_rebuilt(tmp_path: Path) -> None:
    """A corrupted decompressed copy in the cache directory is replaced from the packaged file."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "cl100k_base.tiktoken").write_bytes(b"garbage\n")
    counter = tokens.TiktokenCounter(cache_dir=cache)
    assert counter.count("hello world", "cl100k_base") == 2
    assert (cache / "cl100k_base.tiktoken").stat().st_size > 1_000_000


def test_unwritable_cache_is_unavailable(tmp_path: Path) -> None:
    """A cache location that cannot be created gives a clear TokenizerUnavailableError."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    counter = tokens.TiktokenCounter(cache_dir=blocker / "sub")
    with pytest.raises(TokenizerUnavailableError, match="cannot write"):
        counter.count("x", "cl100k_base")
