"""The parsed-rank cache: a second process skips parsing the rank file; a damaged cache file is
ignored and rebuilt, never trusted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ftcost.tokens import counter as tokens

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _private_tiktoken_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken-cache"))


def _ranks_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("cl100k_base-*.ranks"))


def test_second_counter_reads_the_cache_not_the_rank_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one count the parsed ranks are cached; the next counter never parses the file."""
    cache = tmp_path / "cache"
    assert tokens.TiktokenCounter(cache_dir=cache).count("hello world", "cl100k_base") == 2
    [cached] = _ranks_files(cache)
    assert cached.name.startswith("cl100k_base-223921b76ee99bde-")

    import tiktoken.load

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rank file was parsed despite the cache")

    monkeypatch.setattr(tiktoken.load, "load_tiktoken_bpe", no_parsing)
    again = tokens.TiktokenCounter(cache_dir=cache)
    assert again.encoding("cl100k_base").encode_ordinary("hello world") == [15339, 1917]


@pytest.mark.parametrize("damage", ["payload", "header", "truncated", "empty"])
def test_damaged_cache_is_ignored_and_rebuilt(tmp_path: Path, damage: str) -> None:
    """A cache file whose hash, header or length is wrong is not used; it is written anew."""
    cache = tmp_path / "cache"
    tokens.TiktokenCounter(cache_dir=cache).count("x", "cl100k_base")
    [cached] = _ranks_files(cache)
    good = cached.read_bytes()
    data = bytearray(good)
    if damage == "payload":
        data[-10] ^= 0xFF
    elif damage == "header":
        data[0:6] = b"pickle"
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data = bytearray()
    cached.write_bytes(bytes(data))
    assert tokens._cached_ranks(cached) is None
    counter = tokens.TiktokenCounter(cache_dir=cache)
    assert counter.encoding("cl100k_base").encode_ordinary("hello world") == [15339, 1917]
    assert cached.read_bytes() == good


def test_unwritable_cache_still_counts(tmp_path: Path) -> None:
    """When the parsed ranks cannot be stored, counting works (the cache is only a speed-up)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    path = tokens._ranks_path(cache, "cl100k_base", tokens.ENCODINGS["cl100k_base"], "0")
    path.mkdir()  # a directory where the file would go: os.replace fails
    tokens._store_ranks(path, {b"a": 0})
    assert path.is_dir()
    assert list(cache.glob("*.tmp")) == []


def test_bench_start_quick_runs() -> None:
    """benchmarks/bench_start.py --quick measures help, version and the first count."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_start.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    for name in ("ftcost --help", "ftcost --version", "first count, cache warm", "cold / warm"):
        assert name in done.stdout


def test_default_cache_falls_back_without_a_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user whose cache directory cannot be created (home /nonexistent) caches under /tmp."""
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    path = tokens._default_cache_dir()
    assert path.name.startswith("ftcost-encodings-")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert tokens._default_cache_dir() == tmp_path / "xdg" / "ftcost" / "encodings"
