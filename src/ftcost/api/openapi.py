"""OpenAPI generation: litestar's msgspec Struct schemas, made to say what msgspec enforces.

``StrictStructSchemaPlugin`` replaces litestar's Struct plugin (registered first, it wins):

* ``additionalProperties: false`` for ``forbid_unknown_fields=True`` Structs — litestar omits it,
  so schema-driven clients would send extra keys the API then rejects;
* numeric, string, array and object bounds from ``Meta`` on every field, also inside unions
  (``int >= 1 | "auto"``), on list items, dict keys (``propertyNames``) and values, and for zero
  bounds (litestar drops ``ge=0`` on optional fields);
* defaults that are unhashable (a frozen Struct holding a list, e.g. ``Training()``) no longer
  crash the generator (litestar tests ``default in {NODEFAULT, UNSET}``);
* an example for the Structs listed in ``schemas.SCHEMA_EXAMPLES``.

``GeneratorFriendlyOpenAPIConfig`` makes every rendering of the document (``/openapi.json``,
``/docs/openapi.json``, ``ftcost openapi``) pass through ``for_generators``, which says the same
schemas in the forms client generators (openapi-python-client, datamodel-code-generator) turn
into working types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import OpenAPI, OpenAPIType, Reference, Schema
from litestar.plugins.core._msgspec import kwarg_definition_from_field
from litestar.types.empty import Empty
from litestar.typing import FieldDefinition

from ftcost.api.csv_output import CSV_ROUTES
from ftcost.api.schemas import SCHEMA_EXAMPLES

__all__ = [
    "GeneratorFriendlyOpenAPIConfig",
    "StrictStructSchemaPlugin",
    "for_generators",
    "tighten_document",
    "with_csv",
]

_mi = msgspec.inspect
_NUMBER_BOUNDS = (
    ("ge", "minimum"),
    ("le", "maximum"),
    ("gt", "exclusive_minimum"),
    ("lt", "exclusive_maximum"),
    ("multiple_of", "multiple_of"),
)
_KINDS: dict[type[Any], str] = {
    _mi.IntType: "integer",
    _mi.FloatType: "number",
    _mi.StrType: "string",
    _mi.ListType: "array",
    _mi.SetType: "array",
    _mi.FrozenSetType: "array",
    _mi.VarTupleType: "array",
    _mi.DictType: "object",
}
_ARRAYS = (_mi.ListType, _mi.SetType, _mi.FrozenSetType, _mi.VarTupleType)


def _bounds(t: Any) -> dict[str, Any]:
    """JSON Schema bounds (as litestar ``Schema`` attribute names) of a msgspec type."""
    out: dict[str, Any] = {}
    if isinstance(t, _mi.IntType | _mi.FloatType):
        for attr, key in _NUMBER_BOUNDS:
            if (value := getattr(t, attr)) is not None:
                out[key] = value
    elif isinstance(t, _mi.StrType):
        if t.min_length is not None:
            out["min_length"] = t.min_length
        if t.max_length is not None:
            out["max_length"] = t.max_length
        if t.pattern is not None:
            out["pattern"] = t.pattern
    elif isinstance(t, _ARRAYS):
        if t.min_length is not None:
            out["min_items"] = t.min_length
        if t.max_length is not None:
            out["max_items"] = t.max_length
    elif isinstance(t, _mi.DictType):
        if t.min_length is not None:
            out["min_properties"] = t.min_length
        if t.max_length is not None:
            out["max_properties"] = t.max_length
    return out


def _kind_of(schema: Schema) -> str | None:
    kind = schema.type
    if isinstance(kind, list | tuple):
        kinds = [k for k in kind if str(getattr(k, "value", k)) != "null"]
        kind = kinds[0] if len(kinds) == 1 else None
    return str(getattr(kind, "value", kind)) if kind is not None else None


def _apply(schema: Schema, t: Any) -> None:
    """Put the bounds of ``t`` on ``schema``, and those of its items, keys and values."""
    for key, value in _bounds(t).items():
        setattr(schema, key, value)
    if isinstance(t, _ARRAYS) and isinstance(schema.items, Schema):
        _constrain(schema.items, t.item_type)
    elif isinstance(t, _mi.DictType):
        if isinstance(t.key_type, _mi.StrType) and (keys := _bounds(t.key_type)):
            schema.property_names = Schema(type=OpenAPIType.STRING, **keys)
        if isinstance(schema.additional_properties, Schema):
            _constrain(schema.additional_properties, t.value_type)


def _constrain(prop: Reference | Schema, t: Any) -> None:
    """Put the bounds of msgspec type ``t`` on the property schema, per union member."""
    if not isinstance(prop, Schema):
        return
    members = t.types if isinstance(t, _mi.UnionType) else (t,)
    members = tuple(m for m in members if not isinstance(m, _mi.NoneType))
    subs = prop.one_of or prop.any_of
    if subs:
        for sub in subs:
            if not isinstance(sub, Schema) or sub.const is not None or sub.enum is not None:
                continue
            kind = _kind_of(sub)
            for m in members:
                if _KINDS.get(type(m)) == kind or (kind == "number" and type(m) is _mi.IntType):
                    _apply(sub, m)
                    break
        # Bounds now sit on the members they belong to.
        for key in {k for m in members for k in _bounds(m)}:
            setattr(prop, key, None)
        return
    if len(members) == 1:
        _apply(prop, members[0])


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """litestar's Struct schema plugin with the fixes listed in the module docstring."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        type_hints = field_definition.get_type_hints(include_extras=True, resolve_generics=True)
        info = msgspec.inspect.type_info(field_definition.type_)
        assert isinstance(info, msgspec.inspect.StructType)
        property_fields = {}
        for f in info.fields:
            kwargs: dict[str, Any] = {}
            if kwarg_definition := kwarg_definition_from_field(f)[0]:
                kwargs["kwarg_definition"] = kwarg_definition
            no_default = f.default is msgspec.NODEFAULT or f.default is msgspec.UNSET
            property_fields[f.encode_name] = FieldDefinition.from_annotation(
                annotation=type_hints[f.name],
                name=f.encode_name,
                default=Empty if no_default else f.default,
                **kwargs,
            )
        required = [f.encode_name for f in info.fields if self._is_field_required(field=f)]
        if info.tag_field:
            tag: Any = Literal[info.tag]
            property_fields[info.tag_field] = FieldDefinition.from_annotation(tag)
            required.append(info.tag_field)
        schema: Schema = schema_creator.create_component_schema(
            field_definition, required=sorted(required), property_fields=property_fields
        )
        for f in info.fields:
            if schema.properties and f.encode_name in schema.properties:
                _constrain(schema.properties[f.encode_name], f.type)
        if info.forbid_unknown_fields:
            schema.additional_properties = False
        if examples := SCHEMA_EXAMPLES.get(field_definition.type_):
            schema.examples = list(examples)
        return schema


