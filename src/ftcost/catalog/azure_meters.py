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
input              inp, input, inpt, in                        ``input``
cached input       cached, cched, cchd, cd (+ an input word)   ``cached_input``
output             outp, output, opt, outpt, out               ``output``
base meter         base (no input/output word)                 ``input`` and ``output``
grader             grdr, grader                                variant ``grader``
fine-tuned         ft                                          variant ``fine_tuned``
global             glbl, global, glb, gl                       tier ``global``
regional           regnl, regional                             tier ``standard``
developer          dev                                         tier ``developer``
data zone          dz, dzone, datazone, data zone              tier ``data_zone``
batch              batch (+ global or data zone)               ``batch``, ``data_zone_batch``
PTU                Provisioned Managed Regional / Global /     provider ``provisioned_prices``
                   Data Zone Unit (1/Hour)                     (``ptu_hour``)
=================  ==========================================  ===========================

Grader meters name no tier: one rate serves every training tier, so the price is listed under
``standard`` and ``global`` (the catalog's convention). Batch meters price base models only
(Azure has no Batch for fine-tuned models). A PTU meter prices no model: ``models`` is empty and
the import puts it in the file's ``provisioned_prices``.

Open-weight and Phi fine-tuning meters (``OSS-20b FT Tokens``, ``Phi-4-Input-FT``) often name no
tier and no kind: an untagged fine-tuning meter is read as the model's documented tier (Global for
the open-weight models, the serverless regional price for Phi) and ``… FT Tokens`` with no input or
output word as the training price; both readings are marked uncertain, as the catalog marks them.
Units: ``1K`` tokens (price × 1,000), ``1M`` tokens, ``1 Hour``. Not mapped, with the reason:
hourly SFT training meters (legacy), fine-tuned Batch meters, tiered prices, other units, and
models or variants the catalog does not have (priority ``pp``, long-context ``longco``, codex).
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

    models: tuple[str, ...]  # empty for a PTU meter (a provider-level price)
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
    untagged: Tier | None = None  # tier of a fine-tuning meter that names none (uncertain)
    ft_tokens_training: bool = False  # "… FT Tokens" with no kind word is training (uncertain)


def _m(
    pattern: str,
    *models: str,
    encoding: Encoding = "o200k_base",
    uncertain: dict[str, tuple[str, ...]] | None = None,
    note: str = "",
    untagged: Tier | None = None,
    ft_tokens_training: bool = False,
) -> _Model:
    return _Model(
        re.compile(pattern + r"(?=\s|$)"),
        models,
        encoding,
        uncertain or {},
        note,
        untagged,
        ft_tokens_training,
    )


def _open(pattern: str, model: str, untagged: Tier = "global") -> _Model:
    return _m(pattern, model, untagged=untagged, ft_tokens_training=True)


# Tried in order (a longer name before its prefix); the order of the written file follows the
# order of the models here, which is the order of pricing/azure.toml.
_MODELS: tuple[_Model, ...] = (
    _m(r"^(?:gpt )?4\.1(?: 2025 04 14)?(?! mini| nano)", "gpt-4.1-2025-04-14"),
    _m(r"^(?:gpt )?4\.1 mini(?: 2025 04 14)?", "gpt-4.1-mini-2025-04-14"),
    _m(r"^(?:gpt )?4\.1 nano(?: 2025 04 14)?", "gpt-4.1-nano-2025-04-14"),
    _m(r"^o4 mini(?: 0416)?", "o4-mini-2025-04-16"),
    _m(r"^(?:gpt )?4o(?: 0806)?(?! mini)", "gpt-4o-2024-08-06"),
    _m(r"^(?:gpt )?4o mini(?: 0718)?", "gpt-4o-mini-2024-07-18"),
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
    _m(r"^gpt 5(?! mini| nano)", "gpt-5-2025-08-07"),
    _m(r"^gpt 5 mini", "gpt-5-mini-2025-08-07"),
    _m(r"^gpt 5 nano", "gpt-5-nano-2025-08-07"),
    _m(r"^gpt 5\.1", "gpt-5.1-2025-11-13"),
    _m(r"^gpt 5\.2", "gpt-5.2-2025-12-11"),
    _m(r"^5\.4(?! mini| nano)", "gpt-5.4-2026-03-05"),
    _m(r"^5\.4 mini", "gpt-5.4-mini-2026-03-17"),
    _m(r"^5\.4 nano", "gpt-5.4-nano-2026-03-17"),
    _m(r"^5\.5 shortco", "gpt-5.5-2026-04-24"),
    _open(r"^(?:gpt oss |oss )?20b", "gpt-oss-20b"),
    _open(r"^(?:llama )?3\.3(?: 70b)?", "Llama-3.3-70B-Instruct"),
    _open(r"^(?:mnstrl|ministral) 3b", "Ministral-3B"),
    _m(r"^gpt oss 120b", "gpt-oss-120b"),
    _open(r"^phi 4(?! mini)", "Phi-4", untagged="standard"),
    _open(r"^phi 4 mini(?! mm)", "Phi-4-mini-instruct", untagged="standard"),
    _open(r"^phi 4 mini mm", "Phi-4-multimodal-instruct", untagged="standard"),
)

# Provisioned-throughput meters (USD per PTU-hour, the same for every model): deployment type.
_PTU: dict[str, Tier] = {
    "provisioned managed regional unit": "provisioned",
    "provisioned managed global unit": "global_provisioned",
    "provisioned managed data zone unit": "data_zone_provisioned",
}

