"""Resolve's lifecycle step: what a model's dates mean for one scenario.

A start on or after the deployment retirement, or on or after the training retirement that
applies to the customer, is refused (``ModelRetiredError``, naming the date, its source and up to
three models available instead). Otherwise the months from the start to the fine-tuned
deployment's retirement and to the training end go into ``costs.Prices``, and the notes say
where the projection ends, which retrainings do not happen and when the base model retires.
"""

from __future__ import annotations

import math

import msgspec

from ftcost.catalog import (
    Catalog,
    LifecycleDate,
    ModelEntry,
    deployment_end,
    model_status,
    training_end,
)
from ftcost.engine.notes import Notes, check_lifecycle, months_between
from ftcost.engine.scenario import Scenario
from ftcost.errors import ModelRetiredError

__all__ = ["Ends", "lifecycle_ends"]


class Ends(msgspec.Struct, frozen=True, kw_only=True):
    """Months from the start to the fine-tuned deployment's retirement and to the training end."""

    deployment_months: float = math.inf
    training_months: float = math.inf


def lifecycle_ends(
    ctx: Notes, catalog: Catalog, s: Scenario, entry: ModelEntry, bentry: ModelEntry
) -> Ends:
    """Refuse a start the model cannot be trained or served on; warn; the end months."""
    check_lifecycle(ctx, entry, "fine-tuned", s.start_date, s.horizon_months)
    if bentry.id != entry.id:
        check_lifecycle(ctx, bentry, "base", s.start_date, s.horizon_months)
    start = s.start_date
    if start is None:
        return Ends()
    dep, train = deployment_end(entry), training_end(entry, s.customer)
    for end in (dep, train):
        if end is not None and end[1].date <= start:
            raise _retired(catalog, s, entry, end[0], end[1])
    ends = Ends(
        deployment_months=months_between(start, dep[1].date) if dep else math.inf,
        training_months=months_between(start, train[1].date) if train else math.inf,
    )
    _end_notes(ctx, s, entry, bentry, ends)
    return ends


_REFUSED = {
    "deployment_retirement": "its fine-tuned deployments retired on",
    "training_retirement": "no new fine-tuning jobs are accepted since",
    "training_existing_only": "fine-tuning is open to existing customers only since",
}


def _retired(
    catalog: Catalog, s: Scenario, entry: ModelEntry, event: str, fact: LifecycleDate
) -> ModelRetiredError:
    assert s.start_date is not None
    available = [
        e.id
        for _, e in catalog.models(s.provider)
        if s.training.method in e.methods
        and e.id != entry.id
        and model_status(e, s.start_date, s.customer).status in ("available", "retiring")
    ][:3]
    tail = (
        '; if your organisation already fine-tunes this model, set customer = "existing" '
        "(CLI: --customer existing)"
        if event == "training_existing_only"
        else ""
    )
    return ModelRetiredError(
        f"{entry.id} cannot be used from {s.start_date}: {_REFUSED[event]} {fact.date} "
        f"(source {fact.source}){tail}; for a historical what-if set start_date before {fact.date}",
        model_id=entry.id,
        date=fact.date.isoformat(),
        source=fact.source,
        available=available,
    )


def _end_notes(ctx: Notes, s: Scenario, entry: ModelEntry, bentry: ModelEntry, ends: Ends) -> None:
    """Warnings and assumptions for an end inside the horizon and dropped retrainings."""
    horizon = float(s.horizon_months)
    end = min(horizon, ends.deployment_months)
    if ends.deployment_months < horizon:
        ctx.warn(
            "projection_ends_at_retirement",
            f"fine-tuned deployments of {entry.id} retire {ends.deployment_months:.1f} months "
            f"after the start: the projection ends there, not at the {s.horizon_months}-month "
            "horizon",
        )
    retrain = s.retrain_every_months or 0
    if retrain > 0:
        dropped = [
            k * retrain
            for k in range(1, int(end // retrain) + 2)
            if ends.training_months <= k * retrain < end
        ]
        if dropped:
            months = ", ".join(f"{k + 1}" for k in dropped)
            ctx.warn(
                "retraining_dropped",
                f"retraining in month {months} does not happen: {entry.id} accepts no new "
                f"fine-tuning jobs from month {ends.training_months:.1f} (customer = "
                f"{s.customer}); the last trained model serves to the end",
            )
    base_end = bentry.lifecycle.base_retirement if bentry.lifecycle else None
    if base_end is not None and s.start_date is not None:
        at = months_between(s.start_date, base_end.date)
        if at < 0:
            ctx.warn(
                "base_model_retired",
                f"the base model {bentry.id} retired on {base_end.date} (source "
                f"{base_end.source}), before the start: the base setup is priced as if it ran on "
                "a successor at the same price",
            )
        if at < end:
            verb = "retired" if at < 0 else "retires"
            ctx.assumptions.append(
                f"The base model {bentry.id} {verb} on {base_end.date}; the base setup is "
                "assumed to continue at the same price on a successor."
            )
