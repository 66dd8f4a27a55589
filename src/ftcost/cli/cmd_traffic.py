"""``ftcost traffic analyze``: a request log in, the traffic figures and a Scenario out.

``analyze_log`` is the file-reading side of ``ftcost.traffic.analyze_traffic`` (the core reads
no files); ``ftcost estimate|simulate --traffic LOG`` call it too (``traffic_scenario``).
``write_scenario`` writes a Scenario as TOML or JSON for ``--scenario``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import msgspec

from ftcost.catalog import Catalog, dump_provider_file
from ftcost.cli._common import add_json, add_pricing, catalog_from_args, print_json
from ftcost.cli._render import emit
from ftcost.cli.cmd_tokens import default_workers, read_chunks
from ftcost.errors import InvalidInputError

__all__ = ["analyze_log", "register", "scenario_toml", "traffic_report", "write_scenario"]

FORMATS = ("chat", "wrapped", "batch")


def register(sub: Any) -> None:
    """Add ``traffic analyze`` to the CLI."""
    family = sub.add_parser(
        "traffic",
        help="read a production request log: volume, shared prefix, tokens, latency, scenario",
        description="Commands that read production request logs.",
    )
    cmds = family.add_subparsers(dest="traffic_command", metavar="COMMAND", required=True)
    p = cmds.add_parser(
        "analyze",
        help="the traffic figures and the Scenario a request log implies",
        description=(
            "Stream a request log (Chat Completions request bodies, wrapped request/response "
            "records with timestamps, usage and timings, or Batch API input/output files; "
            "detected per line): prompt tokens with the model's encoding, the shared prefix "
            "(system prompt and few-shot turns) per group of requests, output and cached "
            "tokens, volume and peak, latency (calibrated when timings are present), and a "
            "complete Scenario: the base shape as observed, the fine-tuned shape without the "
            "shared prefix. Bad lines are reported with their numbers and skipped."
        ),
        epilog=(
            "example: ftcost traffic analyze log.jsonl --model gpt-4.1-mini --scenario-out "
            "plan.toml, then: ftcost estimate --scenario plan.toml"
        ),
    )
    p.add_argument(
        "files", type=Path, nargs="+", metavar="LOG", help="request log JSONL ('-': stdin)"
    )
    p.add_argument("--model", "-m", required=True, help="the model to fine-tune")
    p.add_argument("--provider", choices=("azure", "openai"), help="provider (default: first)")
    p.add_argument("--format", choices=FORMATS, help="force the record shape (default: per line)")
    p.add_argument(
        "--keep-system",
        action="store_true",
        help="the fine-tuned prompt keeps the system instructions (drops only few-shot turns)",
    )
    p.add_argument(
        "--distill",
        action="store_true",
        help="use the logged responses as the training data (fills the scenario's training)",
    )
    p.add_argument(
        "--examples",
        type=int,
        default=1000,
        metavar="N",
        help="training examples assumed without --distill (default 1000)",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=f"worker processes (default: the usable cores, here {default_workers()})",
    )
    p.add_argument(
        "--scenario-out", type=Path, metavar="FILE", help="write the Scenario (.toml or .json)"
    )
    p.add_argument(
        "--latency-out",
        type=Path,
        metavar="FILE",
        help="write the calibrated latency as a price sheet for --pricing (TOML)",
    )
    add_json(p)
    add_pricing(p)
    p.set_defaults(func=_analyze)


def _chunks(paths: Sequence[Path]) -> Iterator[bytes]:
    for i, path in enumerate(paths):
        last = b""
        for chunk in read_chunks(path):
            last = chunk
            yield chunk
        if i + 1 < len(paths) and last and not last.endswith(b"\n"):
            yield b"\n"


def analyze_log(
    paths: Sequence[Path],
    *,
    catalog: Catalog,
    model: str,
    provider: str | None = None,
    format: str | None = None,
    keep_system: bool = False,
    distill: bool = False,
    examples: int = 1000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Any:
    """``TrafficReport`` of one or more log files read in turn, in chunks."""
    from ftcost.traffic import analyze_traffic

    return analyze_traffic(
        _chunks(paths),
        catalog=catalog,
        model=model,
        provider=provider,
        format=format,  # type: ignore[arg-type]
        keep_system=keep_system,
        distill=distill,
        examples=examples,
        workers=workers or default_workers(),
        progress=progress,
    )


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else "0.0"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        inner = ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items() if x is not None)
        return "{ " + inner + " }" if inner else "{}"
    return msgspec.json.encode(str(v)).decode()


def _drop_none(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _drop_none(v) for k, v in data.items() if v is not None and v != []}
    return data


def scenario_toml(scenario: Any) -> str:
    """A Scenario as TOML that ``--scenario`` reads back to the same value."""
    data = _drop_none(msgspec.to_builtins(scenario, builtin_types=(dt.date,)))
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_toml_value(value)}")
    for name, table_ in tables:
        lines.append("")
        lines.append(f"[{name}]")
        for key, value in table_.items():
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def write_scenario(scenario: Any, path: Path) -> None:
    """Write ``scenario`` to ``path`` (TOML, or JSON for a ``.json`` name)."""
    if path.suffix.lower() == ".json":
        text = msgspec.json.format(msgspec.json.encode(scenario), indent=2).decode() + "\n"
    elif path.suffix.lower() == ".toml":
        text = scenario_toml(scenario)
    else:
        raise InvalidInputError(f"{path}: a scenario file is .toml or .json")
    _write(path, text)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"cannot write {path}: {exc.strerror or exc}") from None


def traffic_report(args: argparse.Namespace, model: str | None, provider: str | None) -> Any:
    """The report of ``--traffic`` (analysed once per command run)."""
    cached = getattr(args, "_traffic_report", None)
    if cached is not None:
        return cached
    if not model:
        raise InvalidInputError("--traffic: give --model (the model to fine-tune)", field="model")
    report = analyze_log(
        [args.traffic], catalog=catalog_from_args(args), model=model, provider=provider
    )
    args._traffic_report = report
    return report


def traffic_scenario(args: argparse.Namespace, model: str | None, provider: str | None) -> Any:
    """The scenario of ``--traffic`` as plain data, nulls left out (for the scenario options)."""
    report = traffic_report(args, model, provider)
    data = _drop_none(msgspec.to_builtins(report.scenario))
    data.pop("model", None)  # the model the user names wins (same model, maybe an alias)
    return data


def _analyze(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise InvalidInputError("--workers must be at least 1", field="workers")
    if args.examples < 1:
        raise InvalidInputError("--examples must be at least 1", field="examples")
    catalog = catalog_from_args(args)
    report = analyze_log(
        args.files,
        catalog=catalog,
        model=args.model,
        provider=args.provider,
        format=args.format,
        keep_system=args.keep_system,
        distill=args.distill,
        examples=args.examples,
        workers=args.workers,
    )
    notes: list[str] = []
    if args.scenario_out is not None:
        write_scenario(report.scenario, args.scenario_out)
        notes.append(f"scenario written to {args.scenario_out}")
    if args.latency_out is not None:
        from ftcost.traffic import latency_sheet

        names = ", ".join(str(p) for p in args.files)
        sheet = latency_sheet(report, as_of=dt.date.today(), log_name=names)
        _write(args.latency_out, dump_provider_file(sheet))
        notes.append(f"latency price sheet written to {args.latency_out} (use --pricing)")
    if args.json:
        print_json(report)
    else:
        from ftcost.cli._traffic_text import render_traffic

        emit(render_traffic(report, ", ".join(str(p) for p in args.files)))
    for note in notes:
        print(f"ftcost: {note}", file=sys.stderr)
    return 0
