"""The notification kinds the programs app sends, registered from `ProgramsConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.programs import access
from bitgoeul.programs.models import Assignment, AssignmentRun, Conflict

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
