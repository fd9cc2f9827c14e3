from __future__ import annotations

from django_tasks import task

from bitgoeul.jobs.runner import job_run


@task()
def run_job(job_id: str) -> None:
    job_run(job_id)
