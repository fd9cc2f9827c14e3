from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from bitgoeul.jobs.enums import JobStatus


class Job(models.Model):
    """A piece of background work a person waits for: its page shows progress and the result."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=50)  # registered in bitgoeul.jobs.registry
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    log = models.JSONField(default=list)  # recent log lines, newest last
    result_file = models.CharField(max_length=300, blank=True)  # under MEDIA_ROOT
    result_url = models.CharField(max_length=300, blank=True)
    # what the page shows when the job failed: an English message translated when shown
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # the worker running the job renews this; a running job whose lease has lapsed is lost
    lease_until = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)  # host:pid running the job
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "lease_until"], name="job_status_lease")]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class WorkerHeartbeat(models.Model):
    """Written by every running `bitgoeul worker` so /healthz can tell whether one is alive."""

    name = models.CharField(max_length=200, primary_key=True)  # host:pid
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
