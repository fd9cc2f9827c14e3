"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations
