"""The sentence shown on the audit page for each action code of the programs app."""

from __future__ import annotations

# --- apps (applications) -------------------------------------------------------------------------
# Korean sentences put a fixed noun after the inserted names (의 신청서를), so no particle depends
# on the name's last syllable.
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.programs.enums import ApplicationState
from bitgoeul.programs.models import Application

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
