"""Streamed JSONL analysis of fine-tuning datasets.

``analyze`` drives a ``DatasetAnalyzer`` over chunks of bytes; ``format`` detects the dataset
format and the line separator; ``checks`` validates and counts one batch of lines; ``stream``
buffers lines and keeps memory bounded; ``parallel`` runs batches in worker processes; ``report``
builds the ``DatasetReport`` (token statistics, limits, epochs and training cost per tier).
"""

from __future__ import annotations

from ftcost.dataset.analyze import DatasetAnalyzer, analyze_dataset
from ftcost.dataset.checks import DatasetFormat
from ftcost.dataset.report import DatasetReport

__all__ = [
    "DatasetAnalyzer",
    "DatasetFormat",
    "DatasetReport",
    "analyze_dataset",
]
