"""The compute API: rounds."""

from ninja import Router

router = Router(tags=["compute"])
