"""Scenario options shared by estimate, solve, sweep, compare and simulate.

A scenario comes from flags, or from ``--scenario FILE.json|.toml`` with flags overriding the
file's values. ``start_date`` defaults to today (the core never reads the clock). Errors name
the flag (``--requests-per-month (traffic.requests_per_month): …``) or the file and field
(``plan.toml: training.epochs: …``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from ftcost.catalog import FileRefused, read_bounded
from ftcost.cli._common import date_arg
from ftcost.engine import Scenario, decode_scenario
from ftcost.errors import InvalidInputError

__all__ = [
    "FLAG_OF_PATH",
    "add_scenario_options",
    "flag_hint",
    "real",
    "scenario_from_args",
    "whole",
]


def whole(text: str) -> int:
    """A whole number; accepts ``3e6`` and ``1_000_000``."""
    x = real(text)
    if not x.is_integer():
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}")
    return int(x)


def real(text: str) -> float:
    """A finite number; accepts ``3e6`` and ``1_000_000``."""
    try:
        x = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(x):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return x


def _epochs(text: str) -> int | str:
    return "auto" if text.strip().lower() == "auto" else whole(text)


def _date(text: str) -> str:
    return date_arg(text).isoformat()  # the scenario data keeps ISO strings


_TIERS = ("standard", "global", "developer", "data_zone")
_DEPLOYMENTS = (*_TIERS, "provisioned", "batch")
_BASE_DEPLOYMENTS = (
    "standard",
    "global",
    "data_zone",
    "batch",
    "data_zone_batch",
    "provisioned",
    "global_provisioned",
    "data_zone_provisioned",
)


@dataclass(frozen=True, slots=True)
class _Flag:
    option: str
    path: str
    help: str
    type: Any = str
    choices: tuple[str, ...] | None = None
    metavar: str | None = None


_FLAGS: tuple[_Flag, ...] = (
    _Flag("--provider", "provider", "azure or openai (default azure)",
          choices=("azure", "openai")),
    _Flag("--model", "model", "the model to fine-tune (name or alias)", metavar="NAME"),
    _Flag("--region", "region", "Azure region (default: the reference price)", metavar="NAME"),
    _Flag("--start-date", "start_date", "month 0 of the projection (default today)", _date,
          metavar="DATE"),
    _Flag("--customer", "customer", "new (default) or existing: whether your organisation "
          "already fine-tunes this model (decides which training retirement applies)",
          choices=("new", "existing")),
    _Flag("--method", "training.method", "sft, dpo or rft (default sft)",
          choices=("sft", "dpo", "rft")),
    _Flag("--tier", "training.tier", "training tier (default global)", choices=_TIERS),
    _Flag("--training-tokens", "training.tokens_per_epoch", "tokens in the training file",
          whole, metavar="N"),
    _Flag("--examples", "training.examples", "training examples (for epochs auto)", whole,
          metavar="N"),
    _Flag("--epochs", "training.epochs", "epochs, or auto (default auto)", _epochs,
          metavar="N|auto"),
    _Flag("--runs", "training.runs", "training jobs per event (trials; default 1)", whole,
          metavar="N"),
    _Flag("--rft-hours", "training.rft_hours", "RFT training hours per job", real, metavar="H"),
    _Flag("--dataset", "training.dataset", "training JSONL to take tokens and examples from",
          metavar="FILE"),
    _Flag("--deployment", "deployment.type", "fine-tuned deployment type (default global; "
          "provisioned = PTU)", choices=_DEPLOYMENTS),
    _Flag("--ptu", "deployment.ptu", "PTUs per provisioned deployment (default: sized from "
          "the peak)", whole, metavar="N"),
    _Flag("--deployment-count", "deployment.count", "fine-tuned deployments (default 1)", whole,
          metavar="N"),
    _Flag("--hours-per-month", "deployment.hours_per_month",
          "hours each deployment exists (default 730)", real, metavar="H"),
    _Flag("--requests-per-month", "traffic.requests_per_month", "requests a month (default 0)",
          real, metavar="N"),
    _Flag("--peak-rpm", "traffic.peak_requests_per_minute",
          "peak requests per minute (sizes PTU deployments)", real, metavar="N"),
    _Flag("--peak-to-average", "traffic.peak_to_average",
          "or the peak as a multiple of the average rate", real, metavar="X"),
    _Flag("--base-model", "base.model", "base setup's model (default: --model)", metavar="NAME"),
    _Flag("--base-deployment", "base.deployment", "base deployment type (default global; batch "
          "= half price, 24-hour turnaround)", choices=_BASE_DEPLOYMENTS),
    _Flag("--base-ptu", "base.ptu", "PTUs of a provisioned base deployment", whole,
          metavar="N"),
    _Flag("--base-prompt-tokens", "base.prompt_tokens", "base prompt tokens per request", whole,
          metavar="N"),
    _Flag("--base-cached-tokens", "base.cached_prompt_tokens", "of those, cached", whole,
          metavar="N"),
    _Flag("--base-shared-prefix", "base.shared_prefix_tokens",
          "or: the first N prompt tokens repeat in every request (cached count follows)",
          whole, metavar="N"),
    _Flag("--output-tokens", "base.output_tokens", "output tokens per request (both setups)",
          whole, metavar="N"),
    _Flag("--ft-prompt-tokens", "fine_tuned.prompt_tokens",
          "fine-tuned prompt tokens per request", whole, metavar="N"),
    _Flag("--ft-cached-tokens", "fine_tuned.cached_prompt_tokens", "of those, cached", whole,
          metavar="N"),
    _Flag("--ft-shared-prefix", "fine_tuned.shared_prefix_tokens",
          "or: the fine-tuned prompt's shared prefix", whole, metavar="N"),
    _Flag("--ft-output-tokens", "fine_tuned.output_tokens",
          "fine-tuned output tokens (default: --output-tokens)", whole, metavar="N"),
    _Flag("--retrain-every", "retrain_every_months",
          "retrain every N months (0 = never; default 6)", whole, metavar="N"),
    _Flag("--horizon", "horizon_months", "months to project (default 12)", whole, metavar="N"),
)  # fmt: skip


_MISSING_HINTS = {
    "model": "--model",
    "base": "--base-prompt-tokens and --output-tokens",
    "fine_tuned": "--ft-prompt-tokens",
}
FLAG_OF_PATH: dict[str, str] = {f.path: f.option for f in _FLAGS}


def flag_hint(field: str | None) -> str:
    """`` (--flag)`` for a scenario field that has a flag, else ``""``."""
    path = (field or "").removeprefix("scenario.")
    return f" ({FLAG_OF_PATH[path]})" if path in FLAG_OF_PATH else ""


def _dest(flag: _Flag) -> str:
    return "sc_" + flag.option.lstrip("-").replace("-", "_")


def add_scenario_options(parser: argparse.ArgumentParser) -> None:
    """``--scenario FILE`` and one flag per common Scenario field."""
    group = parser.add_argument_group(
        "scenario",
        "A scenario file (JSON or TOML, the API's Scenario) and/or flags; flags win.",
    )
    group.add_argument(
        "--scenario", metavar="FILE", type=Path, help="scenario file (.json or .toml)"
    )
    for flag in _FLAGS:
        group.add_argument(
            flag.option,
            dest=_dest(flag),
            type=flag.type,
            choices=flag.choices,
            metavar=flag.metavar,
            help=f"{flag.help} [{flag.path}]",
        )
    group.add_argument(
        "--traffic",
        metavar="LOG",
        type=Path,
        help="a request log (JSONL) that fills the scenario (see 'ftcost traffic analyze'); "
        "the scenario file and flags win",
    )
    group.add_argument(
        "--scenario-out",
        metavar="FILE",
        type=Path,
        help="also write the scenario as used (file, --traffic and flags) to FILE (.toml/.json)",
    )
    group.add_argument(
        "--tokens-per-epoch", dest="sc_training_tokens", type=whole, metavar="N",
        help=argparse.SUPPRESS,
    )  # fmt: skip


def _read_file(path: Path) -> dict[str, Any]:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise InvalidInputError(f"{path}: a scenario file is .json or .toml")
    try:
        data = read_bounded(path)
    except FileRefused as exc:
        raise InvalidInputError(f"{path}: cannot read a scenario file: {exc.reason}") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InvalidInputError(f"{path}: the scenario file is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from None
    try:
        raw = msgspec.toml.decode(data) if suffix == ".toml" else msgspec.json.decode(data)
    except msgspec.DecodeError as exc:
        raise InvalidInputError(f"{path}: not valid {suffix[1:].upper()}: {exc}") from None
    if not isinstance(raw, dict):
        raise InvalidInputError(f"{path}: the scenario must be a table/object")
    out: dict[str, Any] = msgspec.to_builtins(raw)  # TOML dates become ISO strings
    return out


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    node[parts[-1]] = value
    if parts[-1] == "prompt_tokens":  # a flag's count replaces a file's prompt text
        node.pop("prompt", None)
        node.pop("messages", None)


Fill = Callable[[str | None, str | None], dict[str, Any]]


def _under(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``, table by table (``over`` wins)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _under(out[key], value)
        else:
            out[key] = value
    return out


def scenario_from_args(
    args: argparse.Namespace, *, today: dt.date | None = None, fill: Fill | None = None
) -> Scenario:
    """The Scenario of ``--scenario`` and the flags (flags win); start_date defaults to today.

    ``fill(model, provider)``, when given, supplies values beneath both (``--traffic``)."""
    source: Path | None = args.scenario
    data = _read_file(source) if source is not None else {}
    by_path: dict[str, str] = {}
    for flag in _FLAGS:
        value = getattr(args, _dest(flag), None)
        if value is not None:
            _set(data, flag.path, value)
            by_path[flag.path] = flag.option
    if fill is not None:
        data = _under(fill(data.get("model"), data.get("provider")), data)
    if data.get("start_date") is None:
        data["start_date"] = (today or dt.date.today()).isoformat()
    try:
        return decode_scenario(msgspec.json.encode(data))
    except InvalidInputError as exc:
        field = exc.field or ""
        detail = exc.detail.removeprefix("invalid scenario: ")
        if field in by_path:
            raise InvalidInputError(f"{by_path[field]}: {detail}", field=field) from None
        where = f"{source}: " if source is not None else "scenario: "
        if source is None and field in _MISSING_HINTS:
            detail += f" (give {_MISSING_HINTS[field]})"
        raise InvalidInputError(f"{where}{detail}", field=field or None) from None
