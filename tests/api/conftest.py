"""API test set-up: one app over the shipped catalog, and a test client per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from ftcost.api.app import create_app
from ftcost.catalog import Catalog, load_catalog
from ftcost.settings import Settings

# Lets the test modules import problem_checks (the shared problem-document assertions).
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped pricing catalog, loaded once."""
    return load_catalog()


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Small limits so the size checks are cheap to exercise; one allow-listed portal."""
    return Settings(
        max_body_bytes=64 * 1024,
        max_dataset_bytes=256 * 1024,
        cors_origins=("https://portal.example.com",),
        access_log=True,
    )


@pytest.fixture(scope="session")
def app(settings: Settings, catalog: Catalog) -> Litestar:
    """The application under test (built once: building it computes nothing per test)."""
    return create_app(settings, catalog=catalog)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    """An in-process client; no socket is opened."""
    with TestClient(app, base_url="http://testserver.local") as c:
        yield c