# ---------------------------------------------------------------------------------------------
# The document as client generators read it

# Component keys litestar derives from module paths when two Structs share a name, and the
# names clients get instead (also their titles).
_COMPONENT_NAMES = {
    "catalog_schema_Percentiles": "LatencyPercentiles",
    "engine_simulate_Percentiles": "SimulatePercentiles",
}
_REF = "#/components/schemas/"


def _component_name(key: str) -> str:
    if key in _COMPONENT_NAMES:
        return _COMPONENT_NAMES[key]
    if key.isalnum():
        return key
    # Another clash: the last module name and the class name, CamelCase ("sweep_Axis" -> ...).
    *modules, name = key.split("_")
    return (modules[-1].title() if modules else "") + name


def _nullable_enum(node: dict[str, Any]) -> dict[str, Any] | None:
    """``{"type": ["null", T], "enum": [..., null]}`` as ``oneOf`` an enum of ``T`` and null."""
    kinds, values = node.get("type"), node.get("enum")
    if not (isinstance(kinds, list) and "null" in kinds and isinstance(values, list)):
        return None
    others = [k for k in kinds if k != "null"]
    if len(others) != 1:
        return None
    enum = {"type": others[0], "enum": [v for v in values if v is not None]}
    rest = {k: v for k, v in node.items() if k not in {"type", "enum"}}
    return {"oneOf": [enum, {"type": "null"}], **rest}


