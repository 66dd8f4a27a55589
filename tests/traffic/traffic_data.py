"""Request logs with a known structure, for the traffic tests.

Groups with known system prompts and few-shot turns, a variable user question per request,
known outputs, timestamps evenly over a known span and timings from a known latency law with
noise.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from typing import Any

SYSTEMS = (
    "You are a support agent for Contoso. Answer politely and cite the order number. "
    "Never promise refunds without a ticket. " * 12,
    "You classify customer e-mails into billing, shipping or other. Reply with one word. " * 3,
)
FEW_SHOT = (
    [("Where is my parcel?", "shipping"), ("I was charged twice.", "billing")],
    [],
)
WORDS = [
    "order",
    "refund",
    "parcel",
    "invoice",
    "late",
    "broken",
    "account",
    "password",
    "delivery",
    "address",
]
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

# The latency law of the generated timings.
T0_S = 0.35
PREFILL_S_PER_1K = 0.12
DECODE_TOKENS_PER_S = 80.0


@dataclass
class Log:
    """A generated log: its lines and what the analysis must find."""

    lines: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)  # group of each request
    questions: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    def data(self) -> bytes:
        return self.text().encode("utf-8")


def messages(group: int, question: str) -> list[dict[str, Any]]:
    """The messages of one request of ``group``."""
    out: list[dict[str, Any]] = [{"role": "system", "content": SYSTEMS[group]}]
    for q, a in FEW_SHOT[group]:
        out += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    out.append({"role": "user", "content": question})
    return out


def generate(
    requests: int = 200,
    *,
    span_days: float = 10.0,
    shape: str = "wrapped",
    seed: int = 3,
    usage: bool = True,
    cached: bool = False,
    timings: bool = True,
    counter: Any = None,
) -> Log:
    """A log of ``requests`` requests spread evenly over ``span_days`` (first to last)."""
    rng = random.Random(seed)
    log = Log()
    step = span_days * 86400 / (requests - 1) if requests > 1 else 0.0
    for i in range(requests):
        group = 0 if i % 4 else 1  # three quarters in group 0
        question = f"Question {i}: " + " ".join(
            rng.choice(WORDS) for _ in range(rng.randint(3, 30))
        )
        answer = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        msgs = messages(group, question)
        body = {"model": "gpt-4.1", "messages": msgs}
        log.groups.append(group)
        log.questions.append(question)
        log.answers.append(answer)
        ts = START + dt.timedelta(seconds=i * step)
        if shape == "chat":
            log.lines.append(json.dumps(body))
            continue
        if shape == "batch_input":
            log.lines.append(
                json.dumps(
                    {
                        "custom_id": f"r{i}",
                        "method": "POST",
                        "url": "/v1/chat/completions",
                        "body": body,
                    }
                )
            )
            continue
        response: dict[str, Any] = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}]
        }
        if usage and counter is not None:
            prompt = counter.prompt(msgs)
            u: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": counter.text(answer)}
            if cached:
                u["prompt_tokens_details"] = {"cached_tokens": 1024 if prompt >= 1024 else 0}
            response["usage"] = u
        if shape == "batch_output":
            response["created"] = int(ts.timestamp())
            log.lines.append(
                json.dumps(
                    {
                        "id": f"b{i}",
                        "custom_id": f"r{i}",
                        "response": {"status_code": 200, "body": response},
                        "error": None,
                    }
                )
            )
            continue
        if timings and counter is not None:
            prompt = counter.prompt(msgs)
            out = counter.text(answer)
            ttft = T0_S + PREFILL_S_PER_1K * prompt / 1000 + rng.gauss(0, 0.01)
            e2e = ttft + (out - 1) / DECODE_TOKENS_PER_S + rng.gauss(0, 0.01)
            response["ttft_ms"] = round(ttft * 1000, 3)
            response["duration_ms"] = round(e2e * 1000, 3)
        stamp: Any = ts.isoformat().replace("+00:00", "Z") if i % 2 else ts.timestamp()
        log.lines.append(json.dumps({"timestamp": stamp, "request": body, "response": response}))
    return log