# The catalog models the meters map to, in the order of pricing/azure.toml.
MODEL_ORDER: tuple[str, ...] = tuple(dict.fromkeys(m for spec in _MODELS for m in spec.models))

_TRAINING = {"trng", "training"}
_HOSTING = {"hstng", "hosting"}
_CACHED = {"cached", "cched", "cchd", "cd"}
_INPUT = {"inp", "input", "inpt", "in"}
_OUTPUT = {"outp", "output", "opt", "outpt", "out"}
_GRADER = {"grdr", "grader"}
_GLOBAL = {"glbl", "global", "glb", "gl"}
_REGIONAL = {"regnl", "regional"}
_DATA_ZONE = {"datazone", "dzone", "data", "zone", "dz"}
_FILLER = {
    "ft", "rft", "dev", "base", "model", "mdl", "mdel", "tkn", "tokens", "unit", "batch", "1m",
    "deployment",
}  # fmt: skip
_VOCABULARY = (
    _TRAINING | _HOSTING | _CACHED | _INPUT | _OUTPUT | _GRADER | _GLOBAL | _REGIONAL
) | (_DATA_ZONE | _FILLER)

_TOKEN_UNITS = {"1k": Decimal(1000), "1m": Decimal(1)}
_HOUR_UNITS = {"1 hour", "1/hour", "1 hours"}


def normalise_meter(name: str) -> str:
    """``gpt-35-turbo16K-FT-Trng-regnl tkn`` → ``gpt 35 turbo 16k ft trng regnl tkn``."""
    text = re.sub(r"[-_\s]+", " ", name.lower()).strip()
    text = re.sub(r"\bturbo(?=\d)", "turbo ", text)
    text = re.sub(r"\bmini(?=\d)", "mini ", text)  # "gpt 4o mini0718 batchoutp"
    text = re.sub(r"\bbatch(?=inp|outp)", "batch ", text)
    text = re.sub(r"\bllama(?=\d)", "llama ", text)  # "llama3.3 out ft"
    return re.sub(r"\b3bftregnl\b", "3b ft regnl", text)  # "ministral 3bftregnl"


def classify_meter(meter_name: str, unit_of_measure: str) -> MeterUse | str:
    """What a meter prices, or the reason it cannot be mapped (a string)."""
    name = normalise_meter(meter_name)
    unit = re.sub(r"\s+", " ", unit_of_measure.strip().lower())
    hourly = unit in _HOUR_UNITS
    if name in _PTU:
        if not hourly:
            return f"unit {unit_of_measure!r} does not fit a PTU-hour price"
        return MeterUse(
            models=(),
            encoding="o200k_base",
            kinds=("ptu_hour",),
            tiers=(_PTU[name],),
            variant=None,
            per_unit=Decimal(1),
            note="USD per PTU-hour, any model",
        )
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
    fine_tuning = bool(have & {"ft", "rft"})
    batch = "batch" in have
    data_zone = bool(have & _DATA_ZONE)
    if batch and fine_tuning:
        return "Batch meter for a fine-tuned model: Azure has no Batch for fine-tuned models"

    per_unit = Decimal(1) if hourly else _TOKEN_UNITS.get(unit)
    if per_unit is None:
        return f"unit {unit_of_measure!r} not understood (expected 1K, 1M or 1 Hour)"
    grader = bool(have & _GRADER)
    doubts: list[str] = []

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
    elif model.ft_tokens_training and "ft" in have and not hourly:
        kinds = ("training",)
        doubts.append("'… FT Tokens' read as the training price")
    else:
        return "no price kind (training, hosting, input, output) in the meter name"
    token_kind = kinds[0] in ("input", "cached_input", "output")
    if hourly != (kinds[0] in ("hosting", "rft_training")):
        return f"unit {unit_of_measure!r} does not fit a {kinds[0]} price"

    tiers: tuple[Tier, ...]
    if "dev" in have:
        tiers = ("developer",)
    elif batch:
        if data_zone:
            tiers = ("data_zone_batch",)
        elif have & _GLOBAL:
            tiers = ("batch",)
        else:
            return "Batch meter with no tier (global or data zone) in the meter name"
    elif data_zone:
        tiers = ("data_zone",)
    elif have & _GLOBAL:
        tiers = ("global",)
    elif have & _REGIONAL:
        tiers = ("standard",)
    elif grader:
        tiers = ("standard", "global")  # one grader rate whatever the training tier
    elif model.untagged is not None and fine_tuning:
        tiers = (model.untagged,)
        doubts.append(f"untagged meter read as {model.untagged}")
    else:
        return "no tier (global, regional, developer, data zone) in the meter name"

    variant: VariantName | None = None
    if token_kind:
        variant = "grader" if grader else "fine_tuned" if fine_tuning else "base"
    notes = [model.note, *doubts]
    if kinds == ("input", "output"):
        notes.append("one meter for prompt and completion tokens")
    uncertain = frozenset(model.uncertain.get(variant or "", ()))
    if doubts:
        uncertain = frozenset(model.models)
    return MeterUse(
        models=model.models,
        encoding=model.encoding,
        kinds=kinds,
        tiers=tiers,
        variant=variant,
        per_unit=per_unit,
        uncertain=uncertain,
        note="; ".join(n for n in notes if n),
    )
