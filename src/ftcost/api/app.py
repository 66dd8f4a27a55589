"""The litestar application: ``create_app`` builds it, nothing happens at import time.

``create_app(settings, catalog, counter)`` takes everything it needs (tests pass a small catalog
and a fake counter); what it is not given it loads once: the shipped catalog with the refreshed
sheet (``ftcost catalog refresh``) and then ``settings.pricing`` laid over it, and the tiktoken
counter. With ``settings.refresh_hours`` a ``CatalogRefresher`` re-reads the Azure prices in the
background and swaps the catalog when the new one validates. ``app_from_env`` is the factory
``ftcost serve`` hands to the ASGI server, so each worker process builds its own app from
``FTCOST_*`` variables.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, Request, get
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Contact, License, Server, Tag
from litestar.plugins.problem_details import ProblemDetailsPlugin

from ftcost import __version__
from ftcost.api.cache import ResponseCache
from ftcost.api.csv_output import CsvOutput
from ftcost.api.docs import OfflineSwaggerPlugin
from ftcost.api.limits import Guard, HeavyWork
from ftcost.api.middleware import RefusedPreflight, RequestContext
from ftcost.api.openapi import (
    GeneratorFriendlyOpenAPIConfig,
    StrictStructSchemaPlugin,
    for_generators,
    tighten_document,
)
from ftcost.api.problems import problem_config
from ftcost.api.refresher import CatalogRefresher, ServicesRef
from ftcost.api.routes import ROUTES, Services
from ftcost.api.routes_analysis import ANALYSIS_ROUTES
from ftcost.api.routes_tokens import TOKEN_ROUTES
from ftcost.api.routes_traffic import TRAFFIC_ROUTES
from ftcost.api.widget_routes import WIDGET_ROUTES
from ftcost.catalog import Catalog, load_catalog, model_regions
from ftcost.engine import NUMERIC_FIELDS, STAGE_FIELDS
from ftcost.refresh import active_sheet, default_sheet_path
from ftcost.settings import Settings, from_env

__all__ = [
    "OPENAPI_PATH",
    "app_from_env",
    "create_app",
    "openapi_document",
    "preload_catalog",
]

OPENAPI_PATH = "/openapi.json"

_DESCRIPTION = """\
Fine-tuning cost and latency estimator for Azure OpenAI / Foundry and the OpenAI platform:
training cost, hosting cost, per-request savings, latency and break-even from a sourced
pricing catalog and exact token counts.

Every error is an RFC 9457 `application/problem+json` document whose `type` is
`https://ftcost.dev/problems/<slug>`; extension members (`field`, `model_id`, `closest`,
`request_id`, …) say what went wrong where. Every response carries an `X-Request-ID` header.
"""

_TAGS = [
    Tag(name="service", description="Health of the service"),
    Tag(name="catalog", description="The pricing catalog: models, prices, limits"),
    Tag(name="tokens", description="Token counting with each model's own encoding"),
    Tag(name="datasets", description="Streaming analysis of JSONL training files"),
    Tag(name="traffic", description="Streaming analysis of production request logs"),
    Tag(name="projections", description="Cost, latency and break-even of a Scenario"),
    Tag(name="analysis", description="What-if analysis: solve, sweep, compare, simulate"),
    Tag(name="widget", description="The embeddable <ftcost-estimator> and its iframe page"),
]


def openapi_config() -> OpenAPIConfig:
    """OpenAPI 3.1 metadata; Swagger UI at ``/docs``, served from ftcost itself (offline)."""
    return GeneratorFriendlyOpenAPIConfig(
        title="ftcost",
        version=__version__,
        description=_DESCRIPTION,
        contact=Contact(name="ftcost maintainers"),
        license=License(name="MIT", identifier="MIT"),
        servers=[Server(url="/", description="this server")],
        tags=_TAGS,
        path="/docs",
        render_plugins=[OfflineSwaggerPlugin()],
        use_handler_docstrings=False,
        create_examples=False,
    )


@get(OPENAPI_PATH, include_in_schema=False, media_type="application/json", sync_to_thread=False)
def _openapi_json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The OpenAPI document, also at ``/docs/openapi.json``."""
    return openapi_document(request.app)


