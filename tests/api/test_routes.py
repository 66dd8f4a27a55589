"""Happy paths of the service and catalog routes and of POST /v1/estimate.

Expected values come from the catalog and the core called directly (``estimate`` with the same
scenario and today's date), never from an earlier response of the API.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from problem_checks import SCENARIO, changed

from ftcost import __version__
from ftcost.api.routes import Services
from ftcost.catalog import Catalog
from ftcost.engine import Scenario, estimate

JSON = "application/json"


def as_json(obj: Any) -> Any:
    """A Struct as the JSON data the API would send."""
    return json.loads(msgspec.json.encode(obj))


def core_projection(catalog: Catalog, body: dict[str, Any], today: dt.date) -> Any:
    scenario = msgspec.convert(body, Scenario)
    if scenario.start_date is None:
        scenario = msgspec.structs.replace(scenario, start_date=today)
    return as_json(estimate(scenario, catalog))


# ---------------------------------------------------------------------------------------------
# /healthz


def test_healthz(client: TestClient[Litestar], catalog: Catalog) -> None:
    """/healthz is 200 with the version and every provider's catalog version."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert response.json() == {
        "status": "ok",
        "version": __version__,
        "catalog_versions": {name: pf.version for name, pf in catalog.providers.items()},
    }


# ---------------------------------------------------------------------------------------------
# /v1/models


def _regions_of(entry: Any) -> set[str]:
    out = {p.region for p in entry.prices if p.region}
    if entry.regions is not None:
        for name in entry.regions.__struct_fields__:
            value = getattr(entry.regions, name)
            if isinstance(value, list):
                out.update(value)
    return out


def test_list_models_lists_the_whole_catalog(
    client: TestClient[Litestar], catalog: Catalog
) -> None:
    """With include_retired every (provider, model) of the catalog is listed once, in order."""
    doc = client.get("/v1/models?include_retired=true").json()
    got = [(m["provider"], m["id"]) for m in doc["models"]]
    assert got == [(p, e.id) for p, e in catalog.models()]
    assert [c["provider"] for c in doc["catalog"]] == sorted(catalog.providers)
    first = doc["models"][0]
    _, entry = next(iter(catalog.models()))
    assert first["aliases"] == list(entry.aliases)
    assert first["methods"] == list(entry.methods)
    assert set(first["regions"]) == _regions_of(entry)


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("provider=openai", lambda p, e: p == "openai"),
        ("provider=azure", lambda p, e: p == "azure"),
        ("method=rft", lambda p, e: "rft" in e.methods),
        ("method=dpo", lambda p, e: "dpo" in e.methods),
        ("region=swedencentral", lambda p, e: "swedencentral" in _regions_of(e)),
        ("region=SwedenCentral", lambda p, e: "swedencentral" in _regions_of(e)),
        ("region=polandcentral", lambda p, e: "polandcentral" in _regions_of(e)),
        (
            "provider=azure&method=sft&region=eastus2",
            lambda p, e: p == "azure" and "sft" in e.methods and "eastus2" in _regions_of(e),
        ),
    ],
)
def test_list_models_filters(
    client: TestClient[Litestar], catalog: Catalog, query: str, keep: Any
) -> None:
    """Each filter keeps exactly the catalog models that satisfy it."""
    response = client.get(f"/v1/models?{query}&include_retired=true")
    assert response.status_code == 200, response.text
    got = [(m["provider"], m["id"]) for m in response.json()["models"]]
    expected = [(p, e.id) for p, e in catalog.models() if keep(p, e)]
    assert expected  # the filter must select something, or the test proves nothing
    assert got == expected


