"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.programs.models import Review, SelectionRun

# --- scoring -----------------------------------------------------------------------------------

SCORING_GROUP = _("Reviews and selection")

for code, sentence in (
    ("review.save", _("%(actor)s saved the draft review %(object)s.")),
    ("review.submit", _("%(actor)s submitted the review %(object)s.")),
    ("review.reopen", _("%(actor)s reopened the review %(object)s.")),
    ("selection_run.start", _("%(actor)s started the selection run %(object)s.")),
    ("selection_run.rerun", _("%(actor)s reran the selection from saved inputs: %(object)s.")),
    ("selection_run.approve", _("%(actor)s approved the selection run %(object)s.")),
    (
        "application.selection_decided",
        _("%(actor)s recorded the selection result of the application %(object)s."),
    ),
    (
        "call.delivery_started",
        _("%(actor)s moved the call %(object)s into delivery after selection."),
    ),
):
    audit_action(code, sentence, group=SCORING_GROUP)

audit_object_type(
    "programs.review",
    label=_("review"),
    resolve=pk_resolver(
        lambda: Review.objects.select_related("assignment__stage"),
        lambda r: f"#{r.assignment.application_id}/{r.assignment.reviewer_id}",
        lambda r, viewer: reverse("programs:score_table", args=[r.assignment.stage_id]),
    ),
)
audit_object_type(
    "programs.selectionrun",
    label=_("selection run"),
    resolve=pk_resolver(
        lambda: SelectionRun.objects.all(),
        lambda r: f"#{r.pk}",
        lambda r, viewer: reverse("programs:selection_run", args=[r.pk]),
    ),
)
