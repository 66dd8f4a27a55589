"""Prices and facts: the pricing catalog, nothing above it.

``schema`` types every field of ``pricing/*.toml``; ``store`` loads, parses and overlays the files
into a ``Catalog``; ``checks`` holds the rules a file must meet beyond its schema; ``lookup``
resolves model names, regions and prices; ``view`` shapes models and prices for ``ftcost models``
and ``GET /v1/models``; ``toml_writer`` writes a provider file back as TOML; ``azure_meters`` and
``azure_import`` turn Azure Retail Prices API pages into a price sheet; ``diff`` compares
the prices of two catalogs.

Depends on ``ftcost.errors`` only.
"""

from __future__ import annotations

from ftcost.catalog.azure_import import AzureImport, import_azure
from ftcost.catalog.azure_meters import MeterUse, classify_meter, normalise_meter
from ftcost.catalog.diff import ChangeKind, PriceChange, PriceDiff, diff_catalogs
from ftcost.catalog.files import MAX_FILE_BYTES, FileRefused, read_bounded
from ftcost.catalog.lifecycle import (
    Customer,
    LifecycleStatus,
    ModelStatus,
    deployment_end,
    model_status,
    training_end,
)
from ftcost.catalog.lookup import (
    ResolvedModel,
    check_region,
    find_price,
    find_ptu_price,
    model_regions,
    resolve_model,
)
from ftcost.catalog.schema import (
    BATCH_TIERS,
    LIFECYCLE_EVENTS,
    PROVISIONED_TIERS,
    Caching,
    Encoding,
    IntFigure,
    Latency,
    Lifecycle,
    LifecycleDate,
    Limits,
    Method,
    ModelEntry,
    Price,
    ProviderFile,
    ProviderId,
    Provisioned,
    Source,
    Status,
    Tier,
    TokenizerName,
    Variant,
)
from ftcost.catalog.store import (
    Catalog,
    CatalogInfo,
    default_pricing_dir,
    load_catalog,
    load_sheet,
    parse_catalog,
)
from ftcost.catalog.toml_writer import dump_provider_file
from ftcost.catalog.view import (
    TIERS,
    TOKEN_KINDS,
    Cell,
    Headline,
    ProviderSummary,
    filter_models,
    headline,
    model_record,
    other_providers,
    price_order,
    provider_summaries,
)

__all__ = [
    "BATCH_TIERS",
    "LIFECYCLE_EVENTS",
    "MAX_FILE_BYTES",
    "PROVISIONED_TIERS",
    "TIERS",
    "TOKEN_KINDS",
    "AzureImport",
    "Caching",
    "Catalog",
    "CatalogInfo",
    "Cell",
    "ChangeKind",
    "Customer",
    "Encoding",
    "FileRefused",
    "Headline",
    "IntFigure",
    "Latency",
    "Lifecycle",
    "LifecycleDate",
    "LifecycleStatus",
    "Limits",
    "MeterUse",
    "Method",
    "ModelEntry",
    "ModelStatus",
    "Price",
    "PriceChange",
    "PriceDiff",
    "ProviderFile",
    "ProviderId",
    "ProviderSummary",
    "Provisioned",
    "ResolvedModel",
    "Source",
    "Status",
    "Tier",
    "TokenizerName",
    "Variant",
    "check_region",
    "classify_meter",
    "default_pricing_dir",
    "deployment_end",
    "diff_catalogs",
    "dump_provider_file",
    "filter_models",
    "find_price",
    "find_ptu_price",
    "headline",
    "import_azure",
    "load_catalog",
    "load_sheet",
    "model_record",
    "model_regions",
    "model_status",
    "normalise_meter",
    "other_providers",
    "parse_catalog",
    "price_order",
    "provider_summaries",
    "read_bounded",
    "resolve_model",
    "training_end",
]
