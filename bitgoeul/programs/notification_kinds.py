"""The notification kinds the programs app sends, registered from `ProgramsConfig.ready`.
Each area appends its section. A notice to a reviewer never names the applicant (blind calls):
it names the application by its number and the call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.programs import access
from bitgoeul.programs.models import Application, Assignment

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


def _due_text(assignment: Assignment, params: dict[str, Any]) -> str:
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
        text=_due_text,
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
