"""The notification kinds the programs app sends, registered from `ProgramsConfig.ready`.

Each kind's `can_see` is the programs access rule for the object it is about, asked when the
notice is sent and again when it is shown."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.core.visibility import ViewLevel
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.programs import access
from bitgoeul.programs.models import Application

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


def _submitted_text(application: Application, params: dict[str, Any]) -> str:
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
        text=_submitted_text,
        link=lambda application: reverse("programs:application_detail", args=[application.pk]),
        title=_application_title,
        can_see=_sees_application,
        select_related=("call", "company__organization"),
    ),
]

for _kind in APPLICATION_KINDS:
    kind_register(_kind)
