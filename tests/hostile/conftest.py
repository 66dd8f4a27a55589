"""Hostile-client tests: helpers in ``live.py``; room for thousands of client sockets."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lets the tests import live


@pytest.fixture(scope="session", autouse=True)
def _enough_descriptors() -> None:
    """Room for a few thousand client sockets in the test process (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 8192 if hard == resource.RLIM_INFINITY else min(8192, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
