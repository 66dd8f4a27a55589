"""Streamed analysis of production request logs: from traffic to a Scenario.

``analyze`` drives a ``TrafficAnalyzer`` over chunks of bytes; ``records`` reads the shape of one
line (Chat Completions requests, wrapped request/response records, Batch API files); ``batch``
counts and summarises one batch of lines, with ``encoders`` (token ids, cached per process);
``prefix`` finds the shared prefix of a group of requests; ``stats`` keeps histograms and a
bounded sample; ``stream`` cuts the log into batches and runs them in worker processes;
``totals`` merges their results; ``latency`` calibrates the latency law from timings; ``build``
and ``report`` make the ``TrafficReport`` and its Scenario; ``sheet`` writes the calibrated
latency as a price sheet. Depends on ``ftcost.engine``, ``ftcost.tokens`` and ``ftcost.catalog``;
independent of ``ftcost.dataset``.
"""

from __future__ import annotations

from ftcost.traffic.analyze import FORMATS, TrafficAnalyzer, analyze_traffic
from ftcost.traffic.latency import LatencyCalibration
from ftcost.traffic.records import TrafficFormat
from ftcost.traffic.report import TrafficReport
from ftcost.traffic.sheet import latency_sheet
from ftcost.traffic.stats import Stats

__all__ = [
    "FORMATS",
    "LatencyCalibration",
    "Stats",
    "TrafficAnalyzer",
    "TrafficFormat",
    "TrafficReport",
    "analyze_traffic",
    "latency_sheet",
]
