"""The stable codes of the demonstrations app (states, kinds); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The five fields the city's showcase is filtered by; the same codes as the equipment centres.
from bitgoeul.equipment.enums import Domain

__all__ = [
    "Direction",
    "Domain",
    "MeasurementSource",
    "PermitKind",
    "PermitStatus",
    "ProjectState",
    "SiteKind",
]


class SiteKind(models.TextChoices):
    HOSPITAL_WARD = "hospital_ward", _("Hospital ward")
    ROAD_SECTION = "road_section", _("Road section")
    BUILDING = "building", _("Building")
    FACTORY_LINE = "factory_line", _("Factory line")
    OTHER = "other", _("Other site")


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Under way")
    REPORTED = "reported", _("Results under review")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


# The company may change the plan (goal, site, KPIs, permits, linked bookings) only here.
EDITABLE_STATES = (ProjectState.DRAFT, ProjectState.RETURNED)
# A project can be shown in the public showcase once both approvals are in.
SHOWABLE_STATES = (ProjectState.APPROVED, ProjectState.REPORTED, ProjectState.CLOSED)


class PermitKind(models.TextChoices):
    IRB = "irb", _("IRB (research ethics) approval")
    PERSONAL_DATA = "personal_data", _("Personal data processing")
    SAFETY = "safety", _("Safety approval")
    OTHER = "other", _("Other permission")


class PermitStatus(models.TextChoices):
    NEEDED = "needed", _("Not applied for yet")
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class MeasurementSource(models.TextChoices):
    FORM = "form", _("Form")
    XLSX = "xlsx", _("Excel upload")
    API = "api", _("API")
