"""The committed OpenAPI document is in the shapes client generators handle."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
DOC: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_schema_names_and_titles_are_unique() -> None:
    """Every component is named without a module prefix and titled with its own name."""
    schemas = DOC["components"]["schemas"]
    assert all(name.isalnum() for name in schemas)
    titles = Counter(s.get("title", name) for name, s in schemas.items())
    assert [t for t, n in titles.items() if n > 1] == []
    assert {"LatencyPercentiles", "SimulatePercentiles"} <= set(schemas)


def test_no_const_inside_a_union() -> None:
    """A literal inside oneOf/anyOf is an enum of one value (epochs: an integer or "auto")."""
    for node in _nodes(DOC):
        for key in ("oneOf", "anyOf"):
            for member in node.get(key, []):
                assert "const" not in member, node
    epochs = DOC["components"]["schemas"]["Training"]["properties"]["epochs"]["oneOf"]
    assert {"type": "string", "enum": ["auto"]} in epochs


def test_nullable_enums_are_one_enum_or_null() -> None:
    """No schema mixes "null" into an enum's type list; it is oneOf the enum and null."""
    for node in _nodes(DOC):
        kinds = node.get("type")
        if "enum" in node and isinstance(kinds, list):
            raise AssertionError(f"nullable enum as a type list: {node}")
        if isinstance(node.get("enum"), list):
            assert None not in node["enum"], node


def test_every_ref_resolves() -> None:
    """Renamed components left no dangling $ref."""
    schemas = DOC["components"]["schemas"]
    for node in _nodes(DOC):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            assert ref.rsplit("/", 1)[1] in schemas, ref
