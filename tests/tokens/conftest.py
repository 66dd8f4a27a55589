"""Fixtures for token counting and dataset analysis: catalogs, reference encodings, builders."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
import tiktoken

from ftcost.catalog import Catalog, load_catalog

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # lets the test modules import tokens_reference

from tokens_reference import reference_encoding  # noqa: E402


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped pricing catalog."""
    return load_catalog()


@pytest.fixture(scope="session")
def o200k() -> tiktoken.Encoding:
    """tiktoken's own o200k_base (built from tiktoken's definition in the test)."""
    return reference_encoding("o200k_base")


@pytest.fixture(scope="session")
def cl100k() -> tiktoken.Encoding:
    """tiktoken's own cl100k_base (built from tiktoken's definition in the test)."""
    return reference_encoding("cl100k_base")


def with_model_changes(catalog: Catalog, provider: str, model_id: str, **changes: Any) -> Catalog:
    """A copy of ``catalog`` where one model's fields (e.g. ``limits``, ``prices``) differ."""
    pf = catalog.providers[provider]
    models = [msgspec.structs.replace(m, **changes) if m.id == model_id else m for m in pf.models]
    providers = dict(catalog.providers)
    providers[provider] = msgspec.structs.replace(pf, models=models)
    return msgspec.structs.replace(catalog, providers=providers)


@pytest.fixture
def changed_catalog(catalog: Catalog) -> Callable[..., Catalog]:
    """Builds a catalog with one model changed: ``changed_catalog(provider, id, **fields)``."""

    def build(provider: str, model_id: str, **changes: Any) -> Catalog:
        return with_model_changes(catalog, provider, model_id, **changes)

    return build
