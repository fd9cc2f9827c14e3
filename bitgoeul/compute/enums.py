"""The stable codes of the compute app (states, sources); labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for requests")
    CLOSED = "closed", _("Closed for requests")
    APPROVED = "approved", _("Decided")


class Policy(models.TextChoices):
    # the engine's policies (contracts.md, allocation)
    PRIORITY = "priority", _("Highest weight first")
    FAIR = "fair", _("Fair shares")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    # a rolling request too large for the rolling quota, waiting for the next round
    WAITING = "waiting", _("Waiting for the next round")
    GRANTED = "granted", pgettext_lazy("GPU request state", "Granted")
    DECLINED = "declined", _("Not granted")
    WITHDRAWN = "withdrawn", pgettext_lazy("GPU request state", "Withdrawn")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", pgettext_lazy("solve run status", "Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class GrantState(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("grant state", "Active")
    ENDED = "ended", _("Ended")


class UsageSource(models.TextChoices):
    SACCT = "sacct", _("Slurm accounting")
    KUEUE = "kueue", _("Kueue")
    AGENT = "agent", _("GPU agent")


class NoticeKind(models.TextChoices):
    USED_50 = "used_50", _("Half used")
    # xgettext:no-python-format  ("% u" would otherwise read as a format directive)
    USED_80 = "used_80", _("80% used")
    USED_100 = "used_100", _("All used")
    IDLE = "idle", _("Idle at mid-period")
