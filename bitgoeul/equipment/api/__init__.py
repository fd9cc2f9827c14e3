"""`/api/v1` operations of the equipment app: one module per area, all on one router."""

from bitgoeul.equipment.api import bookings, catalogue  # noqa: F401
from bitgoeul.equipment.api.base import router

__all__ = ["router"]
