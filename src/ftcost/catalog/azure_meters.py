"""Azure Retail Prices meter names to catalog price slots (model, kind, tier, variant).

Pure: ``classify_meter`` reads one meter name and its unit. Meter names encode model, kind,
tier and variant in irregular abbreviations (``gpt-4o-mini-0718-FT-Trng-regnl``,
``gpt 4.1 mini cached Inp glbl``, ``gpt-4.1-mini-ft mdl grdr cchd inpt``). A name is
lower-cased, ``-``/``_`` become spaces, then a known model prefix is matched and every remaining
word must be in the vocabulary below; a name with an unknown word is reported, never guessed
(``gpt-4o-0513 …`` is not gpt-4o-2024-08-06).

=================  ==========================================  ===========================
meaning            words                                       catalog
=================  ==========================================  ===========================
training           trng, training (1K/1M tokens)               ``training``
RFT training       rft + training (1 Hour)                     ``rft_training``
hosting            hstng, hosting (1 Hour)                     ``hosting``
input              inp, input, inpt                            ``input``
cached input       cached, cched, cchd (+ an input word)       ``cached_input``
output             outp, output, opt                           ``output``
base meter         base (no input/output word)                 ``input`` and ``output``
grader             grdr, grader                                variant ``grader``
fine-tuned         ft                                          variant ``fine_tuned``
global             glbl, global                                tier ``global``
regional           regnl, regional                             tier ``standard``
developer          dev                                         tier ``developer``
=================  ==========================================  ===========================

Grader meters name no tier: one rate serves every training tier, so the price is listed under
``standard`` and ``global`` (the catalog's convention). Units: ``1K`` tokens (price × 1,000),
``1M`` tokens, ``1 Hour``. Not mapped, with the reason: Batch and Data Zone meters (no such tier
in the catalog), hourly SFT training meters (legacy), tiered prices, other units, and models the
catalog does not have.
"""

from __future__ import annotations

import re
from decimal import Decimal

import msgspec

from ftcost.catalog.schema import Encoding, PriceKind, Tier
from ftcost.catalog.schema import Variant as VariantName

__all__ = ["MODEL_ORDER", "MeterUse", "classify_meter", "normalise_meter"]


class MeterUse(msgspec.Struct, frozen=True, kw_only=True):
    """What one meter prices: one or more catalog (model, kind, tier, variant) slots."""

    models: tuple[str, ...]
    encoding: Encoding
    kinds: tuple[PriceKind, ...]
    tiers: tuple[Tier, ...]
    variant: VariantName | None
    per_unit: Decimal  # multiply the retail price by this for the catalog unit
    uncertain: frozenset[str] = frozenset()  # models for which the mapping is uncertain
    note: str = ""


class _Model(msgspec.Struct, frozen=True):
    pattern: re.Pattern[str]
    models: tuple[str, ...]
    encoding: Encoding
    uncertain: dict[str, tuple[str, ...]] = {}  # variant -> models whose mapping is uncertain
    note: str = ""


def _m(
    pattern: str,
    *models: str,
    encoding: Encoding = "o200k_base",
    uncertain: dict[str, tuple[str, ...]] | None = None,
    note: str = "",
) -> _Model:
    return _Model(re.compile(pattern + r"(?=\s|$)"), models, encoding, uncertain or {}, note)


# Tried in order (a longer name before its prefix); the order of the written file follows the
# order of the models here, which is the order of pricing/azure.toml.
_MODELS: tuple[_Model, ...] = (
    _m(r"^gpt 4\.1(?: 2025 04 14)?(?! mini| nano)", "gpt-4.1-2025-04-14"),
    _m(r"^gpt 4\.1 mini(?: 2025 04 14)?", "gpt-4.1-mini-2025-04-14"),
    _m(r"^gpt 4\.1 nano(?: 2025 04 14)?", "gpt-4.1-nano-2025-04-14"),
    _m(r"^o4 mini(?: 0416)?", "o4-mini-2025-04-16"),
    _m(r"^gpt 4o(?: 0806)?(?! mini)", "gpt-4o-2024-08-06"),
    _m(r"^gpt 4o mini(?: 0718)?", "gpt-4o-mini-2024-07-18"),
    _m(
        r"^gpt 35 turbo 16k(?= ft\b)",
        "gpt-35-turbo-0125",
        "gpt-35-turbo-1106",
        encoding="cl100k_base",
        uncertain={"fine_tuned": ("gpt-35-turbo-1106",)},
        note="shared by gpt-35-turbo-0125 and -1106",
    ),
    _m(r"^gpt 35 turbo 16k 0125", "gpt-35-turbo-0125", encoding="cl100k_base"),
    _m(r"^gpt 35 turbo 16k 1106", "gpt-35-turbo-1106", encoding="cl100k_base"),
    _m(
        r"^gpt 35 turbo 4k",
        "gpt-35-turbo-0613",
        encoding="cl100k_base",
        uncertain={"base": ("gpt-35-turbo-0613",)},
        note="4K meter, mapped to gpt-35-turbo-0613 by name",
    ),
    _m(r"^babbage 002", "babbage-002", encoding="cl100k_base"),
    _m(r"^davinci 002", "davinci-002", encoding="cl100k_base"),
    _m(r"^gpt 4 8k(?= ft\b)", "gpt-4-0613", encoding="cl100k_base"),
    _m(r"^o3 mini", "o3-mini"),
    _m(r"^o3", "o3"),
    _m(r"^o1", "o1"),
    _m(r"^text embedding 3 large", "text-embedding-3-large", encoding="cl100k_base"),
)

