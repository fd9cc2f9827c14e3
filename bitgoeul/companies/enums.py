from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    PRE_STARTUP = "pre_startup", _("Pre-start-up")
    SEED = "seed", _("Seed")
    EARLY = "early", _("Early stage")
    GROWTH = "growth", _("Growth")
    EXPANSION = "expansion", _("Expansion")
    MATURE = "mature", _("Mature")


class InvestmentRound(models.TextChoices):
    SEED = "seed", _("Seed")
    PRE_A = "pre_a", _("Pre-Series A")
    SERIES_A = "series_a", _("Series A")
    SERIES_B = "series_b", _("Series B")
    SERIES_C = "series_c", _("Series C or later")
    GRANT = "grant", _("Government grant")
    STRATEGIC = "strategic", _("Strategic investment")
    IPO = "ipo", _("IPO")


class CertificationKind(models.TextChoices):
    VENTURE = "venture", _("Venture certification")
    TIPS = "tips", _("TIPS")
    INNOBIZ = "innobiz", _("Inno-Biz")
    MAINBIZ = "mainbiz", _("Main-Biz")


class VentureType(models.TextChoices):
    """벤처기업 확인 types since the 2021 reform of the Venture Business Act."""

    INVESTMENT = "investment", _("Investment")
    RND = "rnd", _("R&D")
    INNOVATION_GROWTH = "innovation_growth", _("Innovation growth")
    PRE_VENTURE = "pre_venture", _("Pre-venture")


class NominationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SortOrder(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    POTENTIAL = "potential", _("Potential score")
    GROWTH = "growth", _("Growth")
    NAME = "name", _("Name")
    FOUNDED = "founded", _("Founding date")


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKED = "checked", _("Checked")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")
