"""The notification kinds the programs app sends, registered from `ProgramsConfig.ready`.
One section per area; each kind's `can_see` is the app's access rule for what it reveals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bitgoeul.accounts.models import User
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify
from bitgoeul.programs import access, selectors
from bitgoeul.programs.models import (
    Application,
    Assignment,
    AssignmentRun,
    Call,
    Conflict,
    Milestone,
    MilestoneReport,
)

# --- awards ------------------------------------------------------------------------------------

REPORT_SUBMITTED = "programs.report_submitted"
REPORT_RETURNED = "programs.report_returned"
REPORT_APPROVED = "programs.report_approved"
MILESTONE_DUE = "programs.milestone_due"

_REPORT_RELATED = (
    "milestone__award__application__call",
    "milestone__award__application__company__organization",
)


def _report_link(report: MilestoneReport) -> str:
    return reverse("programs:award_detail", args=[report.milestone.award_id])


def _report_title(report: MilestoneReport) -> str:
    return report.milestone.award.application.company.organization.name


def _can_see_report_as_company(user: Any, report: MilestoneReport) -> bool:
    return access.is_award_company_member(user, report.milestone.award)


def _can_see_report_as_staff(user: Any, report: MilestoneReport) -> bool:
    return access.is_award_staff(user, report.milestone.award)


def _submitted_text(report: MilestoneReport, params: dict[str, Any]) -> str:
    return _("A report on milestone %(order)s (%(deliverable)s) awaits review.") % {
        "order": params.get("order", ""),
        "deliverable": params.get("deliverable", ""),
    }


def _returned_text(report: MilestoneReport, params: dict[str, Any]) -> str:
    return _("Your report on milestone %(order)s was returned. Comments: %(comments)s") % {
        "order": params.get("order", ""),
        "comments": params.get("comments", ""),
    }


def _approved_text(report: MilestoneReport, params: dict[str, Any]) -> str:
    return _(
        "Your report on milestone %(order)s was approved and its tranche of %(tranche)s won "
        "released."
    ) % {"order": params.get("order", ""), "tranche": f"{params.get('tranche', 0):,}"}


def _due_text(milestone: Milestone, params: dict[str, Any]) -> str:
    days = int(params.get("days", 0))
    values = {"order": milestone.order, "due": params.get("due", "")}
    if days < 0:
        return _("Milestone %(order)s was due on %(due)s. Submit its report.") % values
    return _("Milestone %(order)s is due on %(due)s. Submit its report in time.") % values


AWARD_KINDS = [
    Kind(
        code=REPORT_SUBMITTED,
        label=gettext_lazy("A milestone report awaits your review"),
        model="programs.milestonereport",
        text=_submitted_text,
        link=_report_link,
        title=_report_title,
        can_see=_can_see_report_as_staff,
        select_related=_REPORT_RELATED,
    ),
    Kind(
        code=REPORT_RETURNED,
        label=gettext_lazy("Your milestone report was returned"),
        model="programs.milestonereport",
        text=_returned_text,
        link=_report_link,
        title=_report_title,
        can_see=_can_see_report_as_company,
        select_related=_REPORT_RELATED,
        email_default=True,
    ),
    Kind(
        code=REPORT_APPROVED,
        label=gettext_lazy("Your milestone report was approved"),
        model="programs.milestonereport",
        text=_approved_text,
        link=_report_link,
        title=_report_title,
        can_see=_can_see_report_as_company,
        select_related=_REPORT_RELATED,
        email_default=True,
    ),
    Kind(
        code=MILESTONE_DUE,
        label=gettext_lazy("A milestone of your award is due"),
        model="programs.milestone",
        text=_due_text,
        link=lambda m: reverse("programs:award_detail", args=[m.award_id]),
        title=lambda m: m.award.application.company.organization.name,
        can_see=lambda user, m: access.is_award_company_member(user, m.award),
        select_related=("award__application__call", "award__application__company__organization"),
        email_default=True,
    ),
]
for _kind in AWARD_KINDS:
    kind_register(_kind)


def _members_of(company_id: int) -> list[User]:
    return selectors.company_member_users({company_id}).get(company_id, [])


def report_submitted_notify(*, report: MilestoneReport, call: Call, actor: Any) -> int:
    milestone = report.milestone
    return notify(
        recipients=selectors.call_staff_users(call),
        kind=REPORT_SUBMITTED,
        obj=report,
        params={"order": milestone.order, "deliverable": milestone.deliverable},
        actor=actor,
    )


def report_reviewed_notify(*, report: MilestoneReport, actor: Any) -> int:
    """Tell the company's members that staff approved (tranche released) or returned it."""
    milestone = report.milestone
    params: dict[str, Any]
    if report.approved:
        kind, params = REPORT_APPROVED, {"order": milestone.order, "tranche": milestone.tranche}
    else:
        kind, params = REPORT_RETURNED, {"order": milestone.order, "comments": report.review_note}
    return notify(
        recipients=_members_of(milestone.award.application.company_id),
        kind=kind,
        obj=report,
        params=params,
        actor=actor,
    )


