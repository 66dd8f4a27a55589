"""The Scenario: the one input shared by the API, the CLI and the widget.

A Scenario describes a fine-tuning plan and the traffic it serves. Every field except ``model``
and the two request shapes (``base``, ``fine_tuned``) has a default; bounds are in the types, so
negative, non-finite or absurdly large numbers are rejected with the field named.

==================================  ===========  ===============================================
field                               default      meaning
==================================  ===========  ===============================================
provider                            "azure"      "azure" | "openai"
model                               (required)   the model that is fine-tuned (name or alias)
region                              null         null = the provider's reference price (Global,
                                                 or the US list price); Azure region names
start_date                          null         month 0 of the projection; null = the adapter
                                                 supplies today (the core never reads the clock;
                                                 with no date lifecycle dates are not checked)
customer                            "new"        "new" | "existing": whether the organisation
                                                 already fine-tunes this model (decides which
                                                 training retirement applies)
training.method                     "sft"        "sft" | "dpo" | "rft"
training.tier                       "global"     "standard" (regional) | "global" | "developer"
training.tokens_per_epoch           null         tokens in the training file (SFT/DPO; required
                                                 for them unless a dataset is given)
training.dataset                    null         a JSONL path; read by the CLI only, which fills
                                                 in tokens_per_epoch and examples
training.examples                   null         number of training examples (for epochs "auto"
                                                 and the minimum-examples check)
training.epochs                     "auto"       an integer, or "auto": the OpenAI cookbook
                                                 heuristic on ``examples`` (3 when unknown)
training.runs                       1            hyperparameter trials / repeated jobs, each billed
training.rft_hours                  null         RFT core training hours per job (required for RFT)
training.grader.model               null         RFT grader; null = the trained model
training.grader.*_tokens            0            grader tokens per RFT job
training.stages                     []           further stages after the first (e.g. DPO after
                                                 SFT), same tier; each has the fields above
                                                 (method default "dpo") and adds up
deployment.type                     "global"     deployment type of the fine-tuned model: its
                                                 hosting and token prices ("provisioned" = PTU)
deployment.ptu                      null         PTUs per provisioned deployment; null = sized
                                                 from the peak traffic
deployment.count                    1            deployments kept running
deployment.hours_per_month          730          hours each deployment exists per month
traffic.requests_per_month          0            0 still gives the break-even volume
traffic.peak_requests_per_minute    null         peak load, for sizing provisioned (PTU)
                                                 deployments
traffic.peak_to_average             null         or the peak as a multiple of the average rate
base / fine_tuned .model            null         null = ``model``; base may be another (larger)
                                                 model (distillation); fine_tuned must resolve
                                                 to ``model``
base.deployment                     "global"     deployment type of the base model
fine_tuned.deployment               null         null or ``deployment.type`` (one deployment has
                                                 one type; another value is an error)
base.ptu                            null         PTUs of a provisioned base deployment
*.prompt_tokens                     null         prompt tokens per request; or give ``prompt``
                                                 (text) and/or ``messages`` to count them with
                                                 the model's own encoding
*.cached_prompt_tokens              0            of those, tokens billed at the cached-input rate
                                                 (0, or a count the provider's caching rules
                                                 allow: at least 1,024, then in 128-token steps)
*.shared_prefix_tokens              null         or: the first N prompt tokens are identical in
                                                 every request; the cached count follows
base.output_tokens                  (required)   completion tokens per request
fine_tuned.output_tokens            null         null = ``base.output_tokens``
retrain_every_months                6            0 or null = trained once, never again
horizon_months                      12           length of the projection
==================================  ===========  ===============================================

``decode_scenario`` decodes JSON or TOML bytes and turns msgspec's errors into
``InvalidInputError`` with ``field`` set to the dotted path (``fine_tuned.prompt_tokens``).
Checks that involve several fields or the catalog happen in ``ftcost.engine.estimate.resolve``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, TypeVar

import msgspec
from msgspec import Meta

from ftcost.catalog import Method, ProviderId, Tier
from ftcost.errors import InvalidInputError

__all__ = [
    "Deployment",
    "Grader",
    "Message",
    "RequestShape",
    "Scenario",
    "Stage",
    "Traffic",
    "Training",
    "dated_request",
    "decode_scenario",
    "field_path",
    "with_start_date",
]

# Upper bounds: far above any real plan, low enough that products stay finite and exact.
MAX_TOKENS = 100_000_000  # per request, per example or per grader job
MAX_TRAINING_TOKENS = 1_000_000_000_000  # tokens in a training file
MAX_REQUESTS = 1e12  # per month
MAX_EPOCHS = 1000
MAX_RUNS = 10_000
MAX_DEPLOYMENTS = 10_000
MAX_HOURS_PER_MONTH = 744.0  # 31 days
MAX_RFT_HOURS = 100_000.0
MAX_MONTHS = 600
MAX_TEXT = 10_000_000  # characters of prompt text
MAX_MESSAGES = 100_000
MAX_STAGES = 20
MAX_PTU = 100_000  # per deployment (Azure quota limit)

ModelName = Annotated[str, Meta(min_length=1, max_length=300)]
RegionName = Annotated[str, Meta(min_length=1, max_length=64)]
Tokens = Annotated[int, Meta(ge=0, le=MAX_TOKENS)]
FileTokens = Annotated[int, Meta(ge=0, le=MAX_TRAINING_TOKENS)]
Epochs = Annotated[int, Meta(ge=1, le=MAX_EPOCHS)]
Runs = Annotated[int, Meta(ge=0, le=MAX_RUNS)]
Examples = Annotated[int, Meta(ge=0, le=MAX_TRAINING_TOKENS)]
Hours = Annotated[float, Meta(ge=0.0, le=MAX_RFT_HOURS)]
Months = Annotated[int, Meta(ge=0, le=MAX_MONTHS)]
Horizon = Annotated[int, Meta(ge=1, le=MAX_MONTHS)]


class _Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Immutable, keyword-only, unknown keys rejected."""


