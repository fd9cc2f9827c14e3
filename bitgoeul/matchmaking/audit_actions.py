"""The sentence shown on the audit page for each action code of the matchmaking app. Korean
sentences put a fixed noun after the inserted names, so no particle depends on a name."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.matchmaking.enums import InvitationState, NeedState, OutcomeKind
from bitgoeul.matchmaking.models import Need

GROUP = _("Matchmaking")

for code, sentence in (
    (
        "matchmaking.profile_save",
        _("%(actor)s changed the matchmaking profile of the supplier %(object)s."),
    ),
    ("matchmaking.need_create", _("%(actor)s drafted the AI need %(object)s.")),
    ("matchmaking.need_update", _("%(actor)s changed the AI need %(object)s.")),
    ("matchmaking.need_open", _("%(actor)s opened the AI need %(object)s to suppliers.")),
    ("matchmaking.need_close", _("%(actor)s closed the AI need %(object)s.")),
    ("matchmaking.need_withdraw", _("%(actor)s withdrew the AI need %(object)s.")),
    ("matchmaking.invite", _("%(actor)s invited a supplier to the AI need %(object)s.")),
    (
        "matchmaking.invitation_accept",
        _("%(actor)s answered with interest an invitation to the AI need %(object)s."),
    ),
    (
        "matchmaking.invitation_decline",
        _("%(actor)s declined an invitation to the AI need %(object)s."),
    ),
    (
        "matchmaking.invitation_withdraw",
        _("%(actor)s withdrew an invitation to the AI need %(object)s."),
    ),
    (
        "matchmaking.meeting_schedule",
        _("%(actor)s scheduled a meeting about the AI need %(object)s."),
    ),
    (
        "matchmaking.meeting_cancel",
        _("%(actor)s cancelled a meeting about the AI need %(object)s."),
    ),
    (
        "matchmaking.outcome_record",
        _("%(actor)s recorded the outcome of a conversation about the AI need %(object)s."),
    ),
):
    audit_action(code, sentence, group=GROUP)


def _need_url(need: Need, viewer: object) -> str:
    from bitgoeul.matchmaking.access import need_view_level

    if need_view_level(viewer, need) >= ViewLevel.RECORD:  # type: ignore[arg-type]
        return reverse("matchmaking:need_detail", args=[need.pk])
    return ""


audit_object_type(
    "matchmaking.need",
    label=_("AI need"),
    resolve=pk_resolver(
        lambda: Need.objects.select_related("company__organization"),
        lambda need: need.title,
        _need_url,
    ),
)
audit_fields(
    "matchmaking.need",
    {
        "state": AuditField(
            _("state"), choices={**dict(NeedState.choices), **dict(InvitationState.choices)}
        ),
        "title": AuditField(_("title")),
        "description": AuditField(_("what you want AI to do")),
        "budget_min_krw": AuditField(_("budget from (KRW)")),
        "budget_max_krw": AuditField(_("budget up to (KRW)")),
        "kind": AuditField(_("outcome"), choices=dict(OutcomeKind.choices)),
        "amount_krw": AuditField(_("contract amount (KRW)")),
        "place": AuditField(_("place or online link")),
    },
)
