from __future__ import annotations

from uuid import UUID

from django.http import Http404

from bitgoeul.accounts.access import is_operator_staff
from bitgoeul.accounts.models import User
from bitgoeul.jobs.models import Job


def job_for_viewer(user: User, job_id: UUID) -> Job:
    """A job is seen by whoever started it and by operator staff; others get 404."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (job.owner_id == user.pk or is_operator_staff(user)):
        raise Http404
    return job
