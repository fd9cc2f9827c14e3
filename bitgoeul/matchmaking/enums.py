"""The stable codes of the matchmaking app; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    OPEN = "open", _("Open")  # suppliers may be invited
    CLOSED = "closed", _("Closed")  # the requester found what it needed, or stopped
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InvitationState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Interested")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OutcomeKind(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    PILOT = "pilot", _("Pilot")
    NO_FIT = "no_fit", _("No fit")
