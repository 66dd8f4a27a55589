"""The age of the prices an estimate used, and the ``stale_prices`` warning past 180 days.

The engine reads no clock: the age is the scenario's start date minus the oldest ``as_of``
among the prices it looked up. The fixture catalog is re-dated here so every date is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import msgspec
import pytest
from engine_support import scenario

from ftcost.catalog import Catalog, ModelEntry, Price
from ftcost.engine import Projection, estimate

D = dt.date(2026, 1, 10)


def redate(
    catalog: Catalog, when: dt.date, pick: Callable[[ModelEntry, Price], bool] = lambda m, p: True
) -> Catalog:
    """``catalog`` with the ``as_of`` of every picked price set to ``when``."""
    providers = {}
    for name, pf in catalog.providers.items():
        models = [
            msgspec.structs.replace(
                m,
                prices=[
                    msgspec.structs.replace(p, as_of=when) if pick(m, p) else p for p in m.prices
                ],
            )
            for m in pf.models
        ]
        providers[name] = msgspec.structs.replace(pf, models=models)
    return msgspec.structs.replace(catalog, providers=providers)


def stale(p: Projection) -> list[str]:
    return [w.message for w in p.warnings if w.code == "stale_prices"]


@pytest.mark.parametrize(
    ("days", "warned"),
    [(0, False), (179, False), (180, False), (181, True), (400, True)],
    ids=["same-day", "179-days", "180-days", "181-days", "400-days"],
)
def test_warning_past_180_days(test_catalog: Catalog, days: int, warned: bool) -> None:
    """At most 180 days old on the start date: no warning; 181 and more: stale_prices."""
    catalog = redate(test_catalog, D)
    start = D + dt.timedelta(days=days)
    p = estimate(scenario(start_date=start.isoformat()), catalog)
    assert p.catalog.prices_used_as_of == D.isoformat()
    assert p.catalog.prices_age_days == days
    messages = stale(p)
    assert bool(messages) is warned
    if warned:
        assert f"as of {D}, {days} days before the start date {start}" in messages[0]
        assert "ftcost catalog refresh" in messages[0]


def test_the_oldest_used_price_counts(test_catalog: Catalog) -> None:
    """One used price two days older tips 179 days into 181; an unused ancient price does not."""
    catalog = redate(test_catalog, D)
    catalog = redate(
        catalog,
        D - dt.timedelta(days=2),
        lambda m, p: m.id.startswith("gpt-4.1-mini") and p.kind == "hosting" and p.tier == "global",
    )
    catalog = redate(catalog, dt.date(2001, 1, 1), lambda m, p: m.id.startswith("gpt-4o"))
    p = estimate(scenario(start_date=(D + dt.timedelta(days=179)).isoformat()), catalog)
    assert p.catalog.prices_used_as_of == (D - dt.timedelta(days=2)).isoformat()
    assert p.catalog.prices_age_days == 181
    assert len(stale(p)) == 1


def test_no_start_date_no_age(test_catalog: Catalog) -> None:
    """Without a start date the oldest price is named but has no age, and nothing warns."""
    p = estimate(scenario(), redate(test_catalog, D))
    assert p.catalog.prices_used_as_of == D.isoformat()
    assert p.catalog.prices_age_days is None
    assert stale(p) == []


def test_openai_warning_says_refresh_is_azure_only(test_catalog: Catalog) -> None:
    """An OpenAI estimate on old prices points at --pricing: the refresh reads Azure only."""
    s = scenario(provider="openai", start_date=(D + dt.timedelta(days=181)).isoformat())
    p = estimate(s, redate(test_catalog, D))
    (message,) = stale(p)
    assert "--pricing" in message
    assert "Azure prices only" in message