def openapi_document(app: Litestar) -> dict[str, Any]:
    """The app's OpenAPI 3.1 document as plain JSON data (defaults that are Structs encoded),
    tightened to what the handlers check (``tighten_document``): field paths, the catalog's
    regions, this server's sweep point limit."""
    doc: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(app.openapi_schema.to_schema()))
    services = app.state.get("services")
    settings = services.settings if services else Settings()
    catalog = services.catalog if services else load_catalog()
    tighten_document(
        doc,
        fields=NUMERIC_FIELDS,
        stage_fields=STAGE_FIELDS,
        regions=sorted({r for _, entry in catalog.models() for r in model_regions(entry)}),
        sweep_points=settings.max_sweep_points,
    )
    return for_generators(doc)  # the tightened parts in the shapes client generators read


def create_app(
    settings: Settings | None = None,
    catalog: Catalog | None = None,
    counter: Any = None,
) -> Litestar:
    """The ftcost HTTP application.

    ``catalog`` defaults to the shipped catalog with the refreshed sheet and ``settings.pricing``
    overlays (a bad price sheet fails here, at start-up); ``counter`` to the tiktoken counter,
    which loads encodings lazily on first use.
    """
    settings = settings or Settings()
    overlays = [Path(p) for p in settings.pricing]
    if catalog is None:
        sheet = active_sheet()
        catalog = load_catalog(overlays=[sheet, *overlays] if sheet is not None else overlays)
    if counter is None:
        counter = _default_counter()
    services = Services(
        settings=settings,
        catalog=catalog,
        counter=counter,
        cache=ResponseCache(max_bytes=settings.cache_bytes),
        heavy=HeavyWork(settings.max_heavy),
    )
    ref = ServicesRef(services)

    def provide_services() -> Services:
        return ref.current  # one read: a request sees one catalog, even across a swap

    cors = (
        CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["content-type", "x-request-id"],
            expose_headers=["x-request-id"],
            max_age=600,
        )
        if settings.cors_origins
        else None
    )
    refresher = (
        CatalogRefresher(
            ref,
            hours=settings.refresh_hours,
            sheet=default_sheet_path(),
            overlays=overlays,
            endpoint=settings.refresh_endpoint,
        )
        if settings.refresh_hours
        else None
    )
    app = Litestar(
        route_handlers=[
            *ROUTES,
            *TOKEN_ROUTES,
            *TRAFFIC_ROUTES,
            *ANALYSIS_ROUTES,
            *WIDGET_ROUTES,
            _openapi_json,
        ],
        dependencies={"services": Provide(provide_services, sync_to_thread=False)},
        plugins=[ProblemDetailsPlugin(problem_config()), StrictStructSchemaPlugin()],
        openapi_config=openapi_config(),
        cors_config=cors,
        request_max_body_size=settings.max_body_bytes,
        logging_config=None,
        signature_namespace={"Services": Services},
        on_startup=[refresher.start] if refresher else [],
        on_shutdown=[refresher.stop] if refresher else [],
    )
    # Outermost layer, around routing, CORS and exception handling: every response (404s and
    # preflights included) gets the request id, the security headers and an access-log line.
    handler = app.asgi_handler if cors is None else RefusedPreflight(app.asgi_handler, cors)
    handler = CsvOutput(handler)  # Accept: text/csv on estimate, sweep and compare
    app.asgi_handler = RequestContext(
        Guard(handler, settings),
        cors_origins=settings.cors_origins,
        access_log=settings.access_log,
    )
    app.state["services"] = services  # as created; requests read services_ref.current
    app.state["services_ref"] = ref
    app.state["refresher"] = refresher
    return app


def _default_counter() -> Any:
    from ftcost.tokens import default_counter

    return default_counter()


def configure_logging(level: str) -> None:
    """One line per record on stderr: the access log and the service's own messages."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("ftcost")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


_preloaded: tuple[tuple[str, ...], Catalog] | None = None


def preload_catalog(settings: Settings) -> Catalog:
    """Load the catalog (with ``settings.pricing``) once, in the process that starts the server.

    granian forks its workers on Linux: each worker's ``app_from_env`` then finds this catalog
    in memory it shares with the parent instead of parsing every price sheet again.
    """
    global _preloaded
    catalog = load_catalog(overlays=[Path(p) for p in settings.pricing])
    _preloaded = (settings.pricing, catalog)
    return catalog


def app_from_env() -> Litestar:
    """Factory for the ASGI server (one call per worker): settings from ``FTCOST_*``."""
    settings = from_env(os.environ)
    configure_logging(settings.log_level)
    pre = _preloaded
    catalog = pre[1] if pre is not None and pre[0] == settings.pricing else None
    return create_app(settings, catalog=catalog)
