"""Writes of the scheduler area: a person's cluster login (the Slurm user the exports add to
their companies' accounts)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import User
from bitgoeul.audit.services import audit_record
from bitgoeul.compute import access
from bitgoeul.compute.models import ClusterLogin

# A portable Linux user name, lower-case as Slurm stores it (useradd's default rule).
LOGIN_PATTERN = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
# system accounts of a cluster node: a member claiming one would add it to their company
RESERVED = frozenset(
    {"root", "daemon", "bin", "sys", "nobody", "slurm", "munge", "mysql", "admin", "sshd"}
)


@transaction.atomic
def cluster_login_set(*, user: User, login: str, actor: User) -> ClusterLogin | None:
    """Set (or, with an empty `login`, remove) the user's cluster login. The user themself, or
    compute staff, may do it (`access.can_set_cluster_login`; `PermissionDenied` otherwise).
    `ValidationError` with a message saying what to fix when the login is not a valid user name,
    is a system account, or is another person's. The same login again changes nothing and
    audits nothing; a change is audited with the login before and after."""
    if not access.can_set_cluster_login(actor, user):
        raise PermissionDenied
    login = login.strip()
    if login and not LOGIN_PATTERN.match(login):
        raise ValidationError(
            _(
                "Write the login as the data centre gave it: lower-case letters, digits, "
                "“_” and “-”, starting with a letter or “_”, at most 32 characters."
            )
        )
    if login in RESERVED:
        raise ValidationError(
            _("“%(login)s” is a system account. Write your own login.") % {"login": login}
        )
    current = ClusterLogin.objects.select_for_update(of=("self",)).filter(user=user).first()
    before = current.login if current else None
    if (login or None) == before:
        return current
    if login and ClusterLogin.objects.filter(login=login).exclude(user=user).exists():
        raise ValidationError(
            _("“%(login)s” is already another person's login. Check it with the data centre.")
            % {"login": login}
        )
    if not login:
        assert current is not None
        current.delete()
        result = None
    elif current is None:
        result = ClusterLogin.objects.create(user=user, login=login)
    else:
        current.login, current.updated_at = login, timezone.now()
        current.save(update_fields=["login", "updated_at"])
        result = current
    audit_record(
        actor=actor,
        action="cluster_login.set",
        object_type="accounts.user",
        object_id=user.pk,
        before={"login": before},
        after={"login": login or None},
    )
    return result