def _one_of_required(out: dict[str, Any]) -> dict[str, Any]:
    """An object's ``anyOf`` / ``oneOf`` of constraint-only clauses (``{required: [...]}``:
    "give at least one of these", "values, or start, stop and num"), which generators cannot
    read, kept as ``x-ftcost-<key>`` with a sentence; validation enforces them (422)."""
    for key in ("anyOf", "oneOf"):
        clauses = out.get(key)
        if not (
            out.get("type") == "object"
            and isinstance(clauses, list)
            and clauses
            and all(isinstance(c, dict) and "type" not in c and "$ref" not in c for c in clauses)
        ):
            continue
        options = [
            " and ".join(f"`{n}`" for n in c.get("required", []))
            or ", ".join(f"`{n}` as {json.dumps(v)}" for n, v in c.get("properties", {}).items())
            for c in clauses
        ]
        word = "exactly one" if key == "oneOf" else "at least one"
        out = {k: v for k, v in out.items() if k != key}
        out[f"x-ftcost-{key}"] = clauses
        said = f"Give {word} of: {'; '.join(options)}."
        out["description"] = (out.get("description", "") + " " + said).strip()
    return out


def _for_generators(node: Any, names: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_for_generators(item, names) for item in node]
    if not isinstance(node, dict):
        return node
    out = _one_of_required({k: _for_generators(v, names) for k, v in node.items()})
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF):
        out["$ref"] = _REF + names.get(ref[len(_REF) :], ref[len(_REF) :])
    for key in ("oneOf", "anyOf"):
        members = out.get(key)
        if isinstance(members, list):
            # A literal inside a union is an enum of one value: generators make a type of it.
            out[key] = [
                {**{k: v for k, v in m.items() if k != "const"}, "enum": [m["const"]]}
                if isinstance(m, dict) and "const" in m
                else m
                for m in members
            ]
    return _nullable_enum(out) or out


_CSV_CONTENT = {
    "schema": {"type": "string"},
    "example": "month,base_cumulative_usd,fine_tuned_cumulative_usd,...\r\n",
}


