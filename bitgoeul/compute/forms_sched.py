"""The scheduler area's form: a member's own cluster login."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ClusterLoginForm(forms.Form):
    # checked by the service (services/sched.py), which says what to fix
    login = forms.CharField(
        label=_("Your cluster login"),
        max_length=32,
        required=False,
        help_text=_(
            "The user name the data centre gave you for its login nodes, e.g. kim_minji. "
            "It is added to your company's Slurm account. Leave it empty to remove it."
        ),
    )
