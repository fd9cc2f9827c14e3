from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a notification reaches its recipient; each can be switched off per kind."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
