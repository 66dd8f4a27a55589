"""``ftcost analyze`` (a whole process) against a cookbook-style loop and raw tiktoken.

Generates a chat JSONL of ``--size-mb`` megabytes (seeded: multi-turn, names, non-ASCII text),
then, ``--repeat`` times in turn:

* ``ftcost analyze FILE --model gpt-4.1-mini --json`` as a fresh process (start-up, catalog,
  encoding load and the analysis itself, with its worker processes); memory is sampled from
  ``/proc``: the peak RSS of its largest process (``VmHWM``; ``wait4``'s ``ru_maxrss`` would
  also count this script's pages, which the child holds until it execs) and the peak total
  PSS of its process tree;
* the cookbook loop, in this process with the encoding already loaded: ``json.loads`` per
  line, ``len(enc.encode(value))`` for every message value, ``+ 3`` per message, ``+ 1`` per
  name, ``+ 3`` per example (the method of the OpenAI cookbook);
* raw tiktoken: ``encode_ordinary`` over the message contents only, already decoded and held in
  memory (the tokenizer's own cost on one core, no JSON, no checks).

Prints medians, the speed-up of ftcost over each (ratio of medians, and the median of the
ratios of runs made side by side), CPU seconds, and checks that both counts agree. The machine
is shared: the load average at the end says how busy it was.
Run: ``.venv/bin/python benchmarks/bench_analyze.py`` (``--quick`` for a small smoke run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

MODEL = "gpt-4.1-mini"
_WORDS = (  # noqa: SIM905 (a sentence is easier to read than a list of 100 strings)
    "the of and to in is you that it was for on are as with they at be this have from or one "
    "had by word but not what all were we when your can said there use an each which she do how "
    "their if will up other about out many then them these so some her would make like him into "
    "time has look two more write go see number no way could people than first water been call "
    "who its now find long down day did get come made may part invoice refund order account"
).split()
_UNICODE = ["ünïcödé", "日本語のテキスト", "emoji 😀🎉", "Ελληνικά", "русский текст", "العربية"]


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text + rng.choice([".", "?", "!", " " + rng.choice(_UNICODE)])


def generate(path: Path, size_bytes: int, seed: int = 7) -> int:
    """Write a chat JSONL of at least ``size_bytes``; returns the number of examples."""
    rng = random.Random(seed)
    written = examples = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size_bytes:
            messages: list[dict[str, Any]] = [
                {"role": "system", "content": "You are a support agent. " + _sentence(rng, 20)}
            ]
            for _ in range(rng.randint(1, 4)):
                user: dict[str, Any] = {
                    "role": "user",
                    "content": _sentence(rng, rng.randint(5, 60)),
                }
                if rng.random() < 0.2:
                    user["name"] = rng.choice(["alice", "bob", "Zoë"])
                messages.append(user)
                messages.append(
                    {"role": "assistant", "content": _sentence(rng, rng.randint(10, 150))}
                )
            line = json.dumps({"messages": messages}, ensure_ascii=False) + "\n"
            fh.write(line)
            written += len(line.encode("utf-8"))
            examples += 1
    return examples


def _children(pid: int) -> list[int]:
    """Child processes of ``pid`` (``/proc/PID/task/*/children``)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            out += [int(c) for c in Path(f"/proc/{pid}/task/{tid}/children").read_text().split()]
        except OSError:
            continue
    return out


def _tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(_children(pid))
    return out


def _field_kib(path: str, name: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler:
    """Samples a process tree every 100 ms (sparingly: the sampler shares the cores with what
    it measures): the largest per-process high-water RSS (VmHWM of the process after exec, so
    the parent's pre-exec pages do not count) and the largest total PSS of the tree (shared
    pages split between the processes sharing them)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss_kib = 0
        self.peak_pss_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            pss = 0
            for pid in _tree(self.pid):
                self.peak_rss_kib = max(
                    self.peak_rss_kib, _field_kib(f"/proc/{pid}/status", "VmHWM:")
                )
                pss += _field_kib(f"/proc/{pid}/smaps_rollup", "Pss:")
            self.peak_pss_kib = max(self.peak_pss_kib, pss)
            self._stop.wait(0.1)


def run_ftcost(path: Path, workers: int | None) -> tuple[float, float, int, int, int]:
    """(seconds, CPU seconds of the process tree, tokens, peak RSS KiB of the largest process,
    peak tree PSS KiB)."""
    cmd = [sys.executable, "-m", "ftcost", "analyze", str(path), "--model", MODEL, "--json"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        with MemorySampler(proc.pid) as mem:
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"ftcost analyze failed ({proc.returncode}): {err.read().decode()}")
        out.seek(0)
        report = json.loads(out.read())
    cpu = usage.ru_utime + usage.ru_stime  # includes its reaped worker processes
    return elapsed, cpu, int(report["tokens"]["total"]), mem.peak_rss_kib, mem.peak_pss_kib


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def cookbook_loop(path: Path, enc: Any) -> tuple[float, int]:
    """The OpenAI cookbook counting loop over the file: (seconds, tokens)."""
    start = time.perf_counter()
    total = 0
    with path.open(encoding="utf-8-sig") as fh:
        for line in fh:
            example = json.loads(line)
            n = 0
            for message in example["messages"]:
                n += 3
                for key, value in message.items():
                    n += len(enc.encode(value))
                    if key == "name":
                        n += 1
            total += n + 3
    return time.perf_counter() - start, total


def raw_tiktoken(texts: list[str], enc: Any) -> tuple[float, int]:
    """``encode_ordinary`` over texts already in memory."""
    encode = enc.encode_ordinary
    start = time.perf_counter()
    total = sum(len(encode(t)) for t in texts)
    return time.perf_counter() - start, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=100.0, help="JSONL size (default 100)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument("--workers", type=int, help="ftcost --workers (default: its own)")
    parser.add_argument("--out", type=Path, help="directory for the JSONL (default: a temp dir)")
    parser.add_argument("--quick", action="store_true", help="2 MB, one run (smoke test)")
    args = parser.parse_args(argv)
    if args.quick:
        args.size_mb, args.repeat = 2.0, 1

    from ftcost import tokens

    enc = tokens.default_counter().encoding("o200k_base")
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        path = Path(tmp) / "chat.jsonl"
        examples = generate(path, int(args.size_mb * 1e6))
        size_mb = path.stat().st_size / 1e6
        texts = [
            m["content"]
            for line in path.open(encoding="utf-8")
            for m in json.loads(line)["messages"]
        ]
        runs: dict[str, list[float]] = {k: [] for k in ("ft", "cb", "raw")}
        cpus: dict[str, list[float]] = {k: [] for k in ("ft", "cb", "raw")}
        rss: list[int] = []
        pss: list[int] = []
        for _ in range(args.repeat):
            seconds, cpu, ft_tokens, peak_rss, peak_pss = run_ftcost(path, args.workers)
            runs["ft"].append(seconds)
            cpus["ft"].append(cpu)
            rss.append(peak_rss)
            pss.append(peak_pss)
            before = _cpu()
            seconds, cb_tokens = cookbook_loop(path, enc)
            runs["cb"].append(seconds)
            cpus["cb"].append(_cpu() - before)
            before = _cpu()
            seconds, _ = raw_tiktoken(texts, enc)
            runs["raw"].append(seconds)
            cpus["raw"].append(_cpu() - before)
        if ft_tokens != cb_tokens:
            raise SystemExit(f"token counts differ: ftcost {ft_tokens}, cookbook {cb_tokens}")
    med = {k: statistics.median(v) for k, v in runs.items()}
    print(
        f"chat JSONL {size_mb:.1f} MB, {examples:,} examples, {ft_tokens:,} tokens; "
        f"{args.repeat} runs of each, interleaved; medians; {os.cpu_count()} cores"
    )
    print(f"{'':<33}{'wall s':>8}{'MB/s':>7}{'CPU s':>8}{'ftcost speed-up':>17}{'paired':>8}")
    rows = [
        ("ftcost analyze (whole process)", "ft"),
        ("cookbook loop (json + encode)", "cb"),
        ("raw tiktoken (encode_ordinary)", "raw"),
    ]
    for name, key in rows:
        paired = statistics.median(b / a for a, b in zip(runs["ft"], runs[key], strict=True))
        print(
            f"{name:<33}{med[key]:>8.2f}{size_mb / med[key]:>7.1f}"
            f"{statistics.median(cpus[key]):>8.2f}{med[key] / med['ft']:>16.2f}x{paired:>7.2f}x"
        )
    print(
        f"ftcost peak RSS (largest process): {statistics.median(rss) / 1024:.0f} MiB "
        f"(max {max(rss) / 1024:.0f}); peak PSS of its process tree: "
        f"{statistics.median(pss) / 1024:.0f} MiB (max {max(pss) / 1024:.0f})"
    )
    print(
        "wall runs (s): "
        + "; ".join(f"{k} " + ", ".join(f"{x:.2f}" for x in v) for k, v in runs.items())
    )
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
