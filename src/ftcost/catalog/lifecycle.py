"""A model's lifecycle on a date: what a customer can still do with it, and until when.

The dates are catalog facts (``Lifecycle`` in ``schema``); this module reads them. A customer is
``new`` (the default: an organisation that has not fine-tuned this model before) or
``existing``. For a new customer, training ends at the earlier of ``training_existing_only`` and
``training_retirement``; for an existing one at ``training_retirement``. Fine-tuned deployments
stop at ``deployment_retirement`` for everyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

from ftcost.catalog.schema import LifecycleDate, ModelEntry

__all__ = [
    "Customer",
    "LifecycleStatus",
    "ModelStatus",
    "deployment_end",
    "model_status",
    "training_end",
]

Customer = Literal["new", "existing"]
LifecycleStatus = Literal["available", "existing_customers_only", "retiring", "retired"]

# "retiring": a retirement that applies falls within this many days of the date asked about.
RETIRING_WITHIN_DAYS = 365


class ModelStatus(msgspec.Struct, frozen=True, kw_only=True):
    """The status of one model on one date, with the date and source that decide it."""

    status: LifecycleStatus
    on: dt.date
    date: dt.date | None = None  # the retirement that decides the status
    event: str | None = None  # which lifecycle field that date is
    source: str | None = None
    no_earlier_than: bool = False
    sentence: str


def training_end(entry: ModelEntry, customer: Customer) -> tuple[str, LifecycleDate] | None:
    """The date from which ``customer`` can no longer start fine-tuning jobs (None: not known)."""
    lc = entry.lifecycle
    if lc is None:
        return None
    options = [("training_retirement", lc.training_retirement)]
    if customer == "new":
        options.append(("training_existing_only", lc.training_existing_only))
    known = [(name, d) for name, d in options if d is not None]
    if not known:
        return None
    return min(known, key=lambda item: item[1].date)


def deployment_end(entry: ModelEntry) -> tuple[str, LifecycleDate] | None:
    """The date fine-tuned deployments of ``entry`` stop serving (None: not known)."""
    lc = entry.lifecycle
    if lc is None or lc.deployment_retirement is None:
        return None
    return "deployment_retirement", lc.deployment_retirement


def _base_end(entry: ModelEntry) -> tuple[str, LifecycleDate] | None:
    lc = entry.lifecycle
    if lc is None or lc.base_retirement is None:
        return None
    return "base_retirement", lc.base_retirement


def model_status(entry: ModelEntry, on: dt.date, customer: Customer = "new") -> ModelStatus:
    """``available``, ``existing_customers_only``, ``retiring`` (within a year) or ``retired``.

    For a fine-tunable model the status is about fine-tuning and serving the result; for a
    base-only model (no methods) about the base model.
    """
    if entry.methods:
        ends = [e for e in (deployment_end(entry), training_end(entry, "existing")) if e]
        closing = training_end(entry, "new") if customer == "new" else None
    else:
        ends = [e for e in (_base_end(entry),) if e]
        closing = None
    for name, d in ends:  # deployments first: the most severe retirement is the one named
        if d.date <= on:
            return _status("retired", on, name, d, f"{_WHAT[name]} since {d.date.isoformat()}")
    if closing is not None and closing[1].date <= on:
        name, d = closing
        return _status(
            "existing_customers_only",
            on,
            name,
            d,
            f"fine-tuning open to existing customers only since {d.date.isoformat()}",
        )
    candidates = [*ends, *([closing] if closing else [])]
    soon = [e for e in candidates if (e[1].date - on).days <= RETIRING_WITHIN_DAYS]
    if soon:
        name, d = min(soon, key=lambda e: e[1].date)
        bound = "no earlier than " if d.no_earlier_than else ""
        return _status("retiring", on, name, d, f"{_WHAT[name]} {bound}{d.date.isoformat()}")
    return ModelStatus(status="available", on=on, sentence="available")


_WHAT = {
    "deployment_retirement": "fine-tuned deployments retired",
    "training_retirement": "fine-tuning closed to everyone",
    "training_existing_only": "fine-tuning closed to new customers",
    "base_retirement": "retired",
}


def _status(
    status: LifecycleStatus, on: dt.date, name: str, d: LifecycleDate, sentence: str
) -> ModelStatus:
    return ModelStatus(
        status=status,
        on=on,
        date=d.date,
        event=name,
        source=d.source,
        no_earlier_than=d.no_earlier_than,
        sentence=sentence,
    )
