"""The sentence shown on the audit page for each action code of the demonstrations app. Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

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
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.demonstrations.enums import ProjectState
from bitgoeul.demonstrations.models import Project, Site

GROUP = _("Demonstration projects")

for code, sentence in (
    ("demonstration.site_create", _("%(actor)s added the demonstration site %(object)s.")),
    ("demonstration.create", _("%(actor)s drafted the demonstration project %(object)s.")),
    (
        "demonstration.update",
        _("%(actor)s changed the plan of the demonstration project %(object)s."),
    ),
    ("demonstration.kpi_add", _("%(actor)s added a KPI to the demonstration project %(object)s.")),
    (
        "demonstration.kpi_delete",
        _("%(actor)s removed a KPI from the demonstration project %(object)s."),
    ),
    (
        "demonstration.permit_save",
        _("%(actor)s recorded a permission of the demonstration project %(object)s."),
    ),
    (
        "demonstration.submit",
        _("%(actor)s submitted the demonstration project %(object)s for approval."),
    ),
    ("demonstration.approve", _("%(actor)s approved the demonstration project %(object)s.")),
    (
        "demonstration.return",
        _("%(actor)s returned the demonstration project %(object)s for changes."),
    ),
    ("demonstration.reject", _("%(actor)s rejected the demonstration project %(object)s.")),
    (
        "demonstration.measurements_add",
        _("%(actor)s recorded measurements of the demonstration project %(object)s."),
    ),
    (
        "demonstration.report",
        _("%(actor)s submitted the results of the demonstration project %(object)s."),
    ),
    (
        "demonstration.close",
        _("%(actor)s accepted the results and closed the demonstration project %(object)s."),
    ),
    (
        "demonstration.results_return",
        _("%(actor)s returned the results of the demonstration project %(object)s."),
    ),
    (
        "demonstration.publish",
        _("%(actor)s changed what the showcase shows of the demonstration project %(object)s."),
    ),
    (
        "demonstration.photo_add",
        _("%(actor)s added a photo to the demonstration project %(object)s."),
    ),
    (
        "demonstration.photo_delete",
        _("%(actor)s removed a photo from the demonstration project %(object)s."),
    ),
):
    audit_action(code, sentence, group=GROUP)


def _project_url(project: Project, viewer: object) -> str:
    from bitgoeul.demonstrations.access import project_view_level

    if project_view_level(viewer, project) >= ViewLevel.PRIVATE:  # type: ignore[arg-type]
        return reverse("demonstrations:detail", args=[project.pk])
    return ""


audit_object_type(
    "demonstrations.project",
    label=_("demonstration project"),
    resolve=pk_resolver(
        lambda: Project.objects.select_related("site"), lambda p: p.title, _project_url
    ),
)
audit_object_type(
    "demonstrations.site",
    label=_("demonstration site"),
    resolve=pk_resolver(lambda: Site.objects.all(), lambda site: site.name),
)
audit_fields(
    "demonstrations.project",
    {
        "state": AuditField(_("state"), choices=dict(ProjectState.choices)),
        "title": AuditField(_("title")),
        "site_id": AuditField(_("site")),
        "starts_on": AuditField(_("starts on")),
        "ends_on": AuditField(_("ends on")),
        "gpu_hours": AuditField(_("GPU-hours needed")),
        "is_public": AuditField(_("shown in the showcase")),
        "note": AuditField(_("note")),
    },
)