def with_csv(document: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """``text/csv`` as a second representation of the 200 answer of ``paths`` (POST)."""
    for path in paths:
        op = document.get("paths", {}).get(path, {}).get("post")
        ok = op.get("responses", {}).get("200") if op else None
        if ok is None:
            continue
        ok.setdefault("content", {})["text/csv"] = dict(_CSV_CONTENT)
        ok["description"] = (
            ok.get("description", "")
            + " With `Accept: text/csv`, the same result as CSV (what `ftcost --csv` prints)."
        ).strip()
    return document


def for_generators(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document in the shapes client generators turn into working types.

    The same schemas, said differently: component names without module prefixes (and each title
    equal to its name, so none repeats), ``enum: [x]`` instead of ``const: x`` inside unions
    (``epochs``: an integer or ``"auto"``), and a nullable enum as ``oneOf`` the enum and
    ``null`` (one enum type and None, not three classes).
    """
    schemas = document.get("components", {}).get("schemas", {})
    names = {key: _component_name(key) for key in schemas}
    out: dict[str, Any] = _for_generators(document, names)
    if schemas:
        renamed = {}
        for key, schema in out["components"]["schemas"].items():
            name = names[key]
            renamed[name] = {**schema, "title": name} if "title" in schema else schema
        out["components"]["schemas"] = dict(sorted(renamed.items()))
    return out


@dataclass
class _GeneratorFriendlyOpenAPI(OpenAPI):
    def to_schema(self) -> dict[str, Any]:
        return for_generators(with_csv(super().to_schema(), list(CSV_ROUTES)))


class GeneratorFriendlyOpenAPIConfig(OpenAPIConfig):
    """litestar's OpenAPI config whose document renders through ``for_generators``."""

    def to_openapi_schema(self) -> OpenAPI:
        base = super().to_openapi_schema()
        return _GeneratorFriendlyOpenAPI(**{f.name: getattr(base, f.name) for f in fields(base)})


# ---------------------------------------------------------------------------------------------
# The served document, tightened to what validation enforces beyond one field's type


def tighten_document(
    doc: dict[str, Any],
    *,
    fields: Sequence[str],
    stage_fields: Sequence[str],
    regions: Sequence[str],
    sweep_points: int,
) -> None:
    """Make the document state what the handlers check, so a request a generic client builds
    from the schema is one the server takes (up to what only the catalog can say):

    * field paths (solve ``field``, sweep ``axes[].field``, simulate ``distributions`` keys)
      are one of the numeric Scenario inputs, not any dotted name;
    * the ``region`` filter of ``ListModels`` is one of the catalog's regions;
    * ``CountTokensRequest`` needs text, messages or tools; ``CompareVariants`` at least one
      list, without repeats; a sweep axis values or start/stop/num, and at most this server's
      ``FTCOST_MAX_SWEEP_POINTS``; ``payback_months`` goes with ``target: payback`` only,
      grader tokens with ``method: rft`` only.
    """
    stage = "|".join(re.escape(f) for f in stage_fields)
    pattern = (
        "^(?:" + "|".join(re.escape(f) for f in fields) + rf"|training\.stages\[[0-9]{{1,2}}\]"
        rf"\.(?:{stage}))$"
    )
    schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})

    def props(name: str) -> dict[str, Any]:
        found: dict[str, Any] = schemas.get(name, {}).get("properties", {})
        return found

    for holder in (props("SolveRequest").get("field"), props("SweepAxis").get("field")):
        if holder is not None:
            holder["pattern"] = pattern
    names = props("SimulateRequest").get("distributions", {}).get("propertyNames")
    if names is not None:
        names["pattern"] = pattern
    for name, key in (("num", "maximum"), ("values", "maxItems")):
        for option in props("SweepAxis").get(name, {}).get("oneOf", []):
            if key in option:
                option[key] = min(option[key], sweep_points)
    # (A Scenario's region stays a string: compare lists an unknown one as unavailable.)
    region = {"type": "string", "enum": sorted(regions)}
    for param in doc.get("paths", {}).get("/v1/models", {}).get("get", {}).get("parameters", []):
        if param.get("name") == "region":
            param["schema"] = {**param["schema"], "oneOf": [region, {"type": "null"}]}
            param["schema"].pop("pattern", None)
    if "CountTokensRequest" in schemas:
        schemas["CountTokensRequest"]["anyOf"] = [
            {"required": ["text"], "properties": {"text": {"type": "string"}}},
            {"required": ["messages"], "properties": {"messages": {"type": "array"}}},
            {"required": ["tools"], "properties": {"tools": {"type": "array"}}},
        ]
    if "CompareVariants" in schemas:
        schemas["CompareVariants"]["anyOf"] = [
            {"required": [k], "properties": {k: {"type": "array"}}}
            for k in ("tiers", "regions", "models", "deployments")
        ]
        for prop in props("CompareVariants").values():
            for option in prop.get("oneOf", []):
                if option.get("type") == "array":
                    option["uniqueItems"] = True
    if "SweepAxis" in schemas:
        ranged = ("start", "stop", "num")
        schemas["SweepAxis"]["oneOf"] = [
            {
                "required": ["values"],
                "properties": {
                    "values": {"type": "array"},
                    **{k: {"type": "null"} for k in ranged},
                },
            },
            {
                "required": list(ranged),
                "properties": {
                    "values": {"type": "null"},
                    **{k: {"type": "number"} for k in ranged},
                },
            },
        ]
    no_grader = {
        "properties": {
            "grader": {
                "properties": {
                    k: {"const": 0}
                    for k in ("input_tokens", "cached_input_tokens", "output_tokens")
                }
            }
        }
    }
    for name in ("Training", "Stage"):  # grader tokens go with method rft only
        if name in schemas:
            schemas[name]["if"] = {
                "not": {"required": ["method"], "properties": {"method": {"const": "rft"}}}
            }
            schemas[name]["then"] = no_grader
    if "SolveRequest" in schemas:
        schemas["SolveRequest"]["anyOf"] = [
            {"required": ["target"], "properties": {"target": {"const": "payback"}}},
            {"properties": {"payback_months": {"type": "null"}}},
        ]
