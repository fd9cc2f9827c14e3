from __future__ import annotations

from bitgoeul.accounts.access import require_operator_staff
from bitgoeul.accounts.types import Viewer


def require_audit_reader(user: Viewer) -> None:
    """The audit trail is for operator staff (it names people and decisions of every org)."""
    require_operator_staff(user)
