"""Write a ``ProviderFile`` as catalog TOML in the layout of ``pricing/*.toml``.

Pure: ``dump_provider_file`` returns text; ``parse_catalog`` reads it back to an equal value.
Defaults are left out as in the hand-written files; prices are inline tables, one per line
(TOML 1.0 inline tables cannot span lines).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import msgspec

from ftcost.catalog.schema import ProviderFile

__all__ = ["dump_provider_file"]

_TOP = ("schema_version", "provider", "version", "currency", "reference_tier")
# Key order inside inline tables, as in the hand-written files: what, the number, provenance.
_KEY_ORDER = (
    "kind", "tier", "region", "variant", "method", "value", "p10", "p50", "p90",
    "source", "as_of", "status", "rule", "effective_from", "effective_to", "note",
)  # fmt: skip
_RANK = {k: i for i, k in enumerate(_KEY_ORDER)}
_SUBTABLES = ("limits", "latency", "regions", "lifecycle", "provisioned")


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters (DEL too) escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"cannot write a non-finite number: {v}")
        text = repr(v)
        return text if any(c in text for c in ".en") else f"{text}.0"
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        items = sorted(v.items(), key=lambda kv: _RANK.get(kv[0], len(_RANK)))
        return "{ " + ", ".join(f"{k} = {_value(x)}" for k, x in items) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _plain(obj: Any) -> dict[str, Any]:
    """Fields of a Struct that differ from their defaults, dates kept as dates."""
    out: dict[str, Any] = msgspec.to_builtins(obj, builtin_types=(dt.date,))
    return out


def dump_provider_file(pf: ProviderFile, *, header: Sequence[str] = ()) -> str:
    """The TOML text of ``pf``; ``header`` lines become ``#`` comments at the top."""
    data = _plain(pf)
    lines = [f"# {h}".rstrip() for h in header]
    if lines:
        lines.append("")
    lines += [f"{k} = {_value(data[k])}" for k in _TOP if k in data]
    for source in data.get("sources", []):
        lines += ["", "[[sources]]"]
        lines += [f"{k} = {_value(v)}" for k, v in source.items()]
    if "caching" in data:
        lines += ["", "[caching]"]
        lines += [f"{k} = {_value(v)}" for k, v in data["caching"].items()]
    for price in data.get("provisioned_prices", []):
        lines += ["", "[[provisioned_prices]]"]
        items = sorted(price.items(), key=lambda kv: _RANK.get(kv[0], len(_RANK)))
        lines += [f"{k} = {_value(v)}" for k, v in items]
    for model in data.get("models", []):
        lines += ["", "[[models]]"]
        for k, v in model.items():
            if k == "prices" or k in _SUBTABLES:
                continue
            if k == "notes" and v:
                lines.append("notes = [")
                lines += [f"  {_value(n)}," for n in v]
                lines.append("]")
            else:
                lines.append(f"{k} = {_value(v)}")
        if "prices" in model:
            lines.append("prices = [")
            lines += [f"  {_value(p)}," for p in model["prices"]]
            lines.append("]")
        for part in _SUBTABLES:
            if part in model:
                lines += ["", f"[models.{part}]"]
                lines += [f"{k} = {_value(v)}" for k, v in model[part].items()]
    return "\n".join(lines) + "\n"