def test_list_models_lifecycle_status(client: TestClient[Litestar], catalog: Catalog) -> None:
    """``on`` and ``customer`` set each model's status; retired models are hidden by default."""
    doc = client.get("/v1/models?on=2026-12-01").json()
    assert doc["on"] == "2026-12-01"
    assert doc["customer"] == "new"
    status = {(m["provider"], m["id"]): m["status"] for m in doc["models"]}
    assert ("openai", "gpt-4.1-nano-2025-04-14") not in status  # shut down 2026-10-23 (O3)
    assert ("azure", "babbage-002") not in status  # retired 2025-01-27 (A13)
    assert doc["retired_hidden"] == len(list(catalog.models())) - len(doc["models"])
    mini = status[("openai", "gpt-4.1-mini-2025-04-14")]
    assert mini["status"] == "existing_customers_only"
    assert mini["date"] == "2026-05-07"
    assert mini["source"] == "O3"
    azure_mini = next(m for m in doc["models"] if m["id"] == "gpt-4.1-mini-2025-04-14")
    assert azure_mini["lifecycle"]["deployment_retirement"]["date"] == "2027-10-14"
    existing = client.get("/v1/models?on=2026-12-01&customer=existing").json()
    by_id = {(m["provider"], m["id"]): m["status"]["status"] for m in existing["models"]}
    assert by_id[("openai", "gpt-4.1-mini-2025-04-14")] == "retiring"
    past = client.get("/v1/models?on=2024-06-01").json()
    assert "babbage-002" in {m["id"] for m in past["models"]}
    every = client.get("/v1/models?on=2026-12-01&include_retired=true").json()
    nano = next(
        m for m in every["models"]
        if (m["provider"], m["id"]) == ("openai", "gpt-4.1-nano-2025-04-14")
    )  # fmt: skip
    assert nano["status"]["status"] == "retired"
    assert client.get("/v1/models?on=2026-13-01").status_code == 400


def test_region_filter_excludes_models_not_offered_there(client: TestClient[Litestar]) -> None:
    """gpt-4.1-nano is not trained in Poland Central (catalog footnote), gpt-4.1-mini is."""
    ids = {m["id"] for m in client.get("/v1/models?region=polandcentral").json()["models"]}
    assert "gpt-4.1-mini-2025-04-14" in ids
    assert "gpt-4.1-nano-2025-04-14" not in ids


@pytest.mark.parametrize(
    ("name", "provider", "model_id", "fine_tune_id"),
    [
        ("gpt-4.1-mini", None, "gpt-4.1-mini-2025-04-14", None),
        ("GPT-4.1-Mini", None, "gpt-4.1-mini-2025-04-14", None),
        ("gpt-4.1-mini-2025-04-14", "openai", "gpt-4.1-mini-2025-04-14", None),
        ("gpt-3.5-turbo", "azure", "gpt-35-turbo-0125", None),
        (
            "ft:gpt-4.1-mini-2025-04-14:acme::AbC123",
            "openai",
            "gpt-4.1-mini-2025-04-14",
            "ft:gpt-4.1-mini-2025-04-14:acme::AbC123",
        ),
        (
            "ft:gpt-4o-mini-2024-07-18:acme:support:XyZ9:ckpt-step-300",
            "openai",
            "gpt-4o-mini-2024-07-18",
            "ft:gpt-4o-mini-2024-07-18:acme:support:XyZ9:ckpt-step-300",
        ),
        (
            "gpt-4o-mini-2024-07-18.ft-0123456789abcdef",
            "azure",
            "gpt-4o-mini-2024-07-18",
            "gpt-4o-mini-2024-07-18.ft-0123456789abcdef",
        ),
    ],
)
def test_get_model_resolves_names_and_fine_tune_ids(
    client: TestClient[Litestar],
    catalog: Catalog,
    name: str,
    provider: str | None,
    model_id: str,
    fine_tune_id: str | None,
) -> None:
    """Names, aliases (any case) and fine-tuned ids return the base model's full entry."""
    query = f"?provider={provider}" if provider else ""
    response = client.get(f"/v1/models/{name}{query}")
    assert response.status_code == 200, response.text
    doc = response.json()
    want_provider = provider or "azure"  # no provider: the first provider in name order
    entry = next(e for p, e in catalog.models(want_provider) if e.id == model_id)
    assert doc["provider"] == want_provider
    assert doc["requested"] == name
    assert doc["fine_tune_id"] == fine_tune_id
    assert doc["model"] == as_json(entry)
    assert doc["catalog"]["provider"] == want_provider


# ---------------------------------------------------------------------------------------------
# /v1/estimate