class Message(_Base, frozen=True, kw_only=True):
    """One chat message of a prompt to count (``role``, ``content``, optional ``name``)."""

    role: Annotated[str, Meta(min_length=1, max_length=64)]
    content: Annotated[str, Meta(max_length=MAX_TEXT)] = ""
    name: Annotated[str, Meta(max_length=256)] | None = None


class RequestShape(_Base, frozen=True, kw_only=True):
    """One request as sent: model, deployment type and token counts (or text to count)."""

    model: ModelName | None = None
    deployment: Tier | None = None
    prompt_tokens: Tokens | None = None
    cached_prompt_tokens: Tokens = 0
    shared_prefix_tokens: Tokens | None = None
    output_tokens: Tokens | None = None
    prompt: Annotated[str, Meta(max_length=MAX_TEXT)] | None = None
    messages: Annotated[list[Message], Meta(max_length=MAX_MESSAGES)] | None = None
    ptu: Annotated[int, Meta(ge=1, le=MAX_PTU)] | None = None


class Grader(_Base, frozen=True, kw_only=True):
    """RFT grader model and the tokens it reads and writes per training job."""

    model: ModelName | None = None
    input_tokens: FileTokens = 0
    cached_input_tokens: FileTokens = 0
    output_tokens: FileTokens = 0


class Stage(_Base, frozen=True, kw_only=True):
    """A further training stage (e.g. DPO after SFT), on the same model and tier."""

    method: Method = "dpo"
    tokens_per_epoch: FileTokens | None = None
    examples: Examples | None = None
    epochs: Epochs | Literal["auto"] = "auto"
    runs: Runs = 1
    rft_hours: Hours | None = None
    grader: Grader = Grader()


