"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import audit_action, audit_object_type, pk_resolver
from bitgoeul.programs.models import Assignment, AssignmentRun, Reviewer

GROUP = _("Programmes")

# --- review: reviewer pool, conflicts, assignment ------------------------------------------------
# Korean sentences put a fixed particle after the names they insert (의), so that no name needs
# a particle chosen by its last syllable.
for code, sentence in (
    ("reviewer.add", _("%(actor)s added %(object)s to the reviewer pool.")),
    ("reviewer.update", _("%(actor)s changed the reviewer profile %(object)s.")),
    ("reviewer_tie.add", _("%(actor)s recorded a tie of %(object)s.")),
    ("reviewer_tie.delete", _("%(actor)s deleted a tie of %(object)s.")),
    ("conflict.find", _("%(actor)s looked for conflicts of interest in %(object)s.")),
    ("conflict.declare", _("%(actor)s declared on a conflict of interest for %(object)s.")),
    ("assignment_run.start", _("%(actor)s started the reviewer assignment %(object)s.")),
    (
        "assignment_run.finish",
        _("%(actor)s finished computing the reviewer assignment %(object)s."),
    ),
    ("assignment_run.deploy", _("%(actor)s deployed the reviewer assignment %(object)s.")),
    ("assignment.add", _("%(actor)s added a reviewer by hand in %(object)s.")),
    ("assignment.remove", _("%(actor)s removed a reviewer by hand in %(object)s.")),
    ("assignment.move", _("%(actor)s moved a reviewer by hand in %(object)s.")),
):
    audit_action(code, sentence, group=GROUP)


def _reviewer_name(reviewer: Any) -> str:
    return reviewer.user.name or reviewer.user.email


def _reviewer_url(reviewer: Any, viewer: Any) -> str:
    from bitgoeul.programs.access import can_manage_reviewers

    return (
        reverse("programs:reviewer_edit", args=[reviewer.pk])
        if can_manage_reviewers(viewer)
        else ""
    )


def _run_name(run: Any) -> str:
    return f"{run.stage.call.title} · {run.stage.name} #{run.pk}"


def _run_url(run: Any, viewer: Any) -> str:
    from bitgoeul.programs.access import is_call_staff

    staff = is_call_staff(viewer, run.stage.call)
    return reverse("programs:assignment_board", args=[run.pk]) if staff else ""


def _assignment_name(assignment: Any) -> str:
    return f"#{assignment.application_id} · {_reviewer_name(assignment.reviewer)}"


audit_object_type(
    "programs.reviewer",
    label=_("reviewer"),
    resolve=pk_resolver(
        lambda: Reviewer.objects.select_related("user"), _reviewer_name, _reviewer_url
    ),
)
audit_object_type(
    "programs.assignmentrun",
    label=_("reviewer assignment"),
    resolve=pk_resolver(
        lambda: AssignmentRun.objects.select_related("stage__call"), _run_name, _run_url
    ),
)
audit_object_type(
    "programs.assignment",
    label=_("assignment of a reviewer"),
    resolve=pk_resolver(
        lambda: Assignment.objects.select_related("reviewer__user"), _assignment_name
    ),
)