# The catalog models the meters map to, in the order of pricing/azure.toml.
MODEL_ORDER: tuple[str, ...] = tuple(dict.fromkeys(m for spec in _MODELS for m in spec.models))

_TRAINING = {"trng", "training"}
_HOSTING = {"hstng", "hosting"}
_CACHED = {"cached", "cched", "cchd"}
_INPUT = {"inp", "input", "inpt"}
_OUTPUT = {"outp", "output", "opt"}
_GRADER = {"grdr", "grader"}
_GLOBAL = {"glbl", "global"}
_REGIONAL = {"regnl", "regional"}
_DATA_ZONE = {"datazone", "dzone", "data", "zone"}
_FILLER = {"ft", "rft", "dev", "base", "model", "mdl", "mdel", "tkn", "tokens", "unit", "batch"}
_VOCABULARY = (
    _TRAINING | _HOSTING | _CACHED | _INPUT | _OUTPUT | _GRADER | _GLOBAL | _REGIONAL
) | (_DATA_ZONE | _FILLER)

_TOKEN_UNITS = {"1k": Decimal(1000), "1m": Decimal(1)}
_HOUR_UNITS = {"1 hour", "1/hour", "1 hours"}


def normalise_meter(name: str) -> str:
    """``gpt-35-turbo16K-FT-Trng-regnl tkn`` → ``gpt 35 turbo 16k ft trng regnl tkn``."""
    text = re.sub(r"[-_\s]+", " ", name.lower()).strip()
    return re.sub(r"\bturbo(?=\d)", "turbo ", text)


def classify_meter(meter_name: str, unit_of_measure: str) -> MeterUse | str:
    """What a meter prices, or the reason it cannot be mapped (a string)."""
    name = normalise_meter(meter_name)
    model = next((m for m in _MODELS if m.pattern.match(name)), None)
    if model is None:
        return "no catalog model for this meter"
    match = model.pattern.match(name)
    assert match is not None
    words = name[match.end() :].split()
    unknown = [w for w in words if w not in _VOCABULARY]
    if unknown:
        return f"unrecognised word(s) after the model name: {' '.join(unknown)}"
    have = set(words)
    if "batch" in have:
        return "Batch meter: the catalog has no Batch prices"
    if have & _DATA_ZONE:
        return "Data Zone meter: the catalog has no Data Zone tier"

    unit = re.sub(r"\s+", " ", unit_of_measure.strip().lower())
    hourly = unit in _HOUR_UNITS
    per_unit = Decimal(1) if hourly else _TOKEN_UNITS.get(unit)
    if per_unit is None:
        return f"unit {unit_of_measure!r} not understood (expected 1K, 1M or 1 Hour)"
    grader = bool(have & _GRADER)

    kinds: tuple[PriceKind, ...]
    if have & _TRAINING:
        if hourly and "rft" not in have:
            return "hourly SFT training meter: legacy, replaced by token billing"
        kinds = ("rft_training",) if hourly else ("training",)
    elif have & _HOSTING:
        kinds = ("hosting",)
    elif have & _CACHED:
        kinds = ("cached_input",)
    elif have & _INPUT:
        kinds = ("input",)
    elif have & _OUTPUT:
        kinds = ("output",)
    elif "base" in have:
        kinds = ("input", "output")  # one meter for prompt and completion tokens
    elif grader:
        kinds = ("input",)  # the embedding grader has a single meter
    else:
        return "no price kind (training, hosting, input, output) in the meter name"
    token_kind = kinds[0] in ("input", "cached_input", "output")
    if hourly != (kinds[0] in ("hosting", "rft_training")):
        return f"unit {unit_of_measure!r} does not fit a {kinds[0]} price"

    tiers: tuple[Tier, ...]
    if "dev" in have:
        tiers = ("developer",)
    elif have & _GLOBAL:
        tiers = ("global",)
    elif have & _REGIONAL:
        tiers = ("standard",)
    elif grader:
        tiers = ("standard", "global")  # one grader rate whatever the training tier
    else:
        return "no tier (global, regional, developer) in the meter name"

    variant: VariantName | None = None
    if token_kind:
        variant = "grader" if grader else "fine_tuned" if "ft" in have else "base"
    notes = [model.note]
    if kinds == ("input", "output"):
        notes.append("one meter for prompt and completion tokens")
    return MeterUse(
        models=model.models,
        encoding=model.encoding,
        kinds=kinds,
        tiers=tiers,
        variant=variant,
        per_unit=per_unit,
        uncertain=frozenset(model.uncertain.get(variant or "", ())),
        note="; ".join(n for n in notes if n),
    )
