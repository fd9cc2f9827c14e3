"""Who may see and do what with demonstration projects. Pages, the API, the showcase search
and notifications all ask these; access functions only read.

The one visibility rule (`project_view_level`):
- PRIVATE: members (any role) of the project's company, staff of the site's host institution,
  operator staff: the whole project (risks, permits, bookings, GPU-hours, approvals, every
  measurement, the report);
- PUBLIC: anyone, signed in or not, when the company chose to publish the project
  (`is_public`) and both approvals are in (`SHOWABLE_STATES`): what `PROJECT_FIELDS` shows at
  that level — the story, photos, company, site, period and KPI results against targets;
- NONE otherwise (404: outsiders learn nothing, not even that a draft exists).

Acts: the company's members write the plan while it is a draft or returned, submit it, record
measurements while it is under way, submit the results with the closing report, and choose
what is public. The site's host staff approve for the host, operator staff for the operator:
both approvals are needed, and one person approving for both would make the second approval
meaningless, so operator staff do not approve for a host they are not staff of. Operator staff
review the results and close the project.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff, membership_rows
from bitgoeul.accounts.enums import MembershipRole, OrganizationKind
from bitgoeul.accounts.types import Viewer
from bitgoeul.companies.models import Company
from bitgoeul.core.visibility import FieldPolicy, ViewLevel
from bitgoeul.demonstrations.enums import EDITABLE_STATES, SHOWABLE_STATES, ProjectState

__all__ = ["SHOWABLE_STATES"]  # re-exported for the showcase views
from bitgoeul.demonstrations.models import Project, ProjectPhoto, Site

STAFF_ROLES = {MembershipRole.ADMIN, MembershipRole.STAFF}

PROJECT_FIELDS = FieldPolicy(
    "demonstration project",
    {
        "title": ViewLevel.PUBLIC,
        "title_en": ViewLevel.PUBLIC,
        "company": ViewLevel.PUBLIC,
        "site": ViewLevel.PUBLIC,
        "domain": ViewLevel.PUBLIC,
        "product": ViewLevel.PUBLIC,
        "goal": ViewLevel.PUBLIC,
        "starts_on": ViewLevel.PUBLIC,
        "ends_on": ViewLevel.PUBLIC,
        "story": ViewLevel.PUBLIC,
        "story_en": ViewLevel.PUBLIC,
        "photos": ViewLevel.PUBLIC,
        "kpis": ViewLevel.PUBLIC,  # name, unit, target, direction and the aggregated result
        "state": ViewLevel.PRIVATE,
        "gpu_hours": ViewLevel.PRIVATE,
        "risks": ViewLevel.PRIVATE,
        "permits": ViewLevel.PRIVATE,
        "bookings": ViewLevel.PRIVATE,
        "measurements": ViewLevel.PRIVATE,  # each value with its note (results are public)
        "approvals": ViewLevel.PRIVATE,
        "decision_note": ViewLevel.PRIVATE,
        "report": ViewLevel.PRIVATE,
        "review_note": ViewLevel.PRIVATE,
        "is_public": ViewLevel.PRIVATE,
        "created_at": ViewLevel.PRIVATE,
    },
)


def host_org_ids(user: Viewer) -> set[int]:
    """Institutions where the user is staff or administrator (they approve for their sites)."""
    return {
        org_id
        for org_id, kind, role, _ in membership_rows(user)
        if kind == OrganizationKind.INSTITUTION and role in STAFF_ROLES
    }


def company_org_ids(user: Viewer) -> set[int]:
    """Company organisations the user is a member of (any role)."""
    return {
        org_id for org_id, kind, _, _ in membership_rows(user) if kind == OrganizationKind.COMPANY
    }


def public_q() -> Q:
    return Q(is_public=True, state__in=SHOWABLE_STATES)


def projects_at_least(user: Viewer, level: ViewLevel) -> Q:
    """The same rule as `project_view_level`, as a filter on Project."""
    if level <= ViewLevel.NONE:
        return Q()
    if is_operator_staff(user):
        return Q()
    private = Q(company__organization_id__in=company_org_ids(user))
    hosts = host_org_ids(user)
    if hosts:
        private |= Q(site__host_id__in=hosts)
    if level >= ViewLevel.RECORD:
        return private
    return private | public_q()


def project_view_level(user: Viewer, project: Project) -> ViewLevel:
    if (
        is_operator_staff(user)
        or project.company_id in company_org_ids(user)
        or project.site.host_id in host_org_ids(user)
    ):
        return ViewLevel.PRIVATE
    if project.is_public and project.state in SHOWABLE_STATES:
        return ViewLevel.PUBLIC
    return ViewLevel.NONE


def project_fields(user: Viewer, project: Project) -> frozenset[str]:
    return PROJECT_FIELDS.fields_for(project_view_level(user, project))


def project_for_viewer(
    user: Viewer, project_id: int, level: ViewLevel = ViewLevel.PRIVATE
) -> Project:
    """The project if the viewer has at least `level` on it, else 404."""
    project = (
        Project.objects.select_related("company__organization", "site__host")
        .filter(pk=project_id)
        .first()
    )
    if project is None or project_view_level(user, project) < level:
        raise Http404
    return project


def photo_for_viewer(user: Viewer, photo_id: int) -> ProjectPhoto:
    photo = ProjectPhoto.objects.select_related("project__site").filter(pk=photo_id).first()
    if photo is None or project_view_level(user, photo.project) < ViewLevel.PUBLIC:
        raise Http404
    return photo


# --- acts (each on a project the viewer already sees privately) --------------------------------


def is_project_member(user: Viewer, project: Project) -> bool:
    return project.company_id in company_org_ids(user)


def is_project_host(user: Viewer, project: Project) -> bool:
    return project.site.host_id in host_org_ids(user)


def can_propose(user: Viewer) -> bool:
    return bool(company_org_ids(user))


def proposing_companies(user: Viewer) -> QuerySet[Company]:
    return Company.objects.filter(organization_id__in=company_org_ids(user)).select_related(
        "organization"
    )


def can_edit_plan(user: Viewer, project: Project) -> bool:
    return is_project_member(user, project) and project.state in EDITABLE_STATES


def can_approve_as_host(user: Viewer, project: Project) -> bool:
    return (
        is_project_host(user, project)
        and project.state == ProjectState.SUBMITTED
        and project.host_approved_at is None
    )


def can_approve_as_operator(user: Viewer, project: Project) -> bool:
    return (
        is_operator_staff(user)
        and project.state == ProjectState.SUBMITTED
        and project.operator_approved_at is None
    )


def can_decide(user: Viewer, project: Project) -> bool:
    """Approve, return or reject a submitted project: its host's staff, operator staff."""
    return project.state == ProjectState.SUBMITTED and (
        is_project_host(user, project) or is_operator_staff(user)
    )


