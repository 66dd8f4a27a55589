"""``ftcost traffic analyze`` (a whole process) against a plain loop over the same log.

Generates a request log of ``--size-mb`` megabytes (seeded): wrapped records over 30 days, each a
Chat Completions request from one of eight applications (a system prompt of 150–1,500 words and
0–3 few-shot turns), a question of varying length, the response with usage and timings. Then,
``--repeat`` times in turn:

* ``ftcost traffic analyze LOG --model gpt-4.1-mini --json --workers N`` as a fresh process
  (start-up, catalog, encoding load, the analysis and its worker processes); memory is sampled
  from ``/proc`` as in ``bench_analyze.py``: the peak RSS of its largest process (``VmHWM``) and
  the peak total PSS of its process tree;
* the plain loop, in this process with the encoding already loaded: ``json.loads`` per line,
  ``len(enc.encode(content))`` for every request message (``+ 3`` per message and role, ``+ 3``
  per request) and for the response text.

Prints medians, the speed-up of ftcost (ratio of medians, and the median of the paired ratios),
CPU seconds, the memory figures, and checks that both found the same prompt tokens. The targets
of the issue: at least 1.5× on 2 cores, at most 250 MB for the largest process.
Run: ``.venv/bin/python benchmarks/bench_traffic.py`` (``--quick`` for a small smoke run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import MemorySampler, _cpu

MODEL = "gpt-4.1-mini"
_WORDS = (  # noqa: SIM905 (a sentence is easier to read than a list of 100 strings)
    "the of and to in is you that it was for on are as with they at be this have from or one "
    "had by word but not what all were we when your can said there use an each which she do how "
    "their if will up other about out many then them these so some her would make like him into "
    "time has look two more write go see number no way could people than first water been call "
    "who its now find long down day did get come made may part invoice refund order account"
).split()
_UNICODE = ["ünïcödé", "日本語のテキスト", "emoji 😀🎉", "Ελληνικά", "русский текст"]
_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_SPAN_S = 30 * 86400


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text + rng.choice([".", "?", "!", " " + rng.choice(_UNICODE)])


def _apps(rng: random.Random) -> list[list[dict[str, str]]]:
    apps = []
    for i in range(8):
        system = f"You are assistant {i} of Contoso. " + _sentence(rng, rng.randint(150, 1500))
        msgs = [{"role": "system", "content": system}]
        for _ in range(rng.randint(0, 3)):
            msgs.append({"role": "user", "content": _sentence(rng, rng.randint(10, 60))})
            msgs.append({"role": "assistant", "content": _sentence(rng, rng.randint(10, 80))})
        apps.append(msgs)
    return apps


def generate(path: Path, size_bytes: int, seed: int = 11) -> int:
    """Write a request log of at least ``size_bytes``; returns the number of records."""
    rng = random.Random(seed)
    apps = _apps(rng)
    lines: list[str] = []
    written = 0
    while written < size_bytes:
        app = rng.randrange(len(apps))
        msgs = [*apps[app], {"role": "user", "content": _sentence(rng, rng.randint(5, 200))}]
        answer = _sentence(rng, rng.randint(5, 300))
        ttft = 0.3 + rng.random() * 0.2
        record: dict[str, Any] = {
            "timestamp": "",
            "request": {"model": "gpt-4.1", "messages": msgs},
            "response": {
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}],
                "usage": {"completion_tokens": len(answer.split()) + 1},
                "ttft_ms": round(ttft * 1000, 1),
                "duration_ms": round((ttft + len(answer.split()) / 80) * 1000, 1),
            },
        }
        line = json.dumps(record, ensure_ascii=False)
        lines.append(line)
        written += len(line.encode("utf-8")) + 40
    step = _SPAN_S / max(1, len(lines) - 1)
    with path.open("w", encoding="utf-8") as fh:
        for i, line in enumerate(lines):
            stamp = (_START + dt.timedelta(seconds=i * step)).isoformat()
            fh.write(line.replace('"timestamp": ""', f'"timestamp": "{stamp}"', 1) + "\n")
    return len(lines)


def plain_loop(path: Path, enc: Any) -> tuple[float, int]:
    """JSON parsing and per-message encoding over the log: (seconds, prompt tokens)."""
    start = time.perf_counter()
    prompt_total = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            n = 3
            for message in record["request"]["messages"]:
                n += 3 + len(enc.encode(message["role"])) + len(enc.encode(message["content"]))
            prompt_total += n
            for choice in record["response"]["choices"]:
                len(enc.encode(choice["message"]["content"]))
    return time.perf_counter() - start, prompt_total


def run_ftcost(path: Path, workers: int) -> tuple[float, float, int, int, int]:
    """(seconds, CPU seconds of the process tree, prompt tokens, peak RSS KiB of the largest
    process, peak tree PSS KiB)."""
    cmd = [sys.executable, "-m", "ftcost", "traffic", "analyze", str(path), "--model", MODEL,
           "--json", "--workers", str(workers)]  # fmt: skip
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        with MemorySampler(proc.pid) as mem:
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            raise SystemExit(f"ftcost traffic analyze failed ({code}): {err.read().decode()}")
        out.seek(0)
        report = json.loads(out.read())
    cpu = usage.ru_utime + usage.ru_stime
    stats = report["prompt_tokens"]
    tokens = round(stats["mean"] * stats["count"])
    return elapsed, cpu, tokens, mem.peak_rss_kib, mem.peak_pss_kib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0, help="log size (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="ftcost --workers (default 2)")
    parser.add_argument("--out", type=Path, help="directory for the log (default: a temp dir)")
    parser.add_argument("--quick", action="store_true", help="2 MB, one run (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.size_mb, args.repeat = 2.0, 1

    from ftcost import tokens

    enc = tokens.default_counter().encoding("o200k_base")
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        path = Path(tmp) / "log.jsonl"
        records = generate(path, int(args.size_mb * 1e6))
        size_mb = path.stat().st_size / 1e6
        runs: dict[str, list[float]] = {"ft": [], "loop": []}
        cpus: dict[str, list[float]] = {"ft": [], "loop": []}
        rss: list[int] = []
        pss: list[int] = []
        for _ in range(args.repeat):
            seconds, cpu, ft_tokens, peak_rss, peak_pss = run_ftcost(path, args.workers)
            runs["ft"].append(seconds)
            cpus["ft"].append(cpu)
            rss.append(peak_rss)
            pss.append(peak_pss)
            before = _cpu()
            seconds, loop_tokens = plain_loop(path, enc)
            runs["loop"].append(seconds)
            cpus["loop"].append(_cpu() - before)
        if ft_tokens != loop_tokens:
            raise SystemExit(f"prompt tokens differ: ftcost {ft_tokens}, loop {loop_tokens}")
    med = {k: statistics.median(v) for k, v in runs.items()}
    paired = statistics.median(b / a for a, b in zip(runs["ft"], runs["loop"], strict=True))
    print(
        f"request log {size_mb:.1f} MB, {records:,} records, {ft_tokens:,} prompt tokens; "
        f"{args.repeat} runs of each, interleaved; medians; ftcost --workers {args.workers}; "
        f"{os.cpu_count()} cores"
    )
    print(f"{'':<40}{'wall s':>8}{'MB/s':>7}{'CPU s':>8}")
    for name, key in (("ftcost traffic analyze (whole process)", "ft"),
                      ("plain loop (json + encode per message)", "loop")):  # fmt: skip
        print(
            f"{name:<40}{med[key]:>8.2f}{size_mb / med[key]:>7.1f}"
            f"{statistics.median(cpus[key]):>8.2f}"
        )
    print(
        f"speed-up of ftcost over the plain loop: {med['loop'] / med['ft']:.2f}x "
        f"(paired {paired:.2f}x; target >= 1.5x)"
    )
    print(
        f"peak RSS (largest process): {statistics.median(rss) / 1024:.0f} MiB "
        f"(max {max(rss) / 1024:.0f}; target <= 250 MB); peak PSS of the process tree: "
        f"{statistics.median(pss) / 1024:.0f} MiB"
    )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
