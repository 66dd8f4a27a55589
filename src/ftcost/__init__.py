"""ftcost: fine-tuning cost and latency estimator.

The public core API is re-exported here; adapters (``ftcost.api``, ``ftcost.cli``) build on it.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