def can_record(user: Viewer, project: Project) -> bool:
    """Record measurements: the company's members while the project is under way."""
    return is_project_member(user, project) and project.state == ProjectState.APPROVED


def can_report(user: Viewer, project: Project) -> bool:
    return can_record(user, project)


def can_review_results(user: Viewer, project: Project) -> bool:
    return is_operator_staff(user) and project.state == ProjectState.REPORTED


def can_publish(user: Viewer, project: Project) -> bool:
    """The company decides what the public sees of its project (at any state; it shows once
    both approvals are in)."""
    return is_project_member(user, project) and project.state != ProjectState.REJECTED


def require(allowed: bool) -> None:
    """For acts on an object the viewer already sees: refuse with 403."""
    if not allowed:
        raise PermissionDenied


# --- sites -------------------------------------------------------------------------------------


def can_manage_sites(user: Viewer) -> bool:
    return is_operator_staff(user) or bool(host_org_ids(user))


def site_hosts_for(user: Viewer) -> Q:
    """Institutions the user may add sites for (operator staff: any institution)."""
    if is_operator_staff(user):
        return Q(kind=OrganizationKind.INSTITUTION)
    return Q(kind=OrganizationKind.INSTITUTION, pk__in=host_org_ids(user))


def sites_managed(user: Viewer) -> QuerySet[Site]:
    if is_operator_staff(user):
        return Site.objects.all()
    return Site.objects.filter(host_id__in=host_org_ids(user))
