"""Model names, aliases and fine-tuned ids resolve to catalog entries; unknown names get the
closest known names. Expected entries are the dated model ids of pricing/*.toml."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftcost.catalog import Catalog, load_catalog, resolve_model
from ftcost.errors import UnknownModelError

CATALOG = load_catalog()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped catalog."""
    return CATALOG


MINI = "gpt-4.1-mini-2025-04-14"

# (name, provider asked for, expected provider, expected model id, expected fine_tune_id)
RESOLVES: list[tuple[str, str | None, str, str, str | None]] = [
    ("gpt-4.1-mini", "azure", "azure", MINI, None),
    ("gpt-4.1-mini", "openai", "openai", MINI, None),
    ("gpt-4.1-mini-2025-04-14", "azure", "azure", MINI, None),
    ("GPT-4.1-Mini", "openai", "openai", MINI, None),
    ("  gpt-4.1-mini  ", "azure", "azure", MINI, None),
    ("gpt-4.1-mini", None, "azure", MINI, None),
    ("ft:gpt-4.1-mini-2025-04-14:acme::AbC123", "openai", "openai", MINI,
     "ft:gpt-4.1-mini-2025-04-14:acme::AbC123"),
    ("ft:gpt-4.1-mini-2025-04-14:acme::AbC123", None, "openai", MINI,
     "ft:gpt-4.1-mini-2025-04-14:acme::AbC123"),
    ("ft:gpt-4.1-mini-2025-04-14:acme::AbC123:ckpt-step-300", None, "openai", MINI,
     "ft:gpt-4.1-mini-2025-04-14:acme::AbC123:ckpt-step-300"),
    ("FT:GPT-4.1-MINI-2025-04-14:Acme:support-bot:AbC123", None, "openai", MINI,
     "FT:GPT-4.1-MINI-2025-04-14:Acme:support-bot:AbC123"),
    ("ft:gpt-4.1-mini:acme::AbC123", None, "openai", MINI, "ft:gpt-4.1-mini:acme::AbC123"),
    ("ft:gpt-4o-mini-2024-07-18:personal::9xYz", None, "openai", "gpt-4o-mini-2024-07-18",
     "ft:gpt-4o-mini-2024-07-18:personal::9xYz"),
    ("ft:gpt-3.5-turbo-0125:acme::x1", None, "openai", "gpt-3.5-turbo-0125",
     "ft:gpt-3.5-turbo-0125:acme::x1"),
    ("gpt-4.1-mini-2025-04-14.ft-0123abcd4567ef89", None, "azure", MINI,
     "gpt-4.1-mini-2025-04-14.ft-0123abcd4567ef89"),
    ("gpt-4.1-mini-2025-04-14.ft-0123abcd4567ef89-my_suffix", "azure", "azure", MINI,
     "gpt-4.1-mini-2025-04-14.ft-0123abcd4567ef89-my_suffix"),
    ("GPT-4O-2024-08-06.FT-ABCDEF", None, "azure", "gpt-4o-2024-08-06",
     "GPT-4O-2024-08-06.FT-ABCDEF"),
    ("gpt-35-turbo", "azure", "azure", "gpt-35-turbo-0125", None),
    ("gpt-3.5-turbo", "openai", "openai", "gpt-3.5-turbo-0125", None),
    ("gpt-35-turbo-0125", "openai", "openai", "gpt-3.5-turbo-0125", None),
    ("o4-mini", "azure", "azure", "o4-mini-2025-04-16", None),
    ("o3-mini-2025-01-31", "azure", "azure", "o3-mini", None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "provider", "want_provider", "want_id", "want_ft"), RESOLVES)
def test_names_resolve(
    catalog: Catalog,
    name: str,
    provider: str | None,
    want_provider: str,
    want_id: str,
    want_ft: str | None,
) -> None:
    """A name, alias or fine-tuned id resolves to the dated entry, keeping the fine-tune id."""
    got = resolve_model(catalog, name, provider)
    assert (got.provider, got.entry.id, got.fine_tune_id) == (want_provider, want_id, want_ft)
    assert got.requested == name.strip()


# (name, provider, names that must be among the closest)
UNKNOWN: list[tuple[str, str | None, list[str]]] = [
    ("gpt-4.1-mni", None, ["gpt-4.1-mini"]),
    ("gpt-4.2-mini", "azure", ["gpt-4.1-mini"]),
    ("gpt4o-mini", "openai", ["gpt-4o-mini"]),
    ("ft:gpt-4.2-mini-2025-04-14:acme::x", None, ["gpt-4.1-mini-2025-04-14"]),
    ("gpt-4.1-mini-2025-04-15.ft-abc", "azure", ["gpt-4.1-mini-2025-04-14"]),
    ("text-embedding-3-small", "azure", ["text-embedding-3-large"]),
]


@pytest.mark.parametrize(("name", "provider", "closest"), UNKNOWN)
def test_unknown_names_list_the_closest(
    catalog: Catalog, name: str, provider: str | None, closest: list[str]
) -> None:
    """An unknown name raises UnknownModelError naming it and the closest known names."""
    with pytest.raises(UnknownModelError) as info:
        resolve_model(catalog, name, provider)
    err = info.value
    assert err.model_id == name
    assert set(closest) <= set(err.closest)
    assert str(err).startswith(f"unknown model {name!r}; closest: ")


def test_a_name_far_from_everything_has_no_suggestions(catalog: Catalog) -> None:
    """Nothing is suggested when no known name is close."""
    with pytest.raises(UnknownModelError) as info:
        resolve_model(catalog, "zzzzzzzzzzzz")
    assert info.value.closest == []
    assert str(info.value) == "unknown model 'zzzzzzzzzzzz'"


def test_a_provider_only_searches_its_own_models(catalog: Catalog) -> None:
    """An Azure-only model is unknown when the OpenAI catalog is asked for."""
    assert resolve_model(catalog, "text-embedding-3-large", "azure").provider == "azure"
    with pytest.raises(UnknownModelError):
        resolve_model(catalog, "text-embedding-3-large", "openai")


_KNOWN = st.sampled_from([n for _, m in CATALOG.models() for n in (m.id, *m.aliases)])


@given(name=_KNOWN, flips=st.lists(st.booleans(), min_size=40, max_size=40))
def test_resolution_ignores_case(name: str, flips: list[bool]) -> None:
    """Any mix of upper and lower case resolves to the same entry as the name as written."""
    mixed = "".join(c.upper() if f else c.lower() for c, f in zip(name, flips, strict=False))
    assert resolve_model(CATALOG, mixed).entry.id == resolve_model(CATALOG, name).entry.id
