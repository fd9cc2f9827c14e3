"""The audit sentences of the compute app (one per action code it writes)."""

from __future__ import annotations
