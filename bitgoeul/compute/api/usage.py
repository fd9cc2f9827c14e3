"""The compute API: usage."""

from ninja import Router

router = Router(tags=["compute"])
