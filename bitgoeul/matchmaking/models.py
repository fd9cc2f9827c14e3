"""Matchmaking (AI for regional companies): a regional company posts an AI need in plain Korean
(`Need`); the platform ranks AI suppliers for it (`ranking`); the requester invites suppliers
(`Invitation`), suppliers answer, meetings are scheduled (`Meeting`) and each conversation ends
with an outcome (`Outcome`: contract, pilot, no fit) that feeds the companies' track record and
the city's figures.

A supplier is a company whose business is AI (`Company.search_ai_central`), unless it said it
takes no requests (`SupplierProfile.accepts_needs`); its profile also says how many
conversations it can carry at once (`capacity`).

Every write goes through `services`; every state change locks its row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import PROVINCE_CHOICES
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind, Sector

USER = settings.AUTH_USER_MODEL


class SupplierProfile(models.Model):
    """A supplier's own settings for matchmaking (absent: takes needs, default capacity)."""

    company = models.OneToOneField(
        Company, on_delete=models.CASCADE, related_name="supplier_profile"
    )
    accepts_needs = models.BooleanField(_("take requests from regional companies"), default=True)
    capacity = models.PositiveSmallIntegerField(
        _("conversations at once"), default=3
    )  # open invitations it accepted, without an outcome yet
    pitch = models.TextField(_("what we offer regional companies"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"supplier profile of {self.company_id}"


class Need(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="ai_needs",
        verbose_name=_("requesting company"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what you want AI to do"))  # plain Korean
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    budget_min_krw = models.BigIntegerField(_("budget from (KRW)"), null=True, blank=True)
    budget_max_krw = models.BigIntegerField(_("budget up to (KRW)"), null=True, blank=True)
    data_available = models.TextField(_("data you have"), blank=True)
    timing = models.CharField(_("timing"), max_length=200, blank=True)  # "올해 3분기 안에"
    starts_by = models.DateField(_("start by"), null=True, blank=True)
    # empty: suppliers anywhere; otherwise suppliers in this province rank higher
    preferred_province = models.CharField(
        _("preferred region"), max_length=20, choices=PROVINCE_CHOICES, blank=True
    )
    state = models.CharField(max_length=20, choices=NeedState.choices, default=NeedState.DRAFT)
    search_terms = models.TextField(blank=True, editable=False)  # document terms of the need
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min_krw__isnull=True)
                | Q(budget_max_krw__isnull=True)
                | Q(budget_max_krw__gte=models.F("budget_min_krw")),
                name="need_budget_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="invitations")
    supplier = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="need_invitations")
    state = models.CharField(
        max_length=20, choices=InvitationState.choices, default=InvitationState.INVITED
    )
    message = models.TextField(_("message to the supplier"), blank=True)
    # the ranking when invited: {"rank": 1, "score": 12.3, "words": [...], "facts": [...]}
    ranking = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "supplier"], name="one_invitation_per_supplier")
        ]

    def __str__(self) -> str:
        return f"invitation of {self.supplier_id} to need {self.need_id}"


class Meeting(models.Model):
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place or online link"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"meeting {self.pk} of invitation {self.invitation_id}"


class Outcome(models.Model):
    """How one conversation between a requester and a supplier ended."""

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices)
    amount_krw = models.BigIntegerField(_("contract amount (KRW)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.kind} of invitation {self.invitation_id}"
