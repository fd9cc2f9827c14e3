"""`/api/v1` operations of the programs app: one module per area, all on one router."""

from bitgoeul.programs.api import applications, awards, calls, reviewers, reviews  # noqa: F401
from bitgoeul.programs.api.base import router

__all__ = ["router"]
