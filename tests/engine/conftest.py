"""Fixtures for the estimate engine: the test catalog, the shipped catalog, scenario builders."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ftcost.catalog import Catalog, load_catalog

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # lets the test modules import engine_support and engine_strategies

FIXTURE_CATALOG = HERE / "data" / "catalog"


@pytest.fixture(scope="session")
def test_catalog() -> Catalog:
    """The small fixture catalog of tests/engine/data/catalog (reference figures)."""
    return load_catalog(FIXTURE_CATALOG)


@pytest.fixture(scope="session")
def real_catalog() -> Catalog:
    """The shipped catalog in pricing/."""
    return load_catalog()
