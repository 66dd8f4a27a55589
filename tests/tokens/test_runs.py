"""The tokenizer boundary: long whitespace runs are counted exactly, or refused, never a panic."""

from __future__ import annotations

import re

import pytest
import tiktoken
from hypothesis import given, settings
from hypothesis import strategies as st
from tokens_reference import reference_encoding

from ftcost.errors import InvalidInputError
from ftcost.tokens import TiktokenCounter, count_request
from ftcost.tokens.runs import KEEP, MAX_RUN, PERIOD, chunks, long_runs, shorten_runs

ENCODINGS = ["o200k_base", "cl100k_base"]
# Every character tiktoken's regex treats as whitespace that a text is likely to repeat.
WHITESPACE = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x85", "\xa0", "\u2003", "\u2028", "\u3000"]
# The boundary's threshold lowered far below tiktoken's (about 1M), so whole-text counting
# still works as the reference on every generated text.
TEST_MAX_RUN = KEEP + 2 * PERIOD

context = st.text(alphabet=st.sampled_from([*"abXY19!.,'s-é中", *WHITESPACE]), max_size=24)
stretch = st.tuples(
    context,  # before the anchor
    context,  # between the anchor and the stretch: mixed whitespace right next to it
    st.sampled_from(WHITESPACE),
    st.integers(min_value=1, max_value=KEEP + 7 * PERIOD),
)


@pytest.fixture(scope="module")
def lowered() -> TiktokenCounter:
    """A counter whose boundary shortens runs from ``TEST_MAX_RUN`` characters on."""
    return TiktokenCounter(max_run=TEST_MAX_RUN)


@settings(max_examples=120)
@given(
    encoding=st.sampled_from(ENCODINGS),
    parts=st.lists(stretch, min_size=1, max_size=3),
    tail=context,
)
def test_shortened_runs_count_as_the_whole_text(
    lowered: TiktokenCounter, encoding: str, parts: list[tuple[str, str, str, int]], tail: str
) -> None:
    """Shortening long stretches of one whitespace character by whole periods never changes
    the count: the boundary's count equals tiktoken's count of the whole text, below the
    threshold where tiktoken itself still works."""
    # A non-whitespace anchor in each part keeps two generated stretches from joining into
    # one mixed run (which the boundary refuses instead; tested below).
    text = "".join(a + "w" + b + char * length for a, b, char, length in parts) + tail
    whole = len(reference_encoding(encoding).encode_ordinary(text))
    assert lowered.count(text, encoding) == whole


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("char", WHITESPACE)
def test_long_stretch_is_periodic(lowered: TiktokenCounter, encoding: str, char: str) -> None:
    """Each whitespace character is shortened (its tokens per period are stable), so one
    stretch far over the threshold is counted exactly, as the whole text would be."""
    text = "Hi" + char * (TEST_MAX_RUN * 3 + 17) + "there."
    whole = len(reference_encoding(encoding).encode_ordinary(text))
    assert lowered.count(text, encoding) == whole


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_million_spaces_is_counted(encoding: str) -> None:
    """The reported reproduction: ~1 MB of spaces (tiktoken panics from about 1,000,000)."""
    counter = TiktokenCounter()
    for n in (999_920, 1_000_427, 3_000_000):
        got = counter.count(" " * n, encoding)
        # 128 spaces per token in both encodings deep inside the run; the end is shorter.
        assert got == -(-n // 128) or got == n // 128 + 2


def test_mixed_run_over_the_limit_is_refused(lowered: TiktokenCounter) -> None:
    """A run that mixes whitespace characters cannot be shortened: it is refused, naming
    its length and the limit."""
    with pytest.raises(InvalidInputError, match=r"run of 1,200,000 whitespace characters"):
        TiktokenCounter().count("x" + " \t" * 600_000, "o200k_base")
    with pytest.raises(InvalidInputError, match="at most"):
        lowered.count(" \t" * TEST_MAX_RUN, "cl100k_base")


def test_panic_never_leaves_the_boundary() -> None:
    """Without the shortening (a threshold tiktoken never reaches), tiktoken's panic on a long
    run is caught at the boundary and becomes an InvalidInputError, not a BaseException."""
    counter = TiktokenCounter(max_run=10**9)
    with pytest.raises(InvalidInputError, match="tokenizer cannot count"):
        counter.count(" " * 1_200_000, "o200k_base")
    assert counter.count("still works", "o200k_base") == 2


def test_count_request_goes_through_the_boundary() -> None:
    """``count_request`` (CLI ``count`` and ``POST /v1/tokens/count``) counts text and chat
    content through the boundary."""
    counter = TiktokenCounter()
    big = "a" + " " * 1_500_000 + "b"
    result = count_request(
        counter, "o200k_base", text=big, messages=[{"role": "user", "content": big}]
    )
    assert result.text_tokens > 0
    assert result.messages_tokens == result.text_tokens + 3 + 1 + 3


def test_shorten_runs_leaves_ordinary_text_alone() -> None:
    """Text without a long run is returned as it is, with nothing removed."""
    text = "hello   world\n\n\tok " * 10_000
    assert len(text) > MAX_RUN
    assert shorten_runs(text, lambda c: 1) == (text, 0)


@given(
    text=st.text(alphabet=st.sampled_from(["a", " ", "\t", "\u3000", "\x1c"]), max_size=400),
    max_run=st.integers(min_value=1, max_value=40),
)
def test_long_runs_finds_every_long_run(text: str, max_run: int) -> None:
    """The sampled scan finds exactly the whitespace runs a full scan finds."""
    full = [
        (m.start(), m.end())
        for m in re.finditer(r"[^\S\x1c-\x1f]+", text)
        if m.end() - m.start() >= max_run
    ]
    assert long_runs(text, max_run) == full


prose = st.text(
    alphabet=st.sampled_from([*"aZq XY19!.,'s-/é中\u3000", " ", " ", "\n", "\t", "\r"]),
    max_size=600,
)


@settings(max_examples=200)
@given(encoding=st.sampled_from(ENCODINGS), text=prose, size=st.integers(1, 80))
def test_chunks_add_up_to_the_whole_count(encoding: str, text: str, size: int) -> None:
    """A long text is encoded in pieces cut before a space that follows an ASCII letter: the
    pieces join to the text and their counts add up to tiktoken's count of the whole."""
    enc = reference_encoding(encoding)
    pieces = list(chunks(text, size))
    assert "".join(pieces) == text
    assert sum(len(enc.encode_ordinary(p)) for p in pieces) == len(enc.encode_ordinary(text))


def test_counter_encodes_long_text_in_chunks() -> None:
    """The counter's chunked path (a small chunk here) gives tiktoken's count of the whole."""
    text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 5000
    counter = TiktokenCounter(max_run=1000, chunk=1000)
    for encoding in ENCODINGS:
        whole = len(reference_encoding(encoding).encode_ordinary(text))
        assert counter.count(text, encoding) == whole


def test_reference_encoding_is_tiktoken() -> None:
    """The property test's reference is tiktoken's own Encoding."""
    assert isinstance(reference_encoding("o200k_base"), tiktoken.Encoding)
