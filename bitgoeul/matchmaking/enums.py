"""The stable codes of the matchmaking app; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sector(models.TextChoices):
    """The requesting company's sector (the pipeline is shown by sector)."""

    MANUFACTURING = "manufacturing", _("Manufacturing")
    AGRICULTURE = "agriculture", _("Agriculture and food")
    LOGISTICS = "logistics", _("Logistics and distribution")
    HEALTHCARE = "healthcare", _("Healthcare")
    ENERGY = "energy", _("Energy")
    PUBLIC = "public", _("Public body")
    RETAIL = "retail", _("Retail and services")
    OTHER = "other", _("Other sector")


class NeedState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("matchmaking", "Open")  # suppliers may be invited
    CLOSED = (
        "closed",
        pgettext_lazy("matchmaking", "Closed"),
    )  # the requester found what it needed, or stopped
    WITHDRAWN = "withdrawn", pgettext_lazy("matchmaking", "Withdrawn")


class InvitationState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Interested")
    DECLINED = "declined", pgettext_lazy("matchmaking", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("matchmaking", "Withdrawn")


class OutcomeKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    PILOT = "pilot", _("Pilot")
    NO_FIT = "no_fit", _("No fit")
