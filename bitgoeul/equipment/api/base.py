"""The equipment app's API router; each area's module adds its operations to it."""

from ninja import Router

router = Router(tags=["equipment"])
