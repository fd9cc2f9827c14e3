"""What this app's audit events say on the audit pages (registered from JobsConfig.ready)."""

from __future__ import annotations

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
from bitgoeul.jobs.models import Job


def _job_url(job: Job, viewer: Any) -> str:
    # a task's page is its owner's
    return (
        reverse("jobs:detail", args=[job.pk]) if job.owner_id == getattr(viewer, "pk", None) else ""
    )


# a task's parameters are technical (its kind, ids): the sentence names the task by its title
audit_action(
    "job.start",
    _("%(actor)s started the task %(object)s."),
    group=_("Background tasks"),
    show_changes=False,
)
audit_object_type(
    "jobs.job",
    label=_("task"),
    resolve=pk_resolver(lambda: Job.objects.all(), lambda j: j.title, _job_url),
)
audit_fields("jobs.job", {"kind": AuditField(_("kind of task"))})
