"""What resolving a scenario says besides numbers: its warnings and assumptions.

``Notes`` collects them while ``engine.resolve`` runs: warnings for derived or uncertain
catalog figures (``figure_warning``), for lifecycle dates inside the horizon (``check_lifecycle``)
and for choices the numbers do not show (``add_static_warnings``: data residency, spot training,
latency figures missing or not verified), then the assumptions every Projection lists
(``add_assumptions``). Months are 730 hours (``HOURS_PER_MONTH``). The warnings that depend on
the numbers are ``ftcost.engine.build.value_warnings``.
"""

from __future__ import annotations

import datetime as dt

from ftcost.catalog import LIFECYCLE_EVENTS, ModelEntry, Price
from ftcost.engine.projection import WarningItem
from ftcost.engine.scenario import Scenario

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_MONTH",
    "STALE_PRICE_DAYS",
    "Notes",
    "add_assumptions",
    "add_static_warnings",
    "check_lifecycle",
    "check_staleness",
    "figure_warning",
    "months_between",
]

HOURS_PER_MONTH = 730.0
STALE_PRICE_DAYS = 180  # a price older than this on the start date gets a stale_prices warning
DAYS_PER_MONTH = 365.25 / 12  # a date d sits at month (d - start).days / DAYS_PER_MONTH


class Notes:
    """Mutable state while resolving: warnings, assumptions, figures seen."""

    def __init__(self) -> None:
        self.warnings: list[WarningItem] = []
        self.assumptions: list[str] = []
        self.oldest_as_of: dt.date | None = None  # of the prices used so far
        self._seen: set[str] = set()

    def warn(self, code: str, message: str, field: str | None = None) -> None:
        if message not in self._seen:
            self._seen.add(message)
            self.warnings.append(WarningItem(code=code, message=message, field=field))

    def figure(self, label: str, price: Price) -> float:
        w = figure_warning(label, price)
        if w is not None:
            self.warn(w.code, w.message, w.field)
        assert price.value is not None  # find_price never returns a missing figure
        if self.oldest_as_of is None or price.as_of < self.oldest_as_of:
            self.oldest_as_of = price.as_of
        return float(price.value)


def check_staleness(ctx: Notes, provider: str, start: dt.date | None) -> int | None:
    """The age in days, on ``start``, of the oldest price used; warn when over 180 days.

    None without a start date or when no price was used.
    """
    oldest = ctx.oldest_as_of
    if oldest is None or start is None:
        return None
    age = (start - oldest).days
    if age > STALE_PRICE_DAYS:
        how = (
            "run `ftcost catalog refresh` to read current Azure prices (or lay your own sheet "
            "over the catalog with --pricing)"
            if provider == "azure"
            else "check the provider's price list and lay a sheet over the catalog with "
            "--pricing (`ftcost catalog refresh` updates Azure prices only)"
        )
        ctx.warn(
            "stale_prices",
            f"the oldest price this estimate uses is as of {oldest}, {age} days before the "
            f"start date {start} (more than {STALE_PRICE_DAYS}): prices may have changed; {how}",
        )
    return age


def check_lifecycle(
    ctx: Notes, entry: ModelEntry, role: str, start: dt.date | None, horizon: int
) -> None:
    """Warn about every lifecycle date of ``entry`` inside the horizon (all when no start)."""
    lc = entry.lifecycle
    if lc is None:
        return
    for name in LIFECYCLE_EVENTS:
        fact = getattr(lc, name)
        if fact is None:
            continue
        what = _EVENT_TEXT[name]
        bound = " (no earlier than)" if fact.no_earlier_than else ""
        src = f" ({fact.status} source {fact.source})" if fact.status != "verified" else ""
        src = src or f" (source {fact.source})"
        if start is None:
            ctx.warn(f"model_{name}", f"{role} model {entry.id}: {what} {fact.date}{bound}{src}")
            continue
        months = months_between(start, fact.date)
        if 0 <= months <= horizon:
            at = f"{months:.1f} months into the {horizon}-month horizon"
            ctx.warn(
                f"model_{name}", f"{role} model {entry.id}: {what} {fact.date}{bound}, {at}{src}"
            )


_EVENT_TEXT = {
    "base_deprecation": "base model deprecated (closed to new deployments) on",
    "base_retirement": "base model retires on",
    "training_existing_only": "fine-tuning open to existing customers only from",
    "training_retirement": "no new fine-tuning jobs from",
    "deployment_retirement": "fine-tuned deployments retire on",
}


