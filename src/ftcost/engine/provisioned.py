"""Provisioned throughput (PTU): how many PTUs a deployment needs, and what they cost.

The provider's published sizing method (Azure "Determine PTU sizing for a workload"):

    input TPM      = peak requests per minute × uncached prompt tokens
    output TPM     = peak requests per minute × output tokens
    normalized TPM = input TPM + output weight × output TPM   (cached tokens use no capacity)
    raw PTUs       = normalized TPM / input TPM per PTU
    PTUs           = max(minimum, ceil(raw / increment) × increment)

with the model's figures from the catalog (``Provisioned``: input TPM per PTU, output weight,
minimum and increment per deployment type). A provisioned deployment is billed in PTU-hours
instead of tokens and an hourly hosting fee. The peak comes from ``traffic.
peak_requests_per_minute``, or from the average rate (requests a month over 730 hours) ×
``traffic.peak_to_average``; ``ptu`` given explicitly wins. Pure.
"""

from __future__ import annotations

import math

from ftcost.catalog import Provisioned
from ftcost.engine.projection import PtuPlan
from ftcost.errors import InvalidInputError

__all__ = ["MINUTES_PER_MONTH", "peak_rpm", "size_ptu"]

MINUTES_PER_MONTH = 730.0 * 60.0


def peak_rpm(
    requests_per_month: float, peak_requests_per_minute: float | None, peak_to_average: float | None
) -> tuple[float | None, str]:
    """The peak requests per minute and how it was found (None when the scenario gives none)."""
    if peak_requests_per_minute is not None:
        return peak_requests_per_minute, "traffic.peak_requests_per_minute"
    if peak_to_average is not None:
        return (
            requests_per_month / MINUTES_PER_MONTH * peak_to_average,
            f"traffic.requests_per_month / {MINUTES_PER_MONTH:g} min × traffic.peak_to_average",
        )
    return None, ""


def size_ptu(
    fig: Provisioned,
    *,
    deployment: str,
    model: str,
    role: str,
    field: str,
    explicit: int | None,
    rpm: tuple[float | None, str],
    prompt_tokens: float,
    cached_tokens: float,
    output_tokens: float,
    usd_per_ptu_hour: float,
    hours_per_month: float,
) -> PtuPlan:
    """The PTU plan of one setup: count, how it was sized, utilisation at the peak, cost."""
    regional = deployment == "provisioned"
    minimum = fig.regional_min_ptu if regional else fig.global_min_ptu
    step = fig.regional_increment if regional else fig.global_increment
    if minimum is None or step is None or step <= 0:
        raise InvalidInputError(
            f"{model} has no published {deployment} PTU minimum and increment", field=field
        )
    peak, how = rpm
    normalized = None
    raw = None
    if peak is not None:
        uncached = max(prompt_tokens - cached_tokens, 0.0)
        normalized = peak * (uncached + fig.output_weight * output_tokens)
        raw = normalized / fig.input_tpm_per_ptu
    if explicit is not None:
        ptus, sized_by = explicit, f"{field.rsplit('.', 1)[0]}.ptu (given)"
    elif raw is not None:
        ptus = max(minimum, math.ceil(raw / step - 1e-9) * step)
        sized_by = f"peak {peak:,.1f} requests/minute ({how}), the provider's sizing method"
    else:
        raise InvalidInputError(
            f"{role} on {deployment}: give the peak (traffic.peak_requests_per_minute or "
            f"traffic.peak_to_average) to size the PTUs, or the PTU count ({field})",
            field=field,
        )
    if ptus < minimum or (ptus - minimum) % step:
        raise InvalidInputError(
            f"{field}: {ptus} PTUs; {model} {deployment} deployments take at least {minimum} "
            f"PTUs, in steps of {step}",
            field=field,
        )
    capacity = ptus * fig.input_tpm_per_ptu
    return PtuPlan(
        deployment=deployment,
        ptus=ptus,
        sized_by=sized_by,
        peak_requests_per_minute=peak,
        normalized_tpm=normalized,
        input_tpm_per_ptu=fig.input_tpm_per_ptu,
        output_weight=fig.output_weight,
        raw_ptus=raw,
        minimum=minimum,
        increment=step,
        utilisation=(normalized / capacity) if normalized is not None else None,
        usd_per_ptu_hour=usd_per_ptu_hour,
        monthly_usd=ptus * usd_per_ptu_hour * hours_per_month,
    )
