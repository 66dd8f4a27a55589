"""Request bodies: strict JSON decoding with the field path, media-type and size checks.

litestar's default body parsing converts loosely (``"12"`` becomes ``12``) and loses the field
path of range errors; ``StrictJSON[T]`` decodes the raw bytes with msgspec in strict mode instead
and keeps litestar's OpenAPI schema for ``T``. ``json_body`` is the check every JSON operation
runs first (``before_request``): the wrong Content-Type is a 415, an empty body a 400, a body over
the limit a 413.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import msgspec
from litestar.connection import ASGIConnection, Request
from litestar.dto import AbstractDTO, DTOFieldDefinition
from litestar.exceptions import ClientException, HTTPException, ValidationException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi.spec import OpenAPIMediaType, Operation, Reference, RequestBody, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.typing import FieldDefinition

from ftcost.api.schemas_tokens import DATASET_MEDIA_TYPES

__all__ = [
    "FEED_BYTES",
    "JSON_MEDIA_TYPES",
    "JsonlUpload",
    "StrictJSON",
    "check_upload",
    "decode_json",
    "json_body",
    "media_type_of",
    "stream_into",
    "too_large",
    "unsupported_media_type",
]

T = TypeVar("T")

JSON_MEDIA_TYPES = ("application/json",)
_BOM = b"\xef\xbb\xbf"
_EXACT = 2**53  # floats up to here are exact integers
_AT = re.compile(r" - at (?:`key` in )?`\$\.?(?P<path>[^`]*)`$")
_BYTE = re.compile(r"\(byte (\d+)\)")
_HIGH_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
_LOW_SURROGATE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_FIELD_IN_MSG = re.compile(r"(?:missing required|unknown) field `(?P<name>[^`]+)`")


def _field_path(message: str) -> tuple[str, str]:
    m = _AT.search(message)
    path = m.group("path") if m else ""
    f = _FIELD_IN_MSG.search(message)
    if f:
        path = f"{path}.{f.group('name')}" if path else f.group("name")
    return message, path or "$"


def _integral(obj: Any) -> Any:
    """JSON numbers like ``3.0`` as ints (JSON Schema counts them as integers; msgspec not)."""
    if isinstance(obj, float) and obj.is_integer() and abs(obj) <= _EXACT:
        return int(obj)
    if isinstance(obj, dict):
        return {k: _integral(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_integral(v) for v in obj]
    return obj


def decode_json(data: bytes, type_: type[T]) -> T:
    """Decode ``data`` as ``type_`` strictly; errors are 400s naming the field path.

    Strict means no strings for numbers or booleans; an integral float (``12.0``) is still a
    valid integer, as in JSON Schema. A UTF-8 byte-order mark is skipped; invalid UTF-8 and
    nesting too deep to decode are 400s too.
    """
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if not data.strip():
        raise ValidationException("the request body is empty: send a JSON object", extra={})
    try:
        try:
            return msgspec.json.decode(data, type=type_, strict=True)
        except msgspec.ValidationError as exc:
            if "got `float`" not in str(exc):
                raise
            # Rare path: retry with integral floats turned into ints.
            return msgspec.convert(_integral(msgspec.json.decode(data)), type_, strict=True)
    except msgspec.ValidationError as exc:
        detail, path = _field_path(str(exc))
        raise ValidationException(detail, extra={"field": path}) from None
    except msgspec.DecodeError as exc:
        detail, at = _syntax(data, str(exc))
        extra = {"field": _path_at(data, at)} if at is not None else {}
        raise ValidationException(f"the body is not valid JSON: {detail}", extra=extra) from None
    except UnicodeDecodeError as exc:
        raise ValidationException(
            f"the body is not valid UTF-8: byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start}",
            extra={},
        ) from None
    except RecursionError:
        raise ValidationException("the body is nested too deeply", extra={}) from None


def _syntax(data: bytes, message: str) -> tuple[str, int | None]:
    """A readable account of a JSON syntax error and the byte offset it is at (if known)."""
    m = _BYTE.search(message)
    at = int(m.group(1)) if m else None
    if at is not None and data[at : at + 9].lstrip(b"-").startswith((b"NaN", b"Infinity")):
        return f"NaN and Infinity are not JSON numbers (byte {at})", at
    if at is None and "truncated" in message:
        lone = _lone_surrogate(data)
        if lone is not None:
            escape = data[lone : lone + 6].decode("ascii")
            return (
                f"the string escape {escape} at byte {lone} is half of a UTF-16 surrogate "
                "pair: it is not a Unicode character",
                lone,
            )
    return message, at


def _lone_surrogate(data: bytes) -> int | None:
    """The offset of the first ``\\uD800``-``\\uDBFF`` escape not followed by its low half."""
    for m in _HIGH_SURROGATE.finditer(data):
        if not _LOW_SURROGATE.match(data, m.end()):
            return m.start()
    return None


def _path_at(data: bytes, offset: int) -> str:
    """The path (``traffic.requests_per_month``, ``axes[0].values[2]``) at a byte offset."""
    path: list[str | int | None] = []
    last = ""
    i, end = 0, min(offset, len(data))
    while i < end:
        c = data[i]
        if c == 0x22:  # a string: skip it, remembering it (it may be a key)
            j = i + 1
            while j < len(data) and data[j] != 0x22:
                j += 2 if data[j] == 0x5C else 1
            last = data[i + 1 : j].decode("utf-8", "replace")
            i = j + 1
            continue
        if c == 0x7B:  # {
            path.append(None)
        elif c == 0x5B:  # [
            path.append(0)
        elif c in (0x7D, 0x5D) and path:  # } ]
            path.pop()
        elif c == 0x3A and path:  # :
            path[-1] = last
        elif c == 0x2C and path:  # ,
            top = path[-1]
            path[-1] = top + 1 if isinstance(top, int) else None
        i += 1
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part is not None:
            out += f".{part}" if out else part
    return out or "$"


class StrictJSON(AbstractDTO[T]):
    """A data 'DTO' that only decodes: ``@post(..., dto=StrictJSON[Model], return_dto=None)``."""

    @classmethod
    def generate_field_definitions(
        cls, model_type: type[Any]
    ) -> Generator[DTOFieldDefinition, None, None]:
        yield from ()

    @classmethod
    def detect_nested_field(cls, field_definition: FieldDefinition) -> bool:
        return False

    @classmethod
    def create_for_field_definition(
        cls,
        field_definition: FieldDefinition,
        handler_id: str,
        backend_cls: Any = None,
    ) -> None:
        """No transfer model: the body decodes straight into the Struct."""

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: Any
    ) -> Reference | Schema:
        schema: Reference | Schema = schema_creator.for_field_definition(
            FieldDefinition.from_annotation(cls.model_type)
        )
        return schema

    def decode_bytes(self, value: bytes) -> Any:
        return decode_json(value, self.model_type)


def media_type_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The request's media type, lower case, without parameters ('' when absent)."""
    raw = connection.headers.get("content-type", "")
    return raw.split(";", 1)[0].strip().lower()


