"""States and kinds of the programs app (calls, applications, reviews, selection, awards)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CallState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for applications")
    REVIEW = "review", _("In review")
    SELECTION = "selection", _("Selection")
    DELIVERY = "delivery", _("In delivery")
    CLOSED = "closed", _("Closed")


class EligibilityKind(models.TextChoices):
    """A rule checked when a company applies; `params` of `EligibilityRule` per kind:
    region {"provinces": ["광주", …]}, chapter {"chapters": [organisation id, …]},
    max_age_years {"years": 7}, min_employees / max_employees {"count": n},
    certification {"kinds": ["venture", …]} (any one, valid on the day of application),
    no_award_since {"years": 3} (no award of any call in that many years)."""

    REGION = "region", _("Region")
    CHAPTER = "chapter", _("Chapter")
    MAX_AGE_YEARS = "max_age_years", _("Company age")
    MIN_EMPLOYEES = "min_employees", _("Minimum employees")
    MAX_EMPLOYEES = "max_employees", _("Maximum employees")
    CERTIFICATION = "certification", _("Certification")
    NO_AWARD_SINCE = "no_award_since", _("Earlier awards")


class FieldKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    MONEY = "money", _("Amount (KRW)")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    FILE = "file", _("File")
    ROWS = "rows", _("Table of rows")


class FieldMeaning(models.TextChoices):
    """A field whose value the platform uses (totals, search, matching); at most one per call."""

    NONE = "", _("None")
    TITLE = "title", _("Project title")
    SUMMARY = "summary", _("Summary")
    REQUESTED_AMOUNT = "requested_amount", _("Requested amount")
    KEYWORDS = "keywords", _("Keywords")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INELIGIBLE = "ineligible", _("Ineligible")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class TieKind(models.TextChoices):
    """How a reviewer is tied to an organisation (the source of a conflict found from data)."""

    EMPLOYEE = "employee", _("Works for")
    ADVISOR = "advisor", _("Advises")
    SHAREHOLDER = "shareholder", _("Holds shares in")
    OTHER = "other", _("Other tie")


class ConflictSource(models.TextChoices):
    EMPLOYMENT = "employment", _("Same company now or in the last 3 years")
    SHAREHOLDING = "shareholding", _("Shareholding")
    ADVISORY = "advisory", _("Advisory role")
    CO_APPLICANT = "co_applicant", _("Same organisation as a co-applicant")
    OTHER_TIE = "other_tie", _("Other tie to the applicant")
    DECLARED = "declared", _("Declared by the reviewer")
    STAFF = "staff", _("Recorded by staff")


class RunState(models.TextChoices):
    RUNNING = "running", _("Running")
    PROPOSED = "proposed", _("Proposal")
    DEPLOYED = "deployed", _("Deployed")
    APPROVED = "approved", _("Approved")
    DISCARDED = "discarded", _("Discarded")
    FAILED = "failed", _("Failed")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class AwardState(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement pending")
    ACTIVE = "active", _("In delivery")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class MilestoneState(models.TextChoices):
    # in context: the companies catalogue, loaded first, says "Pending" of a nomination
    PENDING = "pending", pgettext_lazy("milestone state", "Pending")
    SUBMITTED = "submitted", _("Report submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
