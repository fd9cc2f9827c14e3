"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations

# --- apps (applications) -------------------------------------------------------------------------
# Korean sentences put a fixed noun after the inserted names (의 신청서를), so no particle depends
# on the name's last syllable.
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.programs.enums import (
    ApplicationState,
    AwardState,
    CallState,
    EligibilityKind,
    FieldKind,
    FieldMeaning,
    MilestoneState,
)
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Award,
    Call,
    Milestone,
    Review,
    Reviewer,
    SelectionRun,
)

# --- calls -------------------------------------------------------------------------------------

CALLS_GROUP = _("Calls")

for code, sentence in (
    ("call.create", _("%(actor)s created the call %(object)s.")),
    ("call.update", _("%(actor)s changed the notice of the call %(object)s.")),
    ("call.set_state", _("%(actor)s changed the state of the call %(object)s.")),
    ("call.attachment_add", _("%(actor)s attached a file to the call %(object)s.")),
    ("call.attachment_remove", _("%(actor)s removed a file from the call %(object)s.")),
    ("call.stage_create", _("%(actor)s added an evaluation stage to the call %(object)s.")),
    ("call.stage_update", _("%(actor)s changed an evaluation stage of the call %(object)s.")),
    ("call.stage_delete", _("%(actor)s deleted an evaluation stage of the call %(object)s.")),
    ("call.stage_reorder", _("%(actor)s reordered the evaluation stages of the call %(object)s.")),
    ("call.criterion_create", _("%(actor)s added a criterion to the call %(object)s.")),
    ("call.criterion_update", _("%(actor)s changed a criterion of the call %(object)s.")),
    ("call.criterion_delete", _("%(actor)s deleted a criterion of the call %(object)s.")),
    ("call.criterion_reorder", _("%(actor)s reordered the criteria of the call %(object)s.")),
    ("call.rule_create", _("%(actor)s added an eligibility rule to the call %(object)s.")),
    ("call.rule_update", _("%(actor)s changed an eligibility rule of the call %(object)s.")),
    ("call.rule_delete", _("%(actor)s deleted an eligibility rule of the call %(object)s.")),
    ("call.field_create", _("%(actor)s added a question to the form of the call %(object)s.")),
    ("call.field_update", _("%(actor)s changed a question of the form of the call %(object)s.")),
    ("call.field_delete", _("%(actor)s removed a question from the form of the call %(object)s.")),
    ("call.field_reorder", _("%(actor)s reordered the form of the call %(object)s.")),
):
    audit_action(code, sentence, group=CALLS_GROUP)

audit_object_type(
    "programs.call",
    label=_("call"),
    resolve=pk_resolver(
        lambda: Call.objects.all(),
        lambda c: c.title,
        lambda c, viewer: reverse("programs:call_manage", args=[c.pk]),
    ),
)
audit_fields(
    "programs.call",
    {
        "title": AuditField(_("title")),
        "title_en": AuditField(_("title in English")),
        "body": AuditField(_("notice")),
        "organizer": AuditField(_("organiser"), "organization"),
        "co_organizers": AuditField(_("co-organisers"), "organization"),
        "budget": AuditField(_("budget"), "money"),
        "max_award": AuditField(_("maximum per award"), "money"),
        "opens_at": AuditField(_("opens at"), "datetime"),
        "closes_at": AuditField(_("closes at"), "datetime"),
        "blind": AuditField(_("blind review"), "bool"),
        "state": AuditField(_("state"), choices=dict(CallState.choices)),
        "name": AuditField(_("name")),
        "name_en": AuditField(_("name in English")),
        # a rule's or a question's kind (an attachment's kind, "pdf", shows as it is)
        "kind": AuditField(
            _("kind"), choices={**dict(EligibilityKind.choices), **dict(FieldKind.choices)}
        ),
        "size": AuditField(_("size (bytes)"), "count"),
        "stage": AuditField(pgettext_lazy("evaluation", "stage")),
        "order": AuditField(_("order")),
        "reviewers_per_application": AuditField(_("reviewers per application"), "count"),
        "review_due_at": AuditField(_("reviews due"), "datetime"),
        "advance_count": AuditField(_("applications that advance"), "count"),
        "criterion": AuditField(_("criterion")),
        "description": AuditField(pgettext_lazy("criterion", "description")),
        "weight": AuditField(_("weight (%)"), "count"),
        "max_score": AuditField(_("maximum score"), "count"),
        "rule": AuditField(_("rule")),
        "params": AuditField(_("conditions")),
        "field": AuditField(_("question")),
        "key": AuditField(_("key")),
        "meaning": AuditField(_("meaning"), choices=dict(FieldMeaning.choices)),
        "label": AuditField(_("question")),
        "label_en": AuditField(_("question in English")),
        "help_text": AuditField(_("help text")),
        "help_text_en": AuditField(_("help text in English")),
        "required": AuditField(_("required"), "bool"),
        "max_length": AuditField(_("most characters"), "count"),
        "options": AuditField(_("options")),
        "columns": AuditField(_("columns")),
    },
)

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

APPLICATIONS_GROUP = _("Programmes")

for _code, _sentence in (
    ("application.start", _("%(actor)s started the application %(object)s.")),
    ("application.file_add", _("%(actor)s attached a file to the application %(object)s.")),
    ("application.file_remove", _("%(actor)s removed a file from the application %(object)s.")),
    ("application.submit", _("%(actor)s submitted the application %(object)s.")),
    ("application.set_state", _("%(actor)s changed the state of the application %(object)s.")),
):
    audit_action(_code, _sentence, group=APPLICATIONS_GROUP)


def _application_name(application: Application) -> str:
    return f"{application.company.organization.name} · {application.call.title}"


def _application_url(application: Application, viewer: Any) -> str:
    return reverse("programs:application_detail", args=[application.pk])


audit_object_type(
    "programs.application",
    label=_("application"),
    resolve=pk_resolver(
        lambda: Application.objects.select_related("call", "company__organization"),
        _application_name,
        _application_url,
    ),
)
audit_fields(
    "programs.application",
    {
        "state": AuditField(_("state"), choices=dict(ApplicationState.choices)),
        "call": AuditField(_("call")),
        "company": AuditField(_("company"), "organization"),
        "revision": AuditField(_("revision")),
        "field": AuditField(_("question")),
        "file": AuditField(_("file")),
        "kind": AuditField(_("kind of file")),
        "size": AuditField(_("size (bytes)"), "count"),
        "note": AuditField(_("note")),
    },
)


# --- scoring -----------------------------------------------------------------------------------

SCORING_GROUP = _("Reviews and selection")

for code, sentence in (
    ("review.save", _("%(actor)s saved the draft review %(object)s.")),
    ("review.submit", _("%(actor)s submitted the review %(object)s.")),
    ("review.reopen", _("%(actor)s reopened the review %(object)s.")),
    ("selection_run.start", _("%(actor)s started the selection run %(object)s.")),
    ("selection_run.rerun", _("%(actor)s reran the selection from saved inputs: %(object)s.")),
    ("selection_run.approve", _("%(actor)s approved the selection run %(object)s.")),
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


REVIEW_GROUP = _("Programmes")

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
    ("conflict.record", _("%(actor)s recorded a conflict of interest for %(object)s.")),
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
    audit_action(code, sentence, group=REVIEW_GROUP)


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
