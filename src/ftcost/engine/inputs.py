"""The numeric Scenario inputs that solve, sweep and simulate vary: names, domains, substitution.

A *field* is a dotted path from ``Resolved.fields`` (``traffic.requests_per_month``,
``fine_tuned.prompt_tokens``, ``training.stages[0].epochs``, …). Its domain (bounds and whether
it is a whole number) is read from the Scenario types themselves, so the limits stated in the
API schema and the ones enforced here cannot drift:

* whole-number fields: token counts, ``*.epochs``, ``*.runs``, ``deployment.count``,
  ``retrain_every_months`` (0 = never retrained), ``horizon_months``;
* real-valued fields: ``traffic.requests_per_month``, ``deployment.hours_per_month``,
  ``*.rft_hours``.

``substitute`` returns ``resolved.values`` with arrays put in place of some fields, ready for
``costs.evaluate``; ``scenario_with`` writes scalar values back into the resolved scenario so an
adapter (or ``solve``) can build the full Projection at that point with ``estimate``. Pure.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import numpy as np

from ftcost.catalog import Catalog
from ftcost.engine import costs
from ftcost.engine.projection import REASON_CODES, ReasonCode
from ftcost.engine.resolve import Resolved, resolve
from ftcost.engine.scenario import Scenario
from ftcost.errors import InvalidInputError, UnknownModelError

__all__ = [
    "InputSpec",
    "check_values",
    "input_spec",
    "reason_code_list",
    "resolve_in_request",
    "scenario_with",
    "substitute",
    "unknown_field",
]

_mi = msgspec.inspect
_PART = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?$")


class InputSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One numeric input: its bounds, whether it is a whole number, and its current value."""

    field: str
    low: float
    high: float
    integer: bool
    current: float


def _numeric_type(t: Any) -> Any:
    """The int/float member of a msgspec type (``int | None``, ``int | "auto"``)."""
    if isinstance(t, _mi.UnionType):
        for member in t.types:
            if isinstance(member, _mi.IntType | _mi.FloatType):
                return member
    return t


@functools.lru_cache(maxsize=256)
def _domain(field: str) -> tuple[float, float, bool]:
    """(low, high, integer) of a dotted field path, from the Scenario type's bounds."""
    t: Any = _mi.type_info(Scenario)
    for part in field.split("."):
        m = _PART.match(part)
        if m is None or not isinstance(t, _mi.StructType):
            raise KeyError(field)
        by_name = {f.name: f for f in t.fields}
        if m.group("name") not in by_name:
            raise KeyError(field)
        t = by_name[m.group("name")].type
        if m.group("index") is not None:
            if not isinstance(t, _mi.ListType):
                raise KeyError(field)
            t = t.item_type
    t = _numeric_type(t)
    if not isinstance(t, _mi.IntType | _mi.FloatType):
        raise KeyError(field)
    low = t.ge if t.ge is not None else -math.inf
    high = t.le if t.le is not None else math.inf
    return float(low), float(high), isinstance(t, _mi.IntType)


def unknown_field(name: str, resolved: Resolved, where: str) -> InvalidInputError:
    """The error for a field name that is not a numeric input of this scenario."""
    return InvalidInputError(
        f"{where}: unknown numeric field {name!r}; valid fields: {', '.join(resolved.fields)}",
        field=where,
    )


def input_spec(resolved: Resolved, name: str, *, where: str) -> InputSpec:
    """The domain of ``name``; ``InvalidInputError`` at ``where`` when it is not a field."""
    if name not in resolved.fields:
        raise unknown_field(name, resolved, where)
    low, high, integer = _domain(name)
    return InputSpec(field=name, low=low, high=high, integer=integer, current=resolved.values[name])


def check_values(spec: InputSpec, values: np.ndarray, *, where: str, indexed: bool = True) -> None:
    """Reject values that are not finite, outside the domain, or fractional for whole numbers.

    ``where`` is the request path of the list (``axes[0].values``); the error names the item
    (``axes[0].values[3]``), or ``where`` itself when ``indexed`` is false (a single value).
    """
    bad = ~np.isfinite(values) | (values < spec.low) | (values > spec.high)
    if spec.integer:
        bad |= np.isfinite(values) & (values != np.round(values))
    if bool(np.any(bad)):
        i = int(np.argmax(bad))
        path = f"{where}[{i}]" if indexed else where
        kind = "a whole number " if spec.integer else ""
        raise InvalidInputError(
            f"{path}: {float(values[i])!r} is not {kind}in [{spec.low:g}, {spec.high:g}] "
            f"({spec.field})",
            field=path,
        )


def _follow(resolved: Resolved, changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes``, plus the fine-tuned output tokens where they follow the base (not given)."""
    out = dict(changes)
    if (
        resolved.output_follows
        and "base.output_tokens" in out
        and "fine_tuned.output_tokens" not in out
    ):
        out["fine_tuned.output_tokens"] = out["base.output_tokens"]
    return out


def substitute(resolved: Resolved, arrays: Mapping[str, Any]) -> dict[str, Any]:
    """``resolved.values`` with ``arrays`` (scalars or numpy arrays) put in place.

    As in ``estimate``, the fine-tuned output tokens follow ``base.output_tokens`` unless the
    scenario gave them.
    """
    return {**resolved.values, **_follow(resolved, arrays)}


def scenario_with(resolved: Resolved, changes: Mapping[str, float]) -> Scenario:
    """The resolved scenario (counted prompts, resolved epochs) with ``changes`` written in.

    Whole-number fields are written as ints. ``retrain_every_months`` 0 means never retrained.
    """
    data: dict[str, Any] = msgspec.to_builtins(resolved.scenario)
    for name, value in _follow(resolved, changes).items():
        _, _, integer = _domain(name)
        node: Any = data
        parts = name.split(".")
        for part in parts[:-1]:
            m = _PART.match(part)
            assert m is not None
            node = node[m.group("name")]
            if m.group("index") is not None:
                node = node[int(m.group("index"))]
        node[parts[-1]] = round(value) if integer else float(value)
    return msgspec.convert(data, Scenario)


def reason_code_list(never_reason: np.ndarray) -> list[ReasonCode]:
    """``costs.NeverReason`` codes as the Projection's reason-code strings."""
    table: Sequence[ReasonCode] = [REASON_CODES[int(c)] for c in costs.NeverReason]
    lookup = np.array(table, dtype=object)
    out: list[ReasonCode] = lookup[never_reason.astype(np.intp).ravel()].tolist()
    return out


def resolve_in_request(
    scenario: Scenario, catalog: Catalog, counter: object | None, *, where: str = "scenario"
) -> Resolved:
    """``resolve`` for a scenario nested in a request: error fields get the ``where`` prefix.

    ``fine_tuned.prompt_tokens`` becomes ``scenario.fine_tuned.prompt_tokens``, the path of
    the culprit in the request body.
    """
    try:
        return resolve(scenario, catalog, counter)
    except (InvalidInputError, UnknownModelError) as exc:
        if exc.field and not exc.field.startswith(f"{where}."):
            exc.field = f"{where}.{exc.field}"
        raise
