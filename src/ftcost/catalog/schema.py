"""Typed schema of the pricing catalog (``pricing/*.toml``).

Every figure carries where it comes from: ``source`` (an id in the file's ``sources`` table),
``as_of`` (the date that source states) and ``status``:

* ``verified``  read from a primary or official source;
* ``derived``   computed by a stated ``rule`` (e.g. "developer = 50 % of global");
* ``uncertain`` a weak or conflicting source (``note`` says which);
* ``not_found`` the reference has no figure: ``value`` is absent and the tool says so.

Units are in the names: ``usd_per_mtok`` is USD (or the file's ``currency``) per 1,000,000 tokens,
``usd_per_hour`` per hour. Price kinds and their units:

==================  ==============  =====================================================
kind                unit            meaning
==================  ==============  =====================================================
training            usd_per_mtok    SFT/DPO training tokens (tokens × epochs)
rft_training        usd_per_hour    RFT core training time
hosting             usd_per_hour    one fine-tuned deployment, billed even when idle
input               usd_per_mtok    uncached prompt tokens
cached_input        usd_per_mtok    cached prompt tokens
output              usd_per_mtok    completion tokens
==================  ==============  =====================================================

Inference prices carry a ``variant``: ``base`` (the model as shipped), ``fine_tuned`` (a
fine-tuned deployment of it) or ``grader`` (the model used as an RFT grader).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

__all__ = [
    "BATCH_TIERS",
    "KIND_UNITS",
    "LIFECYCLE_EVENTS",
    "PROVISIONED_TIERS",
    "Caching",
    "Encoding",
    "Figure",
    "IntFigure",
    "Latency",
    "Lifecycle",
    "LifecycleDate",
    "Limits",
    "Method",
    "ModelEntry",
    "NonePublished",
    "Percentiles",
    "Price",
    "PriceKind",
    "ProviderFile",
    "ProviderId",
    "Provisioned",
    "Regions",
    "Source",
    "Status",
    "Tier",
    "TokenizerName",
    "Variant",
]

ProviderId = Literal["azure", "openai"]
# Training tiers and deployment types. ``standard`` is regional, ``data_zone`` a data-zone (US)
# deployment or training; ``developer`` is for evaluation (24 h, no SLA); ``batch`` and
# ``data_zone_batch`` are asynchronous base-model deployments (24-hour target turnaround);
# ``provisioned`` (regional), ``global_provisioned`` and ``data_zone_provisioned`` are billed in
# PTU-hours instead of tokens and a hosting fee.
Tier = Literal[
    "standard",
    "global",
    "developer",
    "data_zone",
    "batch",
    "data_zone_batch",
    "provisioned",
    "global_provisioned",
    "data_zone_provisioned",
]
PROVISIONED_TIERS: tuple[str, ...] = ("provisioned", "global_provisioned", "data_zone_provisioned")
BATCH_TIERS: tuple[str, ...] = ("batch", "data_zone_batch")
Method = Literal["sft", "dpo", "rft"]
Status = Literal["verified", "derived", "uncertain", "not_found"]
PriceKind = Literal[
    "training",
    "rft_training",
    "hosting",
    "input",
    "cached_input",
    "output",
    "ptu_hour",
    "ptu_month",
    "ptu_year",
]
Variant = Literal["base", "fine_tuned", "grader"]
Encoding = Literal["o200k_base", "cl100k_base"]
# A tokenizer other than a tiktoken encoding: ``hf:<owner>/<repo>`` names the Hugging Face
# repository whose tokenizer.json counts this model's tokens (the user gives the file; ftcost
# downloads nothing and otherwise estimates, see ftcost.tokens.other).
TokenizerName = Annotated[str, Meta(pattern=r"^hf:[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9._-]+$")]

KIND_UNITS: dict[str, str] = {
    "training": "usd_per_mtok",
    "rft_training": "usd_per_hour",
    "hosting": "usd_per_hour",
    "input": "usd_per_mtok",
    "cached_input": "usd_per_mtok",
    "output": "usd_per_mtok",
    "ptu_hour": "usd_per_ptu_hour",
    "ptu_month": "usd_per_ptu_month",
    "ptu_year": "usd_per_ptu_year",
}

# The largest figure a sheet may state (a price per unit, a latency parameter). With the
# scenario's own bounds (1e12 requests a month, 1e8 tokens a request, 600 months) every cost
# stays far inside float64, so no output can overflow to inf or null.
MAX_FIGURE = 1e9
NonNegFloat = Annotated[float, Meta(ge=0.0, le=MAX_FIGURE)]
NonNegInt = Annotated[int, Meta(ge=0)]
Id = Annotated[str, Meta(min_length=1, max_length=200)]
RegionName = Annotated[str, Meta(pattern=r"^[a-z0-9]+$")]


class Base(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
):
    """Common options: immutable, keyword-only, unknown keys rejected."""


class Source(Base, frozen=True, kw_only=True):
    """One row of a file's sources table."""

    id: Id
    title: str
    url: str = ""
    date: str = ""  # the date the source states, as it states it
    note: str = ""


class _Provenance(Base, frozen=True, kw_only=True):
    source: Id
    as_of: dt.date
    status: Status = "verified"
    rule: str = ""  # required when status == "derived"
    note: str = ""


class Figure(_Provenance, frozen=True, kw_only=True):
    """A sourced number (``value`` is None only when ``status`` is ``not_found``)."""

    value: NonNegFloat | None = None


class IntFigure(_Provenance, frozen=True, kw_only=True):
    """A sourced whole number (limits such as tokens per example)."""

    value: NonNegInt | None = None