def _estimate(client: TestClient[Litestar], body: dict[str, Any]) -> Any:
    response = client.post("/v1/estimate", content=json.dumps(body), headers={"content-type": JSON})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON
    return response.json()


SCENARIOS = {
    "design-example": SCENARIO,
    "openai": changed(  # OpenAI fine-tuning is open to existing customers only (2026-05-07)
        changed(changed(SCENARIO, "provider", "openai"), "training.tier", "global"),
        "customer",
        "existing",
    ),
    "regional-standard": changed(
        changed(changed(SCENARIO, "region", "swedencentral"), "training.tier", "standard"),
        "deployment.type",
        "standard",
    ),
    "distillation": changed(changed(SCENARIO, "base.model", "gpt-4.1"), "model", "gpt-4.1-mini"),
    "never-pays": changed(SCENARIO, "traffic.requests_per_month", 10),
    "dated": changed(SCENARIO, "start_date", "2026-01-15"),
    "rft": {
        "model": "o4-mini",
        "customer": "existing",  # Azure o4-mini RFT: existing customers only since 2026-10-16
        "training": {"method": "rft", "rft_hours": 12.5},
        "base": {"prompt_tokens": 3000, "output_tokens": 400},
        "fine_tuned": {"prompt_tokens": 800},
        "traffic": {"requests_per_month": 200000},
    },
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_estimate_equals_the_core(
    client: TestClient[Litestar], catalog: Catalog, name: str
) -> None:
    """POST /v1/estimate answers exactly the core's Projection of the same scenario."""
    body = SCENARIOS[name]
    before = dt.date.today()
    got = _estimate(client, body)
    after = dt.date.today()
    assert got in (core_projection(catalog, body, before), core_projection(catalog, body, after))


def test_estimate_start_date_defaults_to_today(client: TestClient[Litestar]) -> None:
    """A scenario without start_date is projected from today; a given date is kept."""
    before = dt.date.today().isoformat()
    got = _estimate(client, SCENARIO)["scenario"]["start_date"]
    assert got in (before, dt.date.today().isoformat())
    assert _estimate(client, SCENARIOS["dated"])["scenario"]["start_date"] == "2026-01-15"


def test_estimate_training_cost_from_the_listed_price(client: TestClient[Litestar]) -> None:
    """Training cost is tokens × epochs × the training price GET /v1/models/{id} lists."""
    entry = client.get("/v1/models/gpt-4.1-mini?provider=azure").json()["model"]
    price = next(
        p["value"]
        for p in entry["prices"]
        if p["kind"] == "training" and p["tier"] == "global" and not p.get("region")
    )
    got = _estimate(client, SCENARIO)
    assert got["training"]["tokens"] == 3_000_000
    assert got["training"]["cost_usd"] == pytest.approx(3 * price)


def test_estimate_response_cache(client: TestClient[Litestar], app: Litestar) -> None:
    """A repeated body is answered from the cache with the same bytes; errors are not cached."""
    services: Services = app.state["services"]
    body = json.dumps(changed(SCENARIO, "traffic.requests_per_month", 1_234_567)).encode()
    headers = {"content-type": JSON}
    first = client.post("/v1/estimate", content=body, headers=headers)
    hits = services.cache.hits
    second = client.post("/v1/estimate", content=body, headers=headers)
    assert services.cache.hits == hits + 1
    assert second.content == first.content
    other = client.post(
        "/v1/estimate",
        content=json.dumps(changed(SCENARIO, "traffic.requests_per_month", 7_654_321)),
        headers=headers,
    )
    assert other.json()["monthly"] != first.json()["monthly"]
    size = len(services.cache)
    bad = json.dumps(changed(SCENARIO, "model", "gpt-nope")).encode()
    for _ in range(2):
        assert client.post("/v1/estimate", content=bad, headers=headers).status_code == 404
    assert len(services.cache) == size


def test_openapi_json_served(client: TestClient[Litestar]) -> None:
    """The OpenAPI 3.1 document is served at /openapi.json and the docs UI at /docs."""
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert "/v1/estimate" in doc["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
