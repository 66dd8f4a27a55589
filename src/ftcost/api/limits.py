"""Bounds on what one client can make a worker do: request shape, body pace, deadline, heavy work.

``Guard`` is an ASGI layer just inside ``RequestContext`` (so its problem documents carry the
request id, the security headers and an access-log line):

* a request target over ``MAX_TARGET_BYTES`` is a 414, headers over ``MAX_HEADER_BYTES`` or
  ``MAX_HEADERS`` a 431, and a body with a ``Content-Encoding`` other than ``identity`` a 415
  (bodies are never decompressed);
* each part of a request body must arrive within ``body_timeout_s`` (else 408);
* a request with a body must be answered within ``request_timeout_s`` (``dataset_timeout_s``
  for a dataset upload), else 503 ``deadline-exceeded`` with ``Retry-After``.

The timers are ``asyncio.timeout`` (granian runs the app on an asyncio loop), a few
microseconds each where an anyio cancel scope costs about 11.

``HeavyWork`` runs CPU-heavy operations (token counting, solve, sweep, compare, simulate,
dataset analysis) in worker threads, at most ``limit`` at a time per worker process; one more
is refused at once with a 503 problem and ``Retry-After`` instead of queueing behind the
others. A dataset upload takes a slot only while it analyses a batch (waiting for one if
need be), never while its bytes travel, so slow uploads cannot hold the slots. A thread
cannot be stopped: when a deadline passes the client gets its 503 while the thread finishes,
and its slot stays taken until then, so abandoned work still counts.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import msgspec
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from ftcost.settings import Settings

__all__ = [
    "DATASET_PATH",
    "MAX_HEADERS",
    "MAX_HEADER_BYTES",
    "MAX_TARGET_BYTES",
    "Guard",
    "HeavyWork",
    "busy",
]

T = TypeVar("T")

MAX_TARGET_BYTES = 8 * 1024  # path and query string
MAX_HEADER_BYTES = 16 * 1024  # names and values of all header fields
MAX_HEADERS = 64  # granian itself answers a bare 431 from 100 header fields
DATASET_PATH = "/v1/datasets/analyze"
RETRY_AFTER_S = 1
_WAIT_S = 0.02  # polling interval of run_when_free
_PROBLEM = "https://ftcost.dev/problems/"


def busy(limit: int) -> HTTPException:
    """The 503 of a worker whose heavy-work slots are all taken."""
    return HTTPException(
        status_code=503,
        detail=(
            f"the server is busy: {limit} heavy operation{'s' if limit != 1 else ''} already "
            "running in this worker; retry after a second"
        ),
        headers={"retry-after": str(RETRY_AFTER_S)},
        extra={"limit": limit},
    )


class HeavyWork:
    """At most ``limit`` CPU-heavy operations at a time, each in a worker thread."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._busy = 0
        self._lock = threading.Lock()

    @property
    def busy(self) -> int:
        """Operations running now (threads included whose client has gone)."""
        return self._busy

    def _try_take(self) -> bool:
        with self._lock:
            if self._busy >= self.limit:
                return False
            self._busy += 1
            return True

    def _release(self) -> None:
        with self._lock:
            self._busy -= 1

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread, holding a slot until the thread is done.

        Raises the 503 ``busy`` when every slot is taken. When the awaiting request is
        cancelled (deadline, client gone), it returns at once; the slot is released when the
        thread finishes, or now if it never started.
        """
        if not self._try_take():
            raise busy(self.limit)
        return await self._run_taken(fn, args)

    async def run_when_free(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker thread as soon as a slot is free (waiting for one), and
        never abandoned: a cancelled caller waits for the thread. For the steps of a dataset
        upload, which must not hold a slot while its bytes travel, nor be refused halfway."""
        while not self._try_take():
            await anyio.sleep(_WAIT_S)
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        finally:
            self._release()

    async def _run_taken(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        state = {"started": False, "abandoned": False}
        guard = threading.Lock()

        def job() -> T | None:
            with guard:
                if state["abandoned"]:
                    return None
                state["started"] = True
            try:
                return fn(*args)
            finally:
                self._release()

        try:
            result = await anyio.to_thread.run_sync(job, abandon_on_cancel=True)
        except BaseException:
            with guard:
                if not state["started"]:
                    state["abandoned"] = True
                    self._release()
            raise
        return result  # type: ignore[return-value]


class Guard:
    """ASGI middleware: request shape limits, body-read timeout and the request deadline."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.body_timeout_s = settings.body_timeout_s
        self.request_timeout_s = settings.request_timeout_s
        self.dataset_timeout_s = settings.dataset_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        refusal = _refusal(scope)
        if refusal is not None:
            await send_problem(scope, send, *refusal)
            return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body_timeout = self.body_timeout_s
        body_done = False

        async def timed_receive() -> ReceiveMessage:
            nonlocal body_done
            if body_done:
                return await receive()
            wait = asyncio.timeout(body_timeout)
            try:
                async with wait:
                    message = await receive()
            except TimeoutError:
                if not wait.expired():
                    raise
                raise HTTPException(
                    status_code=408,
                    detail=f"the request body stalled: no data for {body_timeout:g} s",
                    extra={"timeout_s": body_timeout},
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        deadline = (
            self.dataset_timeout_s if scope["path"] == DATASET_PATH else self.request_timeout_s
        )
        limit = asyncio.timeout(deadline)
        try:
            async with limit:
                await self.app(scope, timed_receive, tracked_send)
        except TimeoutError:
            if not limit.expired():
                raise
            if started:  # too late for a problem document: the connection just ends
                return
            await send_problem(
                scope,
                send,
                503,
                "deadline-exceeded",
                "Deadline exceeded",
                f"the request was not answered within its deadline of {deadline:g} s",
                {"timeout_s": deadline},
                [(b"retry-after", str(RETRY_AFTER_S).encode())],
            )


Refusal = tuple[int, str, str, str, dict[str, object]]


def _refusal(scope: Scope) -> Refusal | None:
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(
        scope.get("query_string", b"")
    )
    if target > MAX_TARGET_BYTES:
        return (
            414,
            "uri-too-long",
            "URI too long",
            f"the request target is {target:,} bytes, over the limit of {MAX_TARGET_BYTES:,}",
            {"limit_bytes": MAX_TARGET_BYTES},
        )
    headers = list(scope["headers"])
    size = sum(len(k) + len(v) for k, v in headers)
    if size > MAX_HEADER_BYTES or len(headers) > MAX_HEADERS:
        return (
            431,
            "headers-too-large",
            "Request header fields too large",
            f"{len(headers)} header fields, {size:,} bytes: at most {MAX_HEADERS} fields and "
            f"{MAX_HEADER_BYTES:,} bytes",
            {"limit_bytes": MAX_HEADER_BYTES, "limit_fields": MAX_HEADERS},
        )
    for name, value in headers:
        if name == b"content-encoding":
            coding = value.decode("latin-1").strip().lower()
            if coding and coding != "identity":
                return (
                    415,
                    "unsupported-media-type",
                    "Unsupported media type",
                    f"Content-Encoding {coding!r} is not accepted: send the body uncompressed",
                    {"accepted": ["identity"], "field": "content-encoding"},
                )
    return None


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    extra: dict[str, object],
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer with a problem document straight from an ASGI layer."""
    state = scope.get("state") or {}
    body = msgspec.json.encode(
        {
            "type": _PROBLEM + slug,
            "title": title,
            "status": status,
            "detail": detail,
            "request_id": state.get("request_id"),
            **extra,
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