class Price(_Provenance, frozen=True, kw_only=True):
    """One price point. ``tier`` is the training tier or the deployment type.

    ``region: None`` is the reference price for that tier (Global, or the US list price);
    a region entry overrides it there. ``method: None`` applies to every method the model has.
    """

    kind: PriceKind
    tier: Tier
    value: NonNegFloat | None = None
    region: RegionName | None = None
    variant: Variant | None = None  # required for input / cached_input / output
    method: Method | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class Percentiles(_Provenance, frozen=True, kw_only=True):
    """p10/p50/p90 of one latency parameter."""

    p10: NonNegFloat
    p50: NonNegFloat
    p90: NonNegFloat


class Latency(Base, frozen=True, kw_only=True):
    """Parameters of ``ttft = t0 + prefill × uncached/1000``; ``e2e = ttft + (out − 1)/decode``."""

    t0_s: Percentiles
    prefill_s_per_1k: Percentiles
    decode_tokens_per_s: Percentiles


class Limits(Base, frozen=True, kw_only=True):
    """Training limits; any may be absent when no source gives it."""

    training_example_tokens: IntFigure | None = None
    context_tokens: IntFigure | None = None
    min_examples: IntFigure | None = None
    file_bytes: IntFigure | None = None
    job_tokens: IntFigure | None = None  # training-file tokens × epochs per job
    job_hours: IntFigure | None = None
    rft_job_cap_usd: Figure | None = None


class Regions(_Provenance, frozen=True, kw_only=True):
    """Where the model trains and deploys (Azure region names, lower case, no spaces)."""

    standard_training: list[RegionName] = []
    global_training: list[RegionName] = []
    standard_deployment: list[RegionName] = []
    global_deployment: list[RegionName] = []  # empty with a note: "all regions"
    developer_deployment: list[RegionName] = []


class LifecycleDate(_Provenance, frozen=True, kw_only=True):
    """One dated lifecycle fact; ``no_earlier_than`` when the source gives a lower bound only."""

    date: dt.date
    no_earlier_than: bool = False


class NonePublished(_Provenance, frozen=True, kw_only=True):
    """The sources checked publish no lifecycle date for this model (``note`` says which)."""


LIFECYCLE_EVENTS: tuple[str, ...] = (
    "base_deprecation",
    "base_retirement",
    "training_existing_only",
    "training_retirement",
    "deployment_retirement",
)


class Lifecycle(Base, frozen=True, kw_only=True):
    """A model's lifecycle: each date sourced like a price, or ``none_published``.

    ``base_deprecation`` / ``base_retirement``: the base model. ``training_existing_only``: from
    this date only existing customers may start fine-tuning jobs. ``training_retirement``: no new
    fine-tuning jobs for anyone. ``deployment_retirement``: fine-tuned deployments (inference)
    stop.
    """

    base_deprecation: LifecycleDate | None = None
    base_retirement: LifecycleDate | None = None
    training_existing_only: LifecycleDate | None = None
    training_retirement: LifecycleDate | None = None
    deployment_retirement: LifecycleDate | None = None
    none_published: NonePublished | None = None


class Provisioned(_Provenance, frozen=True, kw_only=True):
    """Provisioned-throughput (PTU) sizing figures of a model, from the provider's sizing docs.

    PTUs needed = (uncached input TPM + ``output_weight`` × output TPM) / ``input_tpm_per_ptu``,
    rounded up to the increment of the deployment type, at least its minimum. ``fine_tuned``
    lists the deployment types a *fine-tuned* deployment of this model may use (with
    ``fine_tuned_regions``); the base model may use every type with a minimum here.
    """

    input_tpm_per_ptu: Annotated[float, Meta(gt=0.0)]
    output_weight: NonNegFloat
    regional_min_ptu: NonNegInt | None = None
    regional_increment: NonNegInt | None = None
    global_min_ptu: NonNegInt | None = None  # also Data Zone
    global_increment: NonNegInt | None = None
    fine_tuned: list[Tier] = []
    fine_tuned_regions: list[RegionName] = []


class Caching(_Provenance, frozen=True, kw_only=True):
    """Prompt caching: prompts of at least ``min_prompt_tokens`` are cached, then in steps."""

    min_prompt_tokens: NonNegInt
    increment_tokens: Annotated[int, Meta(ge=1)]


class ModelEntry(Base, frozen=True, kw_only=True):
    """One model of one provider. ``methods`` empty means base-model inference only."""

    id: Id
    encoding: Encoding | None = None  # this or tokenizer is required after overlays are merged
    tokenizer: TokenizerName | None = None  # not a tiktoken encoding (open-weight models)
    aliases: list[Id] = []
    methods: list[Method] = []
    tiers: list[Tier] = []  # training tiers offered
    deployments: list[Tier] = []  # deployment types for the fine-tuned model
    limits: Limits = Limits()
    prices: list[Price] = []
    latency: Latency | None = None
    regions: Regions | None = None
    lifecycle: Lifecycle | None = None
    provisioned: Provisioned | None = None
    notes: list[str] = []

    def counts_with(self) -> str | None:
        """What counts this model's tokens: its ``tokenizer``, else its tiktoken ``encoding``."""
        return self.tokenizer or self.encoding


class ProviderFile(Base, frozen=True, kw_only=True):
    """The whole of one ``pricing/<provider>.toml``."""

    schema_version: Literal[1]
    provider: ProviderId
    version: str  # catalog version, e.g. "azure-2026-11-22"
    currency: Annotated[str, Meta(pattern=r"^[A-Z]{3}$")] = "USD"
    reference_tier: Tier = "global"  # what `region: null` means for this provider
    sources: list[Source] = []
    caching: Caching | None = None
    provisioned_prices: list[Price] = []  # PTU prices (model-independent): tier = a PTU type
    models: list[ModelEntry] = []