def add_static_warnings(
    ctx: Notes,
    s: Scenario,
    entry: ModelEntry,
    bentry: ModelEntry,
    region: str | None,
    ft_dep: str,
    base_dep: str,
) -> None:
    """Warn about what the numbers do not show: data residency, spot training, latency data."""
    if s.provider == "azure":
        parts = []
        if s.training.tier in ("global", "developer"):
            parts.append(f"{s.training.tier} training")
        for what, d in (("fine-tuned deployment", ft_dep), ("base deployment", base_dep)):
            if d in ("global", "developer"):
                parts.append(f"{d} {what}")
        if parts:
            ctx.warn(
                "no_data_residency",
                f"{', '.join(dict.fromkeys(parts))}: data may be processed outside the "
                "resource's geography (no data residency); use the standard (regional) "
                "tier where residency matters",
                field="training.tier",
            )
        if s.training.tier == "developer":
            ctx.warn(
                "developer_training",
                "developer training runs on spot capacity: jobs may pause and resume "
                "(no charge while paused)",
                field="training.tier",
            )
    for role, e in (("base", bentry), ("fine-tuned", entry)):
        if e.latency is None:
            ctx.warn(
                "latency_unavailable",
                f"no latency figures for {e.id} in the catalog: {role} latency is not estimated",
            )
            continue
        names = e.latency.__struct_fields__
        statuses = {getattr(e.latency, name).status for name in names} - {"verified"}
        if statuses:
            ctx.warn(
                "latency_" + ("uncertain" if "uncertain" in statuses else "derived"),
                f"latency parameters of {e.id} are {' and '.join(sorted(statuses))} (from "
                "public benchmarks, not percentiles of your traffic; see the catalog rules)",
            )
    _ = region


def add_assumptions(
    ctx: Notes, s: Scenario, entry: ModelEntry, bentry: ModelEntry, retrain: int
) -> None:
    """Append the assumptions every Projection of ``s`` lists."""
    a = ctx.assumptions
    a.append(
        "Validation-file tokens are not billed (neither provider states it; Azure's worked "
        "example implies it)."
    )
    a.append(
        f"A month is {HOURS_PER_MONTH:g} hours; hosting is billed for every hour a deployment "
        "exists, used or idle (partial-hour proration is not documented)."
    )
    if 0 < retrain < s.horizon_months:
        a.append(
            f"Training is paid up front and again every {retrain} months (at the start of "
            f"months {retrain + 1}, {2 * retrain + 1}, …); break-even amortises it over "
            f"{retrain} months. On a cash basis, a retraining whose cycle the end of the "
            "projection cuts short is still billed in full."
        )
    else:
        never = "never retrained" if retrain == 0 else f"a {retrain}-month period reaches past it"
        a.append(
            f"Training is paid once in the projection ({never}); break-even amortises it over "
            "the projection (the horizon, or up to the retirement), and fine-tuning pays only "
            "when training is repaid within it."
        )
    a.append(
        "Fine-tuned deployments are assumed to run at the base model's speed; no source "
        "quantifies the difference."
    )
    if s.provider == "openai":
        a.append("OpenAI charges no hosting fee for fine-tuned models; only tokens are billed.")
    else:
        a.append("Azure bills fine-tuned tokens at the base rate of the same deployment type.")
    if bentry.id != entry.id:
        a.append(
            f"Distillation: the base setup runs {bentry.id}, the fine-tuned setup runs "
            f"fine-tuned {entry.id}; each is priced on its own model and deployment type."
        )
    if s.start_date is None:
        a.append("No start date: lifecycle dates are listed but not placed in the horizon.")
    else:
        a.append(
            f"Lifecycle on the start date {s.start_date} for a {s.customer} customer: a date d "
            "sits at month (d - start).days / (365.25/12); the projection ends at the earlier "
            "of the horizon and the fine-tuned deployment's retirement (traffic, tokens and "
            "hosting accrue up to the end, not after); no retraining on or after the training "
            "retirement that applies."
        )
    a.append("Prices are list (retail) prices without discounts, reservations or batch rates.")


def months_between(start: dt.date, end: dt.date) -> float:
    """Months (of 365.25/12 days) from ``start`` to ``end``; negative when ``end`` is earlier."""
    return (end - start).days / DAYS_PER_MONTH


def figure_warning(label: str, price: Price) -> WarningItem | None:
    """A warning for a catalog figure whose status is derived or uncertain."""
    if price.status == "derived":
        return WarningItem(
            code="derived_figure",
            message=f"{label} is derived, not read from a price list: {price.rule}",
        )
    if price.status == "uncertain":
        why = price.note or "secondary or conflicting sources"
        return WarningItem(code="uncertain_figure", message=f"{label} is uncertain: {why}")
    return None
