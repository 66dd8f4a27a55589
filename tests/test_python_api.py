"""The small Python API of ``ftcost/__init__.py``: dicts or Structs in, the API's Structs out."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

import ftcost
from ftcost.catalog import load_catalog
from ftcost.engine import Projection, Scenario, estimate
from ftcost.errors import InvalidInputError, UnknownModelError

README = Path(__file__).resolve().parents[1] / "README.md"

SCENARIO = {
    "model": "gpt-4.1-mini",
    "start_date": "2026-12-01",
    "traffic": {"requests_per_month": 3_000_000},
    "base": {"prompt_tokens": 2500, "output_tokens": 200},
    "fine_tuned": {"prompt_tokens": 500},
    "training": {"tokens_per_epoch": 1_000_000},
}


def test_public_names() -> None:
    """``ftcost.__all__`` lists exactly the public functions and the version."""
    public = sorted(n for n in vars(ftcost) if not n.startswith("_") and callable(vars(ftcost)[n]))
    assert sorted(n for n in ftcost.__all__ if n != "__version__") == [
        n for n in public if n in ftcost.__all__
    ]
    assert {"analyze", "compare", "count", "estimate", "load_catalog", "simulate", "solve",
            "sweep"} == set(ftcost.__all__) - {"__version__"}  # fmt: skip


def test_estimate_from_a_dict_equals_the_engine() -> None:
    """A plain dict gives the same Projection as the engine called with a decoded Scenario."""
    got = ftcost.estimate(SCENARIO)
    want = estimate(msgspec.convert(SCENARIO, Scenario), load_catalog())
    assert isinstance(got, Projection)
    assert msgspec.json.encode(got) == msgspec.json.encode(want)


def test_estimate_fills_today_when_no_start_date() -> None:
    """With no start_date the estimate is made for today, as the CLI and the API do."""
    scenario = {k: v for k, v in SCENARIO.items() if k != "start_date"}
    assert ftcost.estimate(scenario).scenario.start_date == dt.date.today()


def test_bad_dict_names_the_field() -> None:
    """A dict that is not a Scenario raises InvalidInputError naming the field path."""
    with pytest.raises(InvalidInputError, match=r"traffic\.requests_per_month"):
        ftcost.estimate({**SCENARIO, "traffic": {"requests_per_month": -1}})


def test_count_and_unknown_model() -> None:
    """``count`` uses the model's encoding (o200k: "hello world" is 2 tokens)."""
    assert ftcost.count("hello world", model="gpt-4.1-mini").tokens == 2
    with pytest.raises(UnknownModelError):
        ftcost.count("hello", model="no-such-model")


def test_what_ifs_take_dicts(tmp_path: Path) -> None:
    """solve, sweep, compare, simulate and analyze accept plain dicts and paths."""
    s = ftcost.solve({"scenario": SCENARIO, "field": "traffic.requests_per_month"})
    assert s.value is not None
    assert s.value > 0
    sw = ftcost.sweep(
        {"scenario": SCENARIO,
         "axes": [{"field": "traffic.requests_per_month", "values": [1e5, 1e6]}]}
    )  # fmt: skip
    assert len(sw.axes[0].values) == 2
    c = ftcost.compare({"scenario": SCENARIO, "variants": {"tiers": ["global", "standard"]}})
    assert len(c.rows) == 2
    uniform = {"kind": "uniform", "low": 1e6, "high": 4e6}
    sim = ftcost.simulate(
        {"scenario": SCENARIO, "samples": 200,
         "distributions": {"traffic.requests_per_month": uniform}}
    )  # fmt: skip
    assert 0.0 <= sim.p_payback_within_horizon <= 1.0
    line = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}
    path = tmp_path / "train.jsonl"
    path.write_text("\n".join(json.dumps(line) for _ in range(12)) + "\n")
    assert ftcost.analyze(path, model="gpt-4.1-mini").examples == 12


def test_readme_example_runs() -> None:
    """The README's Python example runs as printed, in a fresh interpreter."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```python\n(import ftcost\n.*?)```", text, re.S)
    assert block is not None, "README has no ```python block starting with `import ftcost`"
    out = subprocess.run(
        [sys.executable, "-c", block.group(1)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip(), out.stderr