def milestone_reminder_notify(*, milestone: Milestone, today: dt.date, actor: Any) -> int:
    return notify(
        recipients=_members_of(milestone.award.application.company_id),
        kind=MILESTONE_DUE,
        obj=milestone,
        params={"due": milestone.due_on.isoformat(), "days": (milestone.due_on - today).days},
        actor=actor,
    )


# --- apps (applications) -------------------------------------------------------------------------

CHANGES_REQUESTED = "programs.changes_requested"
APPLICATION_SUBMITTED = "programs.application_submitted"


def _sees_application(user: Any, application: Application) -> bool:
    return access.application_view_level(user, application) >= ViewLevel.PRIVATE


def _application_title(application: Application) -> str:
    return application.title or application.call.title


def _changes_requested_text(application: Application, params: dict[str, Any]) -> str:
    note = params.get("note", "")
    text = _("Staff of the call asked for changes to your application.")
    return _("%(text)s Note: %(note)s") % {"text": text, "note": note} if note else text


def _application_submitted_text(application: Application, params: dict[str, Any]) -> str:
    return _("%(company)s submitted an application (revision %(revision)s).") % {
        "company": application.company.organization.name,
        "revision": params.get("revision", 1),
    }


APPLICATION_KINDS = [
    Kind(
        code=CHANGES_REQUESTED,
        label=gettext_lazy("Changes were requested to your company's application"),
        model="programs.application",
        text=_changes_requested_text,
        link=lambda application: reverse("programs:application_edit", args=[application.pk]),
        title=_application_title,
        can_see=_sees_application,
        select_related=("call", "company__organization"),
        email_default=True,
    ),
    Kind(
        code=APPLICATION_SUBMITTED,
        label=gettext_lazy("An application to a call you run was submitted"),
        model="programs.application",
        text=_application_submitted_text,
        link=lambda application: reverse("programs:application_detail", args=[application.pk]),
        title=_application_title,
        can_see=_sees_application,
        select_related=("call", "company__organization"),
    ),
]

for _kind in APPLICATION_KINDS:
    kind_register(_kind)


# --- scoring -----------------------------------------------------------------------------------

REVIEW_DUE = "programs.review_due"
REVIEW_REOPENED = "programs.review_reopened"
SELECTION_RESULT = "programs.selection_result"


def assignment_title(assignment: Assignment) -> str:
    """How a reviewer's notice names what it is about: never the applicant."""
    return _("Application no. %(number)s · %(call)s") % {
        "number": assignment.application_id,
        "call": assignment.application.call.title,
    }


def _reviewer_sees(user: Any, assignment: Assignment) -> bool:
    return (
        assignment.active
        and assignment.reviewer_id == getattr(user, "pk", None)
        and access.reviewer_sees(user, assignment.application)
    )


def _local(value: str) -> str:
    moment = dt.datetime.fromisoformat(value)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _review_due_text(assignment: Assignment, params: dict[str, Any]) -> str:
    due = _local(str(params.get("due", "")))
    if params.get("overdue"):
        return _("Your review was due at %(due)s and is not submitted yet.") % {"due": due}
    return _("Your review is due at %(due)s.") % {"due": due}


def _reopened_text(assignment: Assignment, params: dict[str, Any]) -> str:
    note = str(params.get("note", ""))
    text = _("Staff reopened your review; change it and submit it again.")
    return f"{text} {note}" if note else text


