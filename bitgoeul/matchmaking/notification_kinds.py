"""The notification kinds of the matchmaking app, registered from `ready()`. Each kind's
`can_see` asks the app's one visibility rule (`access.invitation_visible`): a supplier's members
hear only of their own invitation, the requester's side of every invitation of its need."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.accounts.selectors import organization_users
from bitgoeul.matchmaking import access
from bitgoeul.matchmaking.enums import InvitationState, OutcomeKind
from bitgoeul.matchmaking.models import Invitation, Meeting, Outcome
from bitgoeul.notifications.registry import Kind, kind_register
from bitgoeul.notifications.services import notify

INVITED = "matchmaking.invited"
ANSWERED = "matchmaking.answered"
WITHDRAWN = "matchmaking.withdrawn"
MEETING = "matchmaking.meeting"
OUTCOME = "matchmaking.outcome"
RELATED = ("need__company__organization__parent", "supplier__organization")


def _link(invitation: Invitation) -> str:
    return reverse("matchmaking:need_detail", args=[invitation.need_id])


def _title(invitation: Invitation) -> str:
    return invitation.need.title


def _can_see(user: Any, invitation: Invitation) -> bool:
    return access.invitation_visible(user, invitation)


def _invited_text(invitation: Invitation, params: dict[str, Any]) -> str:
    return _("%(company)s invited your company to talk about an AI need.") % {
        "company": params.get("company", "")
    }


def _answered_text(invitation: Invitation, params: dict[str, Any]) -> str:
    if params.get("state") == InvitationState.ACCEPTED:
        return _("%(supplier)s is interested in your need.") % {
            "supplier": params.get("supplier", "")
        }
    return _("%(supplier)s declined your invitation.") % {"supplier": params.get("supplier", "")}


def _withdrawn_text(invitation: Invitation, params: dict[str, Any]) -> str:
    return _("%(company)s withdrew its invitation.") % {"company": params.get("company", "")}


def _meeting_text(meeting: Meeting, params: dict[str, Any]) -> str:
    if params.get("cancelled"):
        return _("The meeting on %(when)s was cancelled.") % {"when": params.get("when", "")}
    return _("A meeting was scheduled for %(when)s at %(place)s.") % {
        "when": params.get("when", ""),
        "place": params.get("place", ""),
    }


def _outcome_text(invitation: Invitation, params: dict[str, Any]) -> str:
    kind = params.get("kind", "")
    label = OutcomeKind(kind).label if kind in OutcomeKind.values else ""
    return _("%(company)s recorded how your conversation ended: %(outcome)s.") % {
        "company": params.get("company", ""),
        "outcome": label,
    }


for kind in (
    Kind(
        code=INVITED,
        label=gettext_lazy("A regional company invites your company to an AI need"),
        model="matchmaking.invitation",
        text=_invited_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=ANSWERED,
        label=gettext_lazy("A supplier answered your invitation"),
        model="matchmaking.invitation",
        text=_answered_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
        email_default=True,
    ),
    Kind(
        code=WITHDRAWN,
        label=gettext_lazy("An invitation to an AI need was withdrawn"),
        model="matchmaking.invitation",
        text=_withdrawn_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
    ),
    Kind(
        code=MEETING,
        label=gettext_lazy("A matchmaking meeting was scheduled or cancelled"),
        model="matchmaking.meeting",
        text=_meeting_text,
        link=lambda meeting: reverse("matchmaking:need_detail", args=[meeting.invitation.need_id]),
        title=lambda meeting: meeting.invitation.need.title,
        can_see=lambda user, meeting: access.invitation_visible(user, meeting.invitation),
        select_related=tuple(f"invitation__{r}" for r in RELATED),
        email_default=True,
    ),
    Kind(
        code=OUTCOME,
        label=gettext_lazy("The outcome of a matchmaking conversation"),
        model="matchmaking.invitation",
        text=_outcome_text,
        link=_link,
        title=_title,
        can_see=_can_see,
        select_related=RELATED,
    ),
):
    kind_register(kind)


def _requester_side(invitation: Invitation) -> list[Any]:
    return organization_users({invitation.need.company_id})


def _supplier_side(invitation: Invitation) -> list[Any]:
    return organization_users({invitation.supplier_id})


def _other_side(invitation: Invitation, actor: Any) -> list[Any]:
    """The side the actor is not on (an actor on both sides, e.g. staff: both)."""
    if actor is not None and invitation.supplier_id in access.company_org_ids(actor):
        users = _requester_side(invitation)
    elif actor is not None and invitation.need.company_id in access.company_org_ids(actor):
        users = _supplier_side(invitation)
    else:
        users = _requester_side(invitation) + _supplier_side(invitation)
    return [u for u in users if actor is None or u.pk != actor.pk]


def invited_notify(*, invitation: Invitation, actor: Any) -> int:
    return notify(
        recipients=_supplier_side(invitation),
        kind=INVITED,
        obj=invitation,
        params={"company": invitation.need.company.organization.name},
        actor=actor,
    )


def answered_notify(*, invitation: Invitation, actor: Any) -> int:
    return notify(
        recipients=_requester_side(invitation),
        kind=ANSWERED,
        obj=invitation,
        params={"state": invitation.state, "supplier": invitation.supplier.organization.name},
        actor=actor,
    )


def withdrawn_notify(*, invitation: Invitation, actor: Any) -> int:
    return notify(
        recipients=_supplier_side(invitation),
        kind=WITHDRAWN,
        obj=invitation,
        params={"company": invitation.need.company.organization.name},
        actor=actor,
    )


def meeting_notify(*, meeting: Meeting, actor: Any) -> int:
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    return notify(
        recipients=_other_side(meeting.invitation, actor),
        kind=MEETING,
        obj=meeting,
        params={
            "when": when,
            "place": meeting.place,
            "cancelled": meeting.cancelled_at is not None,
        },
        actor=actor,
    )


def outcome_notify(*, outcome: Outcome, actor: Any) -> int:
    invitation = outcome.invitation
    return notify(
        recipients=_supplier_side(invitation),
        kind=OUTCOME,
        obj=invitation,
        params={"kind": outcome.kind, "company": invitation.need.company.organization.name},
        actor=actor,
    )
