"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.programs.enums import AwardState, MilestoneState
from bitgoeul.programs.models import Award, Milestone

# --- awards ------------------------------------------------------------------------------------
# Korean sentences put a fixed particle or noun after the names they insert (의, 과업).

AWARDS_GROUP = _("Programmes")

for _code, _sentence in (
    ("award.agreement", _("%(actor)s recorded the signed agreement of %(object)s.")),
    ("award.terminate", _("%(actor)s terminated the agreement of %(object)s.")),
    ("award.complete", _("%(actor)s completed the agreement of %(object)s.")),
    ("milestone.create", _("%(actor)s added the milestone %(object)s.")),
    ("milestone.update", _("%(actor)s changed the milestone %(object)s.")),
    ("milestone.delete", _("%(actor)s deleted the milestone %(object)s.")),
    ("milestone.report_submit", _("%(actor)s submitted a report on the milestone %(object)s.")),
    (
        "milestone.report_approve",
        _("%(actor)s approved the report on the milestone %(object)s and released its tranche."),
    ),
    ("milestone.report_return", _("%(actor)s returned the report on the milestone %(object)s.")),
):
    audit_action(_code, _sentence, group=AWARDS_GROUP)


def _award_name(award: Award) -> str:
    return f"{award.application.company.organization.name} · {award.application.call.title}"


audit_object_type(
    "programs.award",
    label=_("award"),
    resolve=pk_resolver(
        lambda: Award.objects.select_related(
            "application__company__organization", "application__call"
        ),
        _award_name,
        lambda award, viewer: reverse("programs:award_detail", args=[award.pk]),
    ),
)
audit_object_type(
    "programs.milestone",
    label=_("milestone"),
    resolve=pk_resolver(
        lambda: Milestone.objects.select_related(
            "award__application__company__organization", "award__application__call"
        ),
        lambda m: f"{_award_name(m.award)} · {m.order}. {m.deliverable}",
        lambda m, viewer: reverse("programs:award_detail", args=[m.award_id]),
    ),
)
for _type, _states in (
    ("programs.award", dict(AwardState.choices)),
    ("programs.milestone", dict(MilestoneState.choices)),
):
    audit_fields(
        _type,
        {
            "state": AuditField(_("state"), choices=_states),
            "signed_at": AuditField(_("agreement signed"), "datetime"),
            "note": AuditField(_("comments")),
            "order": AuditField(_("order")),
            "deliverable": AuditField(_("deliverable")),
            "due_on": AuditField(_("due date"), "date"),
            "tranche": AuditField(_("tranche"), "money"),
            "released_at": AuditField(_("tranche released"), "datetime"),
            "report": AuditField(_("report number")),
            "hires": AuditField(_("new hires"), "count"),
            "revenue": AuditField(_("revenue"), "money"),
            "investment": AuditField(_("investment attracted"), "money"),
            "products": AuditField(_("products launched"), "count"),
        },
    )
