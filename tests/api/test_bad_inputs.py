"""Bad input never gets a 500: each case below is a 4xx problem document naming what is wrong.

The tables give, for one request each, the status, the problem ``type`` slug and the ``field``
the document must name (DESIGN "Bad input"; STYLE §4). The same body checks run on every
operation that takes a JSON body; hypothesis then throws arbitrary bytes and JSON at them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient
from problem_checks import ABSENT, PROBLEM, SCENARIO, assert_problem, changed

JSON = "application/json"
LIMIT = 64 * 1024  # the test app's max_body_bytes (tests/api/conftest.py)


def dumps(doc: Any) -> bytes:
    return json.dumps(doc).encode()


@dataclass(frozen=True)
class Bad:
    """One bad request and the problem it must get."""

    id: str
    body: bytes
    status: int
    slug: str
    field: Any = ABSENT
    detail_has: str = ""
    content_type: str | None = JSON


def raw(text: str) -> bytes:
    """The scenario as JSON with ``"__X__"`` replaced by raw text (NaN, 1e400, ...)."""
    return text.encode()


_S = json.dumps(changed(SCENARIO, "traffic.requests_per_month", "__X__"))


def with_literal(literal: str) -> bytes:
    """The scenario with traffic.requests_per_month written as the JSON text ``literal``."""
    return _S.replace('"__X__"', literal).encode()


ESTIMATE_CASES = [
    # Not JSON, or not a JSON object
    Bad("broken-json", b'{"model":', 400, "malformed-request", ABSENT, "not valid JSON"),
    Bad("trailing-garbage", dumps(SCENARIO) + b" x", 400, "malformed-request", ABSENT, "JSON"),
    Bad("single-quotes", b"{'model': 'gpt-4.1-mini'}", 400, "malformed-request"),
    Bad("empty-body", b"", 400, "malformed-request", ABSENT, "empty"),
    Bad("whitespace-body", b" \r\n\t ", 400, "malformed-request", ABSENT, "empty"),
    Bad("bom-only", b"\xef\xbb\xbf", 400, "malformed-request", ABSENT, "empty"),
    Bad("json-array", b"[1, 2]", 400, "malformed-request", "$", "got `array`"),
    Bad("json-null", b"null", 400, "malformed-request", "$", "got `null`"),
    Bad("json-string", b'"gpt-4.1-mini"', 400, "malformed-request", "$", "got `str`"),
    Bad("json-number", b"42", 400, "malformed-request", "$", "got `int`"),
    Bad("empty-object", b"{}", 400, "malformed-request", "model", "missing required"),
    Bad("invalid-utf8", b'{"model": "gpt\xff"}', 400, "malformed-request", ABSENT, "UTF-8"),
    Bad("invalid-utf8-key", b'{"mo\xc3del": 1}', 400, "malformed-request", ABSENT, "UTF-8"),
    Bad("lone-surrogate", b'{"model": "\\ud800"}', 400, "malformed-request", ABSENT, "JSON"),
    Bad("deep-array", b"[" * 30_000 + b"]" * 30_000, 400, "malformed-request"),
    Bad(
        "deep-unknown-field-after-float",
        dumps(changed(SCENARIO, "base.output_tokens", 2.5))[:-1]
        + b',"x":'
        + b"[" * 5000
        # the integral-float retry decodes the whole body untyped: nesting must not crash it
        + b"]" * 5000
        + b"}",
        400,
        "malformed-request",
    ),
    Bad(
        "deep-nesting-after-integral-float",
        dumps(changed(SCENARIO, "base.output_tokens", 2.0))[:-1]
        + b',"x":'
        + b"[" * 900
        + b"]" * 900
        + b"}",
        400,
        "malformed-request",
        ABSENT,
        "nested too deeply",
    ),
    # Wrong types (strict: no strings for numbers, no booleans for integers)
    Bad(
        "string-for-number",
        dumps(changed(SCENARIO, "traffic.requests_per_month", "3000000")),
        400,
        "malformed-request",
        "traffic.requests_per_month",
        "got `str`",
    ),
    Bad(
        "bool-for-int",
        dumps(changed(SCENARIO, "base.output_tokens", True)),
        400,
        "malformed-request",
        "base.output_tokens",
        "got `bool`",
    ),
    Bad(
        "fraction-for-int",
        dumps(changed(SCENARIO, "fine_tuned.prompt_tokens", 1.5)),
        400,
        "malformed-request",
        "fine_tuned.prompt_tokens",
    ),
    Bad(
        "object-for-string",
        dumps(changed(SCENARIO, "model", {"id": "gpt-4.1-mini"})),
        400,
        "malformed-request",
        "model",
    ),
    Bad(
        "list-for-object",
        dumps(changed(SCENARIO, "training", [])),
        400,
        "malformed-request",
        "training",
    ),
    # Out of range, non-finite, absurdly large
    Bad(
        "negative-requests",
        dumps(changed(SCENARIO, "traffic.requests_per_month", -1)),
        400,
        "malformed-request",
        "traffic.requests_per_month",
        ">= 0",
    ),
    Bad(
        "negative-tokens",
        dumps(changed(SCENARIO, "fine_tuned.prompt_tokens", -5)),
        400,
        "malformed-request",
        "fine_tuned.prompt_tokens",
    ),
    Bad(
        "negative-hours",
        dumps(changed(SCENARIO, "deployment.hours_per_month", -0.5)),
        400,
        "malformed-request",
        "deployment.hours_per_month",
    ),
    Bad("nan", with_literal("NaN"), 400, "malformed-request", ABSENT, "not valid JSON"),
    Bad("infinity", with_literal("Infinity"), 400, "malformed-request", ABSENT, "JSON"),
    Bad("minus-infinity", with_literal("-Infinity"), 400, "malformed-request", ABSENT, "JSON"),
    Bad(
        "1e400",
        with_literal("1e400"),
        400,
        "malformed-request",
        "traffic.requests_per_month",
        "out of range",
    ),
    Bad(
        "10**30-float-field",
        with_literal(str(10**30)),
        400,
        "malformed-request",
        "traffic.requests_per_month",
        "<=",
    ),
    Bad(
        "10**30-int-field",
        dumps(changed(SCENARIO, "base.prompt_tokens", 10**30)),
        400,
        "malformed-request",
        "base.prompt_tokens",
    ),
    Bad(
        "1e308-int-field",
        raw(
            json.dumps(changed(SCENARIO, "base.output_tokens", "__X__")).replace('"__X__"', "1e308")
        ),
        400,
        "malformed-request",
        "base.output_tokens",
    ),
    Bad(
        "huge-horizon",
        dumps(changed(SCENARIO, "horizon_months", 10**6)),
        400,
        "malformed-request",
        "horizon_months",
    ),
    Bad(
        "zero-horizon",
        dumps(changed(SCENARIO, "horizon_months", 0)),
        400,
        "malformed-request",
        "horizon_months",
    ),
    Bad(
        "too-many-hours",
        dumps(changed(SCENARIO, "deployment.hours_per_month", 745)),
        400,
        "malformed-request",
        "deployment.hours_per_month",
    ),
    Bad(
        "huge-epochs",
        dumps(changed(SCENARIO, "training.epochs", 10**9)),
        400,
        "malformed-request",
        "training.epochs",
    ),
    Bad("empty-model", dumps(changed(SCENARIO, "model", "")), 400, "malformed-request", "model"),
    Bad(
        "long-model",
        dumps(changed(SCENARIO, "model", "x" * 301)),
        400,
        "malformed-request",
        "model",
    ),
    Bad(
        "bad-date",
        dumps(changed(SCENARIO, "start_date", "2025-13-01")),
        400,
        "malformed-request",
        "start_date",
    ),
    # Unknown names
    Bad(
        "unknown-model",
        dumps(changed(SCENARIO, "model", "gpt-4.1-mimi")),
        404,
        "unknown-model",
        "model",
        "closest",
    ),
    Bad(
        "unknown-base-model",
        dumps(changed(SCENARIO, "base.model", "gpt-9")),
        404,
        "unknown-model",
        "base.model",
    ),
    Bad(
        "unknown-tier",
        dumps(changed(SCENARIO, "training.tier", "gold")),
        400,
        "malformed-request",
        "training.tier",
        "gold",
    ),
    Bad(
        "unknown-deployment-type",
        dumps(changed(SCENARIO, "deployment.type", "ptu")),
        400,
        "malformed-request",
        "deployment.type",
    ),
    Bad(
        "unknown-method",
        dumps(changed(SCENARIO, "training.method", "lora")),
        400,
        "malformed-request",
        "training.method",
    ),
    Bad(
        "unknown-provider",
        dumps(changed(SCENARIO, "provider", "aws")),
        400,
        "malformed-request",
        "provider",
        "aws",
    ),
    Bad(
        "unknown-region",
        dumps(changed(SCENARIO, "region", "marsnorth")),
        422,
        "invalid-input",
        "region",
        "marsnorth",
    ),
    Bad(
        "region-on-openai",
        dumps(changed(changed(SCENARIO, "provider", "openai"), "region", "swedencentral")),
        422,
        "invalid-input",
        "region",
    ),
    # Missing and unknown fields
    Bad(
        "missing-model",
        dumps(changed(SCENARIO, "model")),
        400,
        "malformed-request",
        "model",
        "missing required",
    ),
    Bad("missing-base", dumps(changed(SCENARIO, "base")), 400, "malformed-request", "base"),
    Bad(
        "missing-fine-tuned",
        dumps(changed(SCENARIO, "fine_tuned")),
        400,
        "malformed-request",
        "fine_tuned",
    ),
    Bad(
        "missing-output-tokens",
        dumps(changed(SCENARIO, "base.output_tokens")),
        422,
        "invalid-input",
        "base.output_tokens",
    ),
    Bad(
        "missing-training-tokens",
        dumps(changed(SCENARIO, "training.tokens_per_epoch")),
        422,
        "invalid-input",
        "training.tokens_per_epoch",
    ),
    Bad(
        "unknown-top-field",
        dumps(changed(SCENARIO, "colour", "blue")),
        400,
        "malformed-request",
        "colour",
        "unknown field",
    ),
    Bad(
        "unknown-nested-field",
        dumps(changed(SCENARIO, "training.learning_rate", 0.1)),
        400,
        "malformed-request",
        "training.learning_rate",
    ),
    # Valid JSON the catalog cannot price, or that contradicts itself
    Bad(
        "cached-over-prompt",
        dumps(changed(SCENARIO, "base.cached_prompt_tokens", 3000)),
        422,
        "invalid-input",
        "base.cached_prompt_tokens",
    ),
    Bad(
        "method-not-offered",
        dumps(
            changed(
                changed(changed(SCENARIO, "model", "gpt-4o-mini"), "training.method", "dpo"),
                "customer",
                "existing",  # gpt-4o-mini is open to existing customers only from 2026-10-01
            )
        ),
        422,
        "invalid-input",
        "training.method",
    ),
    Bad("not-fine-tunable", dumps(changed(SCENARIO, "model", "o3")), 422, "invalid-input", "model"),
    Bad(
        "rft-without-hours",
        dumps(
            changed(
                changed(changed(SCENARIO, "model", "o4-mini"), "training.method", "rft"),
                "customer",
                "existing",  # Azure o4-mini RFT: existing customers only since 2026-10-16
            )
        ),
        422,
        "invalid-input",
        "training.rft_hours",
    ),
    Bad(
        "developer-deployment-on-openai",
        dumps(
            changed(
                changed(changed(SCENARIO, "provider", "openai"), "deployment.type", "developer"),
                "customer",
                "existing",  # OpenAI fine-tuning: existing customers only since 2026-05-07
            )
        ),
        422,
        "price-unavailable",
        "deployment.type",
    ),
    Bad(
        "model-shut-down",  # OpenAI gpt-4.1-nano and its fine-tunes shut down 2026-10-23 (O3)
        dumps(changed(changed(SCENARIO, "provider", "openai"), "model", "gpt-4.1-nano")),
        422,
        "model-retired",
        "model",
        "2026-10-23",
    ),
    Bad(
        "model-new-customers-closed",
        dumps(changed(SCENARIO, "provider", "openai")),
        422,
        "model-retired",
        "model",
        "existing customers only",
    ),
    # Size and media type
    Bad(
        "over-the-limit", b" " * LIMIT + dumps(SCENARIO), 413, "body-too-large", ABSENT, str(LIMIT)
    ),
    Bad("deep-over-the-limit", b"[" * 100_000 + b"]" * 100_000, 413, "body-too-large"),
    Bad(
        "text-plain",
        dumps(SCENARIO),
        415,
        "unsupported-media-type",
        ABSENT,
        "text/plain",
        "text/plain",
    ),
    Bad(
        "no-content-type",
        dumps(SCENARIO),
        415,
        "unsupported-media-type",
        ABSENT,
        "no Content-Type",
        None,
    ),
    Bad(
        "form",
        b"model=gpt-4.1-mini",
        415,
        "unsupported-media-type",
        ABSENT,
        "",
        "application/x-www-form-urlencoded",
    ),
    Bad("jsonl", dumps(SCENARIO), 415, "unsupported-media-type", ABSENT, "", "application/jsonl"),
    Bad("xml", b"<scenario/>", 415, "unsupported-media-type", ABSENT, "", "application/xml"),
]


def post(client: TestClient[Litestar], path: str, body: bytes, ctype: str | None) -> Any:
    headers = {"content-type": ctype} if ctype is not None else {}
    return client.post(path, content=body, headers=headers)


@pytest.mark.parametrize("case", ESTIMATE_CASES, ids=[c.id for c in ESTIMATE_CASES])
def test_estimate_bad_input(client: TestClient[Litestar], case: Bad) -> None:
    """Each bad /v1/estimate request gets its 4xx problem, naming the field where there is one."""
    response = post(client, "/v1/estimate", case.body, case.content_type)
    doc = assert_problem(
        response, case.status, case.slug, field=case.field, detail_has=case.detail_has
    )
    if case.status == 404:
        assert doc["closest"], doc
    if case.status == 413:
        assert doc["limit_bytes"] == LIMIT
    if case.status == 415:
        assert doc["accepted"] == [JSON]


def test_unknown_model_lists_the_closest_names(client: TestClient[Litestar]) -> None:
    """A misspelt model is a 404 whose ``closest`` starts with the intended name."""
    doc = assert_problem(
        post(client, "/v1/estimate", dumps(changed(SCENARIO, "model", "gpt-4.1-mimi")), JSON),
        404,
        "unknown-model",
        field="model",
    )
    assert doc["model_id"] == "gpt-4.1-mimi"
    assert doc["closest"][0] == "gpt-4.1-mini"
    assert "gpt-4.1-mini" in doc["detail"]


@pytest.mark.parametrize(
    ("body", "ctype"),
    [
        (b"\xef\xbb\xbf" + dumps(SCENARIO), JSON),
        (dumps(SCENARIO), "application/json; charset=utf-8"),
        (dumps(SCENARIO), "Application/JSON"),
        (dumps(SCENARIO), "application/vnd.ftcost+json"),
        (dumps(changed(SCENARIO, "base.output_tokens", 200.0)), JSON),
    ],
    ids=["bom", "charset", "upper-case", "plus-json", "integral-float"],
)
def test_estimate_tolerated_variants(client: TestClient[Litestar], body: bytes, ctype: str) -> None:
    """A BOM, media-type parameters and case, +json types and 200.0 for an integer are fine."""
    plain = post(client, "/v1/estimate", dumps(SCENARIO), JSON)
    response = post(client, "/v1/estimate", body, ctype)
    assert response.status_code == 200, response.text
    assert response.json() == plain.json()


GET_CASES = [
    ("/v1/models?provider=aws", 400, "malformed-request", "provider"),
    ("/v1/models?provider=", 400, "malformed-request", "provider"),
    ("/v1/models?method=lora", 400, "malformed-request", "method"),
    ("/v1/models?region=marsnorth", 422, "invalid-input", "region"),
    ("/v1/models?region=sweden%20central", 400, "malformed-request", "region"),
    ("/v1/models?region=%FF", 400, "malformed-request", "region"),
    ("/v1/models/gpt-4.1-mimi", 404, "unknown-model", "model_id"),
    ("/v1/models/%FF", 404, "unknown-model", "model_id"),
    ("/v1/models/%00", 404, "unknown-model", "model_id"),
    ("/v1/models/" + "x" * 301, 400, "malformed-request", "model_id"),
    ("/v1/models/gpt-4.1-mini?provider=aws", 400, "malformed-request", "provider"),
    ("/v1/models/o4-mini?provider=nobody", 400, "malformed-request", "provider"),
    ("/v1/nothing-here", 404, "not-found", ABSENT),
    ("/v1/models/a/b", 404, "not-found", ABSENT),
]


@pytest.mark.parametrize(
    ("url", "status", "slug", "field"), GET_CASES, ids=[c[0][:50] for c in GET_CASES]
)
def test_get_bad_input(
    client: TestClient[Litestar], url: str, status: int, slug: str, field: Any
) -> None:
    """Bad query values, unknown models and unknown paths are 4xx problems naming the field."""
    assert_problem(client.get(url), status, slug, field=field)


def test_unknown_region_suggests_a_near_one(client: TestClient[Litestar]) -> None:
    """An unknown region filter says which known region is closest."""
    doc = assert_problem(client.get("/v1/models?region=swedencentrall"), 422, "invalid-input")
    assert "swedencentral" in doc["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/v1/estimate"),
        ("GET", "/v1/estimate"),
        ("POST", "/healthz"),
        ("PUT", "/v1/models"),
        ("PATCH", "/v1/solve"),
    ],
)
def test_wrong_method(client: TestClient[Litestar], method: str, path: str) -> None:
    """A method a path does not have is a 405 problem, not a 404 or 500."""
    assert_problem(client.request(method, path), 405, "method-not-allowed")


BODY_PATHS = ["/v1/estimate", "/v1/solve", "/v1/sweep", "/v1/compare", "/v1/simulate"]


@pytest.mark.parametrize("path", BODY_PATHS)
@pytest.mark.parametrize(
    ("body", "ctype", "status", "slug"),
    [
        (b"", JSON, 400, "malformed-request"),
        (b"{", JSON, 400, "malformed-request"),
        (b"[]", JSON, 400, "malformed-request"),
        (b"\xff\xfe{}", JSON, 400, "malformed-request"),
        (b"{}", "text/plain", 415, "unsupported-media-type"),
        (b" " * (LIMIT + 1), JSON, 413, "body-too-large"),
    ],
    ids=["empty", "broken", "array", "utf16-bom", "text-plain", "too-large"],
)
def test_every_body_operation_guards_its_body(
    client: TestClient[Litestar], path: str, body: bytes, ctype: str, status: int, slug: str
) -> None:
    """Every operation with a JSON body answers empty, broken, wrong-type and huge bodies alike."""
    assert_problem(post(client, path, body, ctype), status, slug)


def _never_5xx(response: Any) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == response.status_code


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(BODY_PATHS), body=st.binary(max_size=300))
def test_random_bytes_never_500(app: Litestar, path: str, body: bytes) -> None:
    """Arbitrary bytes as a JSON body get a 4xx problem document, never a 5xx."""
    with TestClient(app) as client:
        _never_5xx(post(client, path, body, JSON))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
SCENARIO_PATHS = [
    "model",
    "provider",
    "region",
    "start_date",
    "training.tier",
    "training.epochs",
    "training.tokens_per_epoch",
    "training.stages",
    "deployment.count",
    "traffic.requests_per_month",
    "base.prompt_tokens",
    "base.messages",
    "fine_tuned.cached_prompt_tokens",
    "retrain_every_months",
    "horizon_months",
]


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(path=st.sampled_from(SCENARIO_PATHS), value=JSON_VALUES)
def test_any_json_value_in_a_scenario_field_never_500(app: Litestar, path: str, value: Any) -> None:
    """Any JSON value put into a Scenario field gets a 200 or a 4xx problem, never a 5xx."""
    with TestClient(app) as client:
        _never_5xx(post(client, "/v1/estimate", dumps(changed(SCENARIO, path, value)), JSON))
