from __future__ import annotations

from typing import Any

from bitgoeul.accounts.access import require_operator_staff


def require_audit_reader(user: Any) -> None:
    """The audit trail is for operator staff (it names people and decisions of every org)."""
    require_operator_staff(user)