class Training(_Base, frozen=True, kw_only=True):
    """The fine-tuning job(s): the first stage's fields plus further ``stages``."""

    method: Method = "sft"
    tier: Tier = "global"
    tokens_per_epoch: FileTokens | None = None
    dataset: Annotated[str, Meta(min_length=1, max_length=4096)] | None = None
    examples: Examples | None = None
    epochs: Epochs | Literal["auto"] = "auto"
    runs: Runs = 1
    rft_hours: Hours | None = None
    grader: Grader = Grader()
    stages: Annotated[list[Stage], Meta(max_length=MAX_STAGES)] = []


class Deployment(_Base, frozen=True, kw_only=True):
    """The fine-tuned model's deployments, billed by the hour even when idle."""

    type: Tier = "global"
    count: Annotated[int, Meta(ge=0, le=MAX_DEPLOYMENTS)] = 1
    hours_per_month: Annotated[float, Meta(ge=0.0, le=MAX_HOURS_PER_MONTH)] = 730.0
    ptu: Annotated[int, Meta(ge=1, le=MAX_PTU)] | None = None


class Traffic(_Base, frozen=True, kw_only=True):
    """Requests per month served by either setup."""

    requests_per_month: Annotated[float, Meta(ge=0.0, le=MAX_REQUESTS)] = 0.0
    peak_requests_per_minute: Annotated[float, Meta(ge=0.0, le=MAX_REQUESTS)] | None = None
    peak_to_average: Annotated[float, Meta(ge=1.0, le=10_000.0)] | None = None


class Scenario(_Base, frozen=True, kw_only=True):
    """A fine-tuning plan: model, training, deployment, traffic and the two request shapes."""

    model: ModelName
    base: RequestShape
    fine_tuned: RequestShape
    provider: ProviderId = "azure"
    region: RegionName | None = None
    start_date: dt.date | None = None
    customer: Literal["new", "existing"] = "new"
    training: Training = Training()
    deployment: Deployment = Deployment()
    traffic: Traffic = Traffic()
    retrain_every_months: Months | None = 6
    horizon_months: Horizon = 12


_MSGSPEC_AT = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_FIELD_IN_MSG = re.compile(r"(?:missing required|unknown) field `(?P<name>[^`]+)`")


def field_path(message: str) -> tuple[str, str | None]:
    """Split a msgspec error message into (detail, dotted field path or None)."""
    m = _MSGSPEC_AT.search(message)
    detail = message[: m.start()] if m else message
    path = m.group("path") if m else ""
    f = _FIELD_IN_MSG.search(detail)
    if f:
        path = f"{path}.{f.group('name')}" if path else f.group("name")
    return detail, path or None


def decode_scenario(data: bytes, *, format: Literal["json", "toml"] = "json") -> Scenario:
    """Decode a Scenario from JSON or TOML bytes; errors name the field path.

    A UTF-8 byte-order mark is accepted. Raises ``InvalidInputError`` (``field`` set when the
    error is about one field).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InvalidInputError("the scenario is empty")
    try:
        if format == "toml":
            return msgspec.toml.decode(data, type=Scenario)
        return msgspec.json.decode(data, type=Scenario)
    except msgspec.ValidationError as exc:
        detail, path = field_path(str(exc))
        where = f"{path}: " if path else ""
        raise InvalidInputError(f"invalid scenario: {where}{detail}", field=path) from None
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"invalid scenario: not valid {format.upper()}: {exc}") from None


def with_start_date(scenario: Scenario, today: dt.date) -> Scenario:
    """``scenario`` with ``start_date`` set to ``today`` when it is null (the core never reads
    the clock: adapters pass today in)."""
    if scenario.start_date is not None:
        return scenario
    return msgspec.structs.replace(scenario, start_date=today)


_WithScenario = TypeVar("_WithScenario", bound=msgspec.Struct)


def dated_request(request: _WithScenario, today: dt.date) -> _WithScenario:
    """A what-if request (anything with a ``scenario``) with its scenario dated by
    ``with_start_date``."""
    scenario: Scenario = request.scenario  # type: ignore[attr-defined]
    dated = with_start_date(scenario, today)
    return request if dated is scenario else msgspec.structs.replace(request, scenario=dated)