def unsupported_media_type(got: str, accepted: tuple[str, ...]) -> HTTPException:
    """A 415 naming what was sent and what is accepted."""
    sent = f"{got!r}" if got else "no Content-Type"
    exc: HTTPException = ClientException(
        f"{sent} is not accepted here: send the body as {' or '.join(accepted)}",
        status_code=415,
        extra={"accepted": list(accepted)},
    )
    return exc


def too_large(limit: int) -> HTTPException:
    """A 413 naming the limit."""
    return RequestEntityTooLarge(
        f"the request body is over the limit of {limit} bytes", extra={"limit_bytes": limit}
    )


async def json_body(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler | None = None
) -> None:
    """Check of the JSON operations: media type (415), size (413) and emptiness (400).

    Use it as ``before_request=json_body`` (it runs before the body is decoded). It also works
    as a guard (``guards=[json_body]``), but litestar copies the route handler for every guard
    call, which costs more than the check itself.
    """
    media = media_type_of(connection)
    if media not in JSON_MEDIA_TYPES and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        raise unsupported_media_type(media, JSON_MEDIA_TYPES)
    if not isinstance(connection, Request):
        return
    limit = connection.route_handler.resolve_request_max_body_size()
    try:
        body = await connection.body()
    except RequestEntityTooLarge:
        raise too_large(limit or 0) from None
    if not body.strip(_BOM + b" \t\r\n"):
        raise ValidationException("the request body is empty: send a JSON object", extra={})


# Bytes handed to a streamed analysis at a time (a worker thread parses each piece).
FEED_BYTES = 1 << 20


R_co = TypeVar("R_co", covariant=True)


class _Streamed(Protocol[R_co]):
    def feed(self, data: bytes, /) -> Any: ...
    def finish(self) -> R_co: ...
    def close(self) -> Any: ...


async def stream_into(
    request: Request[Any, Any, Any],
    analyzer: _Streamed[R_co],
    limit: int,
    run: Callable[..., Awaitable[Any]],
) -> R_co:
    """Feed a streamed body to ``analyzer`` in ~1 MiB pieces through ``run`` (the per-worker
    heavy-work bound), 413 past ``limit`` bytes; its result, or the analyzer closed on error."""
    try:
        received = 0
        pending: list[bytes] = []
        pending_bytes = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise too_large(limit)
            pending.append(chunk)
            pending_bytes += len(chunk)
            if pending_bytes >= FEED_BYTES:
                await run(analyzer.feed, b"".join(pending))
                pending, pending_bytes = [], 0
        if pending:
            await run(analyzer.feed, b"".join(pending))
        result: R_co = await run(analyzer.finish)
        return result
    finally:
        analyzer.close()


@dataclass
class JsonlUpload(Operation):
    """An operation whose request body is a streamed JSONL file (the handler reads it).

    The document names one media type, ``application/octet-stream`` (the file's bytes), because
    client generators turn that into a file upload and skip the operation for JSONL types they
    do not know (openapi-python-client warns "Unsupported content type application/jsonl").
    The server also reads ``application/jsonl``, ``application/x-ndjson`` and ``text/plain``.
    Subclasses set ``body_description``.
    """

    body_description: ClassVar[str] = ""

    def __post_init__(self) -> None:
        binary = OpenAPIMediaType(
            schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
        )
        self.request_body = RequestBody(
            content={DATASET_MEDIA_TYPES[0]: binary},
            required=True,
            description=self.body_description,
        )


def check_upload(request: Request[Any, Any, Any], limit: int) -> None:
    """Refuse a JSONL upload up front: a media type not read (415), a declared size over
    ``limit`` (413); the streamed size is checked again by ``stream_into``."""
    media = media_type_of(request)
    if media not in DATASET_MEDIA_TYPES:
        raise unsupported_media_type(media, DATASET_MEDIA_TYPES)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
