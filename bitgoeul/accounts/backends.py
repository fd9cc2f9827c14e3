from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from bitgoeul.accounts.models import User


class UserBackend(ModelBackend):
    """Django's model backend, loading the reviewer profile with the user in one query (every
    page asks whether the user is a reviewer)."""

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.select_related("reviewer_profile").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
