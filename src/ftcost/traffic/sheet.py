"""The calibrated latency as a price sheet that ``--pricing`` lays over the catalog.

The sheet names one model (the one the timings were measured on) and sets only its
``latency``; every figure cites one source row (``TRAFFIC``) and is ``derived`` with the rule
that produced it. ``ftcost.catalog.dump_provider_file`` writes it as TOML.
"""

from __future__ import annotations

import datetime as dt

from ftcost.catalog import Latency, ModelEntry, ProviderFile, Source
from ftcost.errors import InvalidInputError
from ftcost.traffic.latency import Triple
from ftcost.traffic.report import TrafficReport

__all__ = ["SOURCE_ID", "latency_sheet"]

SOURCE_ID = "TRAFFIC"


def latency_sheet(report: TrafficReport, *, as_of: dt.date, log_name: str) -> ProviderFile:
    """A price sheet with the latency calibrated from ``report`` (``as_of``: the adapter's
    date). Raises ``InvalidInputError`` when the log gave no calibration."""
    lat = report.latency
    cal = lat.calibration if lat is not None else None
    if lat is None or cal is None:
        raise InvalidInputError(
            "the log has too few requests with ttft_ms, duration_ms and token counts to "
            "calibrate latency",
            field="latency_out",
        )
    rule = (
        f"{cal.method}; {cal.samples} logged requests; median fit pseudo-R² TTFT "
        f"{cal.ttft_pseudo_r2:.3f}, decode {cal.decode_pseudo_r2:.3f}"
    )

    def pct(t: Triple) -> dict[str, object]:
        return {
            "p10": t.p10,
            "p50": t.p50,
            "p90": t.p90,
            "source": SOURCE_ID,
            "as_of": as_of,
            "status": "derived",
            "rule": rule,
        }

    import msgspec

    latency = msgspec.convert(
        {
            "t0_s": pct(cal.t0_s),
            "prefill_s_per_1k": pct(cal.prefill_s_per_1k),
            "decode_tokens_per_s": pct(cal.decode_tokens_per_s),
        },
        Latency,
    )
    return ProviderFile(
        schema_version=1,
        provider=report.provider,  # type: ignore[arg-type]
        version=f"traffic-{as_of.isoformat()}",
        sources=[
            Source(
                id=SOURCE_ID,
                title=f"ftcost traffic analyze of {log_name} (latency calibrated from its timings)",
                date=as_of.isoformat(),
            )
        ],
        models=[ModelEntry(id=lat.model, latency=latency)],
    )
