"""Read every page of an Azure Retail Prices API query, with timeouts and retries.

The API (``https://prices.azure.com/api/retail/prices``, public, no key) answers a ``$filter``
with pages of at most 1,000 items, each linking the next in ``NextPageLink`` (null on the last
page); see Microsoft Learn, "Azure Retail Prices overview", API response pagination. The filter
fields are case-sensitive (``serviceName``, ``productName``, ``priceType``, …).

``fetch_pages`` follows every link with one ``httpx.Client``. A 429, a 5xx, a timeout or a
dropped connection is retried with exponential backoff and jitter (``tenacity``), honouring a
``Retry-After`` header up to the backoff cap; any other status or HTTP error, a page that is
not the API's JSON, a link back to a page already read (a loop) or more than ``max_pages``
pages raise ``RefreshError`` naming the URL. httpx and tenacity are imported on first use, so
the CLI starts without them.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import msgspec

from ftcost.errors import RefreshError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_FILTER",
    "PRODUCTS",
    "RETAIL_PRICES_URL",
    "Progress",
    "fetch_pages",
    "first_url",
]

RETAIL_PRICES_URL = "https://prices.azure.com/api/retail/prices"

# The products that carry the meters of the catalog's Azure models (fine-tuning, hosting, base
# and grader inference, RFT), spelled as the API spells them; Foundry Models is the service
# name since 2026 (it was Cognitive Services). Other products of the service (images, speech,
# partner models) are not read.
PRODUCTS: tuple[str, ...] = (
    "Azure OpenAI",
    "Azure OpenAI Reasoning",
    "Azure OpenAI GPT5",
    "Azure OpenAI PP FT GPT4s",
    "Azure OpenAI OSS Models",
    "Azure Llama Models",
    "Azure Mistral Models",
)
DEFAULT_FILTER = (
    "serviceName eq 'Foundry Models' and priceType eq 'Consumption' and ("
    + " or ".join(f"productName eq '{p}'" for p in PRODUCTS)
    + ")"
)

Progress = Callable[[int, int], None]  # (pages read, items read) after each page


class _Page(msgspec.Struct):
    """What the fetcher checks of a page: a list of items and the next link."""

    Items: list[msgspec.Raw]
    NextPageLink: str | None = None


class _Retryable(Exception):
    """A response worth another try: 429 or 5xx."""

    def __init__(self, status: int, retry_after_s: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after_s = retry_after_s


def first_url(endpoint: str, flt: str) -> str:
    """The first page's URL: ``endpoint`` with ``$filter`` (and its other parameters) kept."""
    import httpx

    try:
        url = httpx.URL(endpoint)
    except httpx.InvalidURL as exc:
        raise RefreshError(f"not a URL: {exc}", url=endpoint) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise RefreshError("the endpoint must be an http(s) URL", url=endpoint)
    return str(url.copy_merge_params({"$filter": flt})) if flt else str(url)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


def _backoff(initial_s: float, max_s: float) -> Callable[[Any], float]:
    from tenacity import wait_exponential, wait_random

    # initial_s, 2 × initial_s, 4 × … up to max_s, plus up to initial_s of jitter
    exponential = wait_exponential(multiplier=initial_s, max=max_s) + wait_random(0, initial_s)

    def wait(state: Any) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after_s is not None:
            return min(exc.retry_after_s, max_s)
        return float(exponential(state))

    return wait


def fetch_pages(
    url: str,
    *,
    timeout_s: float = 30.0,
    attempts: int = 5,
    backoff_s: float = 1.0,
    backoff_max_s: float = 30.0,
    max_pages: int = 500,
    progress: Progress | None = None,
) -> list[tuple[str, bytes]]:
    """Every page from ``url`` on, as (URL, bytes) pairs in order."""
    import httpx
    from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

    retrying = Retrying(
        stop=stop_after_attempt(attempts),
        wait=_backoff(backoff_s, backoff_max_s),
        retry=retry_if_exception_type(
            (_Retryable, httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
        ),
        reraise=True,
    )
    headers = {"User-Agent": "ftcost (catalog refresh)", "Accept": "application/json"}
    pages: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    items = 0
    next_url: str | None = url
    with httpx.Client(timeout=timeout_s, headers=headers, follow_redirects=True) as client:
        while next_url is not None:
            if next_url in seen:
                raise RefreshError(
                    f"page loop: page {len(pages)} links back to a page already read",
                    url=next_url,
                )
            if len(pages) >= max_pages:
                raise RefreshError(f"more than {max_pages} pages; stopped", url=next_url)
            seen.add(next_url)
            data = _get(client, retrying, next_url, attempts)
            try:
                page = msgspec.json.decode(data, type=_Page)
            except msgspec.DecodeError as exc:
                raise RefreshError(
                    f"page {len(pages) + 1} is not a Retail Prices API page: {exc}", url=next_url
                ) from None
            pages.append((next_url, data))
            items += len(page.Items)
            if progress is not None:
                progress(len(pages), items)
            next_url = page.NextPageLink or None
    return pages


def _get(client: httpx.Client, retrying: Any, url: str, attempts: int) -> bytes:
    import httpx

    def once() -> bytes:
        response = client.get(url)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response.status_code, _retry_after(response))
        if response.status_code != 200:
            raise RefreshError(f"HTTP {response.status_code} {response.reason_phrase}", url=url)
        return response.content

    try:
        result: bytes = retrying(once)
    except _Retryable as exc:
        raise RefreshError(f"HTTP {exc.status} after {attempts} attempts", url=url) from None
    except httpx.TimeoutException:
        raise RefreshError(f"timed out after {attempts} attempts", url=url) from None
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise RefreshError(f"{exc} after {attempts} attempts", url=url) from None
    except httpx.HTTPError as exc:  # redirect loops, bad links: not worth another try
        raise RefreshError(f"{type(exc).__name__}: {exc}", url=url) from None
    return result
