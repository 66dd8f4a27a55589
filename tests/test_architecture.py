"""What import-linter cannot check (STYLE.md §2): core modules load no adapter at run time and
never print, exit or read the environment. The layering itself is in pyproject.toml's
import-linter contracts, run by ``lint-imports``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ftcost"
CORE_PACKAGES = ("catalog", "tokens", "dataset", "traffic", "engine")
CORE = sorted(
    [p.stem for p in SRC.glob("*.py") if not p.stem.startswith("__")]
    + [
        f"{pkg}.{p.stem}"
        for pkg in CORE_PACKAGES
        for p in (SRC / pkg).glob("*.py")
        if p.stem != "__init__"
    ]
    + list(CORE_PACKAGES)
)
FORBIDDEN_MODULES = ("litestar", "tiktoken", "argparse", "ftcost.api", "ftcost.cli", "uvicorn")


def test_core_modules_found() -> None:
    """The scan sees the core (an empty list would make the other checks vacuous)."""
    assert {"catalog", "catalog.schema", "engine.estimate", "errors", "settings"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_import_loads_no_adapter(module: str) -> None:
    """Importing a core module in a fresh interpreter loads no web framework, tokenizer or CLI."""
    code = (
        f"import sys, ftcost.{module}\n"
        f"bad = [m for m in {FORBIDDEN_MODULES!r} if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"ftcost.{module} imports {out}"


def _calls(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                found.add(f.id)
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
                found.add(f"{f.value.id}.{f.attr}")
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in {("os", "environ"), ("os", "getenv")}
        ):
            found.add(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("module", CORE)
def test_core_does_not_print_exit_or_read_env(module: str) -> None:
    """Core modules never print, exit or read the environment: adapters do that."""
    path = SRC / (module.replace(".", "/") + ".py")
    if not path.exists():
        path = SRC / module / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = _calls(tree) & {"print", "sys.exit", "exit", "os.environ", "os.getenv", "input"}
    assert not bad, f"ftcost.{module} uses {sorted(bad)}"
