"""The catalog ships inside the wheel and loads from an installed copy with no checkout.

Builds the wheel offline with the installed hatchling (``pip wheel --no-build-isolation
--no-index``), unpacks it as an installer would into a directory outside the repository and runs
ftcost from there in a fresh interpreter whose working directory is not the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built into a temporary directory."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("ftcost-*.whl")
    return built


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel unpacked into a fresh site directory (a pure-Python wheel installs this way)."""
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(target)
    return target


@pytest.mark.slow
def test_wheel_carries_the_pricing_files(wheel: Path) -> None:
    """ftcost/_pricing holds the provider files and README, byte for byte as in pricing/."""
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        packed = sorted(n for n in names if n.startswith("ftcost/_pricing/"))
        assert packed == [
            "ftcost/_pricing/README.md",
            "ftcost/_pricing/azure.toml",
            "ftcost/_pricing/openai.toml",
        ]
        for name in packed:
            assert z.read(name) == (ROOT / "pricing" / Path(name).name).read_bytes()
        assert "ftcost/py.typed" in names


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("FTCOST_PRICING", None)
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_installed_copy_loads_its_own_catalog(site: Path, tmp_path: Path) -> None:
    """The unpacked package finds the catalog inside itself, not in a checkout."""
    code = (
        "import ftcost, ftcost.catalog.store as c\n"
        "print(ftcost.__file__)\n"
        "print(c.default_pricing_dir())\n"
        "cat = c.load_catalog()\n"
        "print(sorted(cat.providers), sum(1 for _ in cat.models()))\n"
    )
    result = _run(site, tmp_path, "-c", code)
    assert result.returncode == 0, result.stderr
    module_file, pricing_dir, counts = result.stdout.splitlines()
    assert Path(module_file).is_relative_to(site)
    assert Path(pricing_dir) == site / "ftcost" / "_pricing"
    expected = sum(
        (ROOT / "pricing" / f).read_text(encoding="utf-8").count("\n[[models]]\n")
        for f in ("azure.toml", "openai.toml")
    )
    assert counts == f"['azure', 'openai'] {expected}"


@pytest.mark.slow
def test_installed_copy_prints_the_models_table(site: Path, tmp_path: Path) -> None:
    """``python -m ftcost models`` from the installed copy prints the table and its footer."""
    result = _run(site, tmp_path, "-m", "ftcost", "models")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert any(line.startswith("gpt-4.1-mini-2025-04-14 ") for line in lines)
    assert "Catalog azure-2026-12-01 (USD" in result.stdout
    info = _run(site, tmp_path, "-m", "ftcost", "catalog", "info")
    assert f"Shipped catalog directory: {site / 'ftcost' / '_pricing'}" in info.stdout
