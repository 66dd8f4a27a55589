"""Fixtures for the traffic analysis: the shipped catalog, a reference counter, log builders."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ftcost.catalog import Catalog, load_catalog

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tokens"))  # tokens_reference: tiktoken's own encodings

from traffic_ref import RefCounter  # noqa: E402


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped pricing catalog."""
    return load_catalog()


@pytest.fixture(scope="session")
def ref() -> RefCounter:
    """The reference counter."""
    return RefCounter()
