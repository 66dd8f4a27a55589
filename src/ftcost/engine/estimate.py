"""``estimate``: a Scenario to its Projection, as resolve -> evaluate -> build.

``ftcost.engine.resolve`` does every catalog lookup and token count; ``ftcost.engine.build``
evaluates the numbers (``costs.evaluate``) and fills in the result Structs of
``ftcost.engine.projection``.
"""

from __future__ import annotations

from ftcost.catalog import Catalog
from ftcost.engine.build import build_projection
from ftcost.engine.latency import DEFAULT_SAMPLES, DEFAULT_SEED
from ftcost.engine.projection import Projection
from ftcost.engine.resolve import resolve
from ftcost.engine.scenario import Scenario

__all__ = ["estimate"]


def estimate(
    scenario: Scenario,
    catalog: Catalog,
    counter: object | None = None,
    *,
    seed: int = DEFAULT_SEED,
    samples: int = DEFAULT_SAMPLES,
) -> Projection:
    """The Projection of ``scenario``: ``build_projection(resolve(...))``."""
    return build_projection(resolve(scenario, catalog, counter), seed=seed, samples=samples)