def _result_text(application: Application, params: dict[str, Any]) -> str:
    if params.get("selected"):
        text = _("Your application was selected, with an award of %(amount)s won.") % {
            "amount": intcomma(int(params.get("amount") or 0))
        }
    else:
        text = _("Your application was not selected.")
    score = params.get("score")
    if score is not None:
        text += " " + _("Evaluation score: %(score).1f out of 100.") % {"score": float(score)}
    if params.get("band"):
        from bitgoeul.programs.scoring_present import band_words

        text += " " + _("Place among the applications: %(band)s.") % {
            "band": band_words(str(params["band"]))
        }
    comments = [str(c) for c in params.get("comments") or []]
    if comments:
        # the reviewers' comments to the applicant, never who wrote them
        text += "\n" + _("Reviewers' comments:") + "\n" + "\n".join(f"- {c}" for c in comments)
    return text


def _scoring_link(assignment: Assignment) -> str:
    return reverse("programs:review_score", args=[assignment.pk])


SCORING_KINDS = [
    Kind(
        code=REVIEW_DUE,
        label=gettext_lazy("A review is due soon or overdue"),
        model="programs.assignment",
        text=_review_due_text,
        link=_scoring_link,
        title=assignment_title,
        can_see=_reviewer_sees,
        select_related=("application__call",),
        email_default=True,
    ),
    Kind(
        code=REVIEW_REOPENED,
        label=gettext_lazy("Staff reopened one of your reviews"),
        model="programs.assignment",
        text=_reopened_text,
        link=_scoring_link,
        title=assignment_title,
        can_see=_reviewer_sees,
        select_related=("application__call",),
        email_default=True,
    ),
    Kind(
        code=SELECTION_RESULT,
        label=gettext_lazy("The result of your application"),
        model="programs.application",
        text=_result_text,
        link=lambda application: reverse("programs:application_result", args=[application.pk]),
        title=lambda application: application.call.title,
        can_see=access.can_see_selection_result,
        select_related=("call",),
        email_default=True,
    ),
]

for _kind in SCORING_KINDS:
    kind_register(_kind)


# --- review: reviewer pool, conflicts, assignment ------------------------------------------------

ASSIGNMENTS_DEPLOYED = "programs.assignments_deployed"
CONFLICT_DECLARED = "programs.conflict_declared"


def _run_title(run: AssignmentRun) -> str:
    # the call and the stage, never an applicant: reviewers of blind calls get this too
    return f"{run.stage.call.title} · {run.stage.name}"


def _deployed_text(run: AssignmentRun, params: dict[str, Any]) -> str:
    count = int(params.get("count", 0))
    if params.get("due"):
        return ngettext(
            "You have %(count)s application to review; reviews are due on %(due)s.",
            "You have %(count)s applications to review; reviews are due on %(due)s.",
            count,
        ) % {"count": count, "due": params["due"]}
    return ngettext(
        "You have %(count)s application to review.",
        "You have %(count)s applications to review.",
        count,
    ) % {"count": count}


def _may_see_run(user: Any, run: AssignmentRun) -> bool:
    return (
        access.is_call_staff(user, run.stage.call)
        or Assignment.objects.filter(run=run, reviewer_id=user.pk, active=True).exists()
    )


def _declared_text(conflict: Conflict, params: dict[str, Any]) -> str:
    return _("%(reviewer)s declared a conflict of interest with this application.") % {
        "reviewer": conflict.reviewer.user.name or conflict.reviewer.user.email
    }


kind_register(
    Kind(
        code=ASSIGNMENTS_DEPLOYED,
        label=gettext_lazy("Applications assigned to me for review"),
        model="programs.assignmentrun",
        text=_deployed_text,
        link=lambda run: reverse("programs:review_declarations"),
        title=_run_title,
        can_see=_may_see_run,
        select_related=("stage__call",),
        email_default=True,
    )
)
kind_register(
    Kind(
        code=CONFLICT_DECLARED,
        label=gettext_lazy("A reviewer declared a conflict of interest"),
        model="programs.conflict",
        text=_declared_text,
        link=lambda c: reverse("programs:call_conflicts", args=[c.application.call_id]),
        title=lambda c: c.application.title or f"#{c.application_id}",
        can_see=lambda user, c: access.is_call_staff(user, c.application.call),
        select_related=("application__call", "reviewer__user"),
        email_default=True,
    )
)
