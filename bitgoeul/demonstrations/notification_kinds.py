"""The notification kinds of the demonstrations app, registered from `ready()`. Each kind's
`can_see` is the app's one visibility rule (a notice is sent to, and shown to, only those who
see the project privately)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import User
from bitgoeul.accounts.selectors import organization_users
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations import access
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Project
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify

SUBMITTED = "demonstrations.submitted"
DECIDED = "demonstrations.decided"
RESULTS_SUBMITTED = "demonstrations.results_submitted"
RESULTS_REVIEWED = "demonstrations.results_reviewed"
RELATED = ("company__organization", "site")


def _link(project: Project) -> str:
    return reverse("demonstrations:detail", args=[project.pk])


def _title(project: Project) -> str:
    return project.title


def _can_see(user: Any, project: Project) -> bool:
    return access.project_view_level(user, project) >= ViewLevel.PRIVATE


def _submitted_text(project: Project, params: dict[str, Any]) -> str:
    return _("%(company)s submitted a demonstration plan for your approval.") % {
        "company": params.get("company", "")
    }


def _decided_text(project: Project, params: dict[str, Any]) -> str:
    state = params.get("state")
    if state == ProjectState.APPROVED:
        return _("Your demonstration plan was approved by the host and the operator.")
    if state == ProjectState.REJECTED:
        return _("Your demonstration plan was rejected. Reason: %(note)s") % {
            "note": params.get("note", "")
        }
    return _("Your demonstration plan was returned for changes. Reason: %(note)s") % {
        "note": params.get("note", "")
    }


def _results_text(project: Project, params: dict[str, Any]) -> str:
    return _("%(company)s submitted the results and closing report of a demonstration.") % {
        "company": params.get("company", "")
    }


def _reviewed_text(project: Project, params: dict[str, Any]) -> str:
    if params.get("state") == ProjectState.CLOSED:
        return _("The results of your demonstration were accepted and the project is closed.")
    return _("The results of your demonstration were returned. Comments: %(note)s") % {
        "note": params.get("note", "")
    }


for kind in (
    Kind(
        code=SUBMITTED,
        label=gettext_lazy("A demonstration plan awaits your approval"),
        model="demonstrations.project",
        text=_submitted_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=DECIDED,
        label=gettext_lazy("A decision on your demonstration plan"),
        model="demonstrations.project",
        text=_decided_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=RESULTS_SUBMITTED,
        label=gettext_lazy("Demonstration results await your review"),
        model="demonstrations.project",
        text=_results_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
    ),
    Kind(
        code=RESULTS_REVIEWED,
        label=gettext_lazy("The review of your demonstration results"),
        model="demonstrations.project",
        text=_reviewed_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
):
    kind_register(kind)


def _users(org_ids: set[int], *, staff_only: bool = False) -> list[User]:
    # one membership must be both in the organisation and of a staff role
    return organization_users(org_ids, roles=access.STAFF_ROLES if staff_only else ())


def _operator_users() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__organization__kind=OrganizationKind.OPERATOR
        ).distinct()
    )


def project_submitted_notify(*, project: Project, actor: Any) -> int:
    """The site's host staff and operator staff: a plan awaits their approval."""
    recipients = _users({project.site.host_id}, staff_only=True) + _operator_users()
    return notify(
        recipients=recipients,
        kind=SUBMITTED,
        obj=project,
        params={"company": project.company.organization.name},
        actor=actor,
    )


def project_decided_notify(*, project: Project, actor: Any) -> int:
    return notify(
        recipients=_users({project.company_id}),
        kind=DECIDED,
        obj=project,
        params={"state": project.state, "note": project.decision_note},
        actor=actor,
    )


def results_submitted_notify(*, project: Project, actor: Any) -> int:
    return notify(
        recipients=_operator_users(),
        kind=RESULTS_SUBMITTED,
        obj=project,
        params={"company": project.company.organization.name},
        actor=actor,
    )


def results_reviewed_notify(*, project: Project, actor: Any) -> int:
    return notify(
        recipients=_users({project.company_id}),
        kind=RESULTS_REVIEWED,
        obj=project,
        params={"state": project.state, "note": project.review_note},
        actor=actor,
    )
