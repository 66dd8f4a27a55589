"""The ``ftcost`` command line: the only place that prints or exits.

Each command family lives in its own module with a ``register(subparsers)`` function that adds
its sub-commands; a sub-command's handler takes the parsed arguments and returns an exit code.
Exit codes: 0 success, 1 a domain error (one line on stderr), 2 a usage error (argparse),
70 an unexpected internal error (one line on stderr; the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

from ftcost import __version__
from ftcost.cli._terminal import ascii_fallback
from ftcost.errors import FtcostError

# Command-family modules, in the order their commands appear in --help.
_COMMAND_MODULES: tuple[str, ...] = (
    "cmd_models",
    "cmd_catalog",
    "cmd_tokens",
    "cmd_traffic",
    "cmd_estimate",
    "cmd_whatif",
    "cmd_sweep",
    "cmd_serve",
)

# Commands whose module is the only one needed to run them: `ftcost models` (the README's first
# command) then skips importing the other families (numpy and the estimate engine).
_SOLO_COMMANDS: dict[str, str] = {
    "models": "cmd_models",
    "catalog": "cmd_catalog",
    "count": "cmd_tokens",
    "analyze": "cmd_tokens",
}


# `ftcost --help` and `ftcost --version` answer from this table, without importing the command
# modules (numpy, the engine, the tokenizer): a fast start. tests/cli/test_cli_start.py checks
# that it says exactly what the registered commands say.
_COMMAND_HELP: tuple[tuple[str, str], ...] = (
    ("models", "the catalog's models and prices (one model in full with its sources)"),
    (
        "catalog",
        "the pricing catalog: versions and sources, check a price sheet, import Azure prices",
    ),
    ("count", "count the tokens of a text, a file or chat messages with a model's encoding"),
    ("analyze", "check a training JSONL and count its tokens, billed tokens, epochs and cost"),
    ("traffic", "read a production request log: volume, shared prefix, tokens, latency, scenario"),
    ("estimate", "training, hosting, per-request cost, latency, break-even and payback"),
    ("solve", "the value of one input at which fine-tuning breaks even or pays back"),
    (
        "compare",
        "the same scenario across tiers, regions, models or deployments, best first",
    ),
    ("sweep", "net savings and payback over a grid of one or two inputs"),
    ("simulate", "P(payback within the horizon) and percentiles under uncertain inputs"),
    ("serve", "run the HTTP API (OpenAPI at /openapi.json, docs at /docs)"),
    ("openapi", "write the OpenAPI document of the HTTP API"),
)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, wrapping only at spaces: ``--base-prompt-tokens`` stays whole."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(
            self._whitespace_matcher.sub(" ", text).strip(),
            width,
            break_on_hyphens=False,
            break_long_words=False,
        )

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return textwrap.fill(
            self._whitespace_matcher.sub(" ", text).strip(),
            width,
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )


class _Parser(argparse.ArgumentParser):
    """Every ftcost parser (sub-commands included) uses ``_HelpFormatter`` unless told."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def _top_parser() -> tuple[argparse.ArgumentParser, Any]:
    parser = _Parser(
        prog="ftcost",
        description=(
            "Fine-tuning cost and latency estimator: training, hosting, per-request savings, "
            "latency and break-even for Azure OpenAI / Foundry and the OpenAI platform."
        ),
        epilog="Run 'ftcost COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"ftcost {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback on errors (for bug reports)"
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    return parser, sub


def build_parser(modules: Sequence[str] = _COMMAND_MODULES) -> argparse.ArgumentParser:
    """The argument parser with ``modules`` registered (by default every command family)."""
    parser, sub = _top_parser()
    for name in modules:
        importlib.import_module(f"ftcost.cli.{name}").register(sub)
    return parser


def help_parser() -> argparse.ArgumentParser:
    """The top-level parser for ``--help``/``--version``: every command, no module imported."""
    parser, sub = _top_parser()
    for name, text in _COMMAND_HELP:
        sub.add_parser(name, help=text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (``python -m ftcost`` raises SystemExit with it)."""
    ascii_fallback()
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if not a.startswith("-")), None)
    solo = _SOLO_COMMANDS.get(command or "")
    if command is None:
        # No command: only --help, --version or a usage error can follow.
        help_parser().parse_args(args_list)
    parser = build_parser((solo,) if solo else _COMMAND_MODULES)
    args = parser.parse_args(args_list)
    try:
        return int(args.func(args))
    except FtcostError as exc:
        if args.debug:
            raise
        print(f"ftcost: error: {exc.detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ftcost: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `ftcost ... | head`: the reader went away; not an error worth a message.
        return 0
    except Exception as exc:  # a bug: still one line, the traceback only with --debug
        if args.debug:
            raise
        print(
            f"ftcost: internal error: {type(exc).__name__}: {exc} (run with --debug for the "
            "traceback and report it)",
            file=sys.stderr,
        )
        return 70  # EX_SOFTWARE
