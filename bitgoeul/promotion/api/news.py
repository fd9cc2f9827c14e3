"""The news API of the promotion app."""

from ninja import Router

router = Router(tags=["news"])
