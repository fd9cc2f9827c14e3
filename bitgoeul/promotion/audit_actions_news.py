"""The sentence shown on the audit page for each action code of news posts, cross-posts and
the digest. Korean sentences put a fixed noun after the inserted names, so no particle depends
on a name."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bitgoeul.audit.registry import (
    AuditField,
    audit_action,
    audit_fields,
    audit_object_type,
    pk_resolver,
)
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion.enums import PostState, Topic
from bitgoeul.promotion.models import DigestSubscription, NewsPost

GROUP = _("News and digest")

for code, sentence in (
    ("news.create", _("%(actor)s drafted the news post %(object)s.")),
    ("news.update", _("%(actor)s edited the news post %(object)s.")),
    ("news.set_state", _("%(actor)s changed the state of the news post %(object)s.")),
    ("news.crosspost_create", _("%(actor)s shared the news post %(object)s.")),
    ("news.crosspost_withdraw", _("%(actor)s stopped sharing the news post %(object)s.")),
    ("digest.subscribe", _("%(actor)s changed the choices of a weekly digest.")),
    ("digest.unsubscribe", _("%(actor)s unsubscribed from the weekly digest.")),
):
    audit_action(code, sentence, group=GROUP)


def _post_url(post: NewsPost, viewer: object) -> str:
    from bitgoeul.promotion.access import post_view_level

    if post_view_level(viewer, post) >= ViewLevel.PUBLIC:  # type: ignore[arg-type]
        return reverse("promotion:news_detail", args=[post.pk])
    return ""


audit_object_type(
    "promotion.newspost",
    label=_("news post"),
    resolve=pk_resolver(lambda: NewsPost.objects.all(), lambda p: p.title, _post_url),
)
audit_object_type(
    "promotion.digestsubscription",
    label=_("weekly digest"),
    resolve=pk_resolver(lambda: DigestSubscription.objects.all(), lambda d: str(d.pk)),
)
audit_fields(
    "promotion.newspost",
    {
        "state": AuditField(_("state"), choices=dict(PostState.choices)),
        "title": AuditField(_("title")),
        "title_en": AuditField(_("title in English")),
        "summary": AuditField(_("summary")),
        "body": AuditField(_("body")),
        "body_en": AuditField(_("body in English")),
        "topic": AuditField(_("topic"), choices=dict(Topic.choices)),
        "event_id": AuditField(_("event")),
        "technologies": AuditField(_("technologies")),
        "organization": AuditField(_("organisation")),
        "note": AuditField(_("note")),
        "shared": AuditField(_("shared")),
    },
)
audit_fields(
    "promotion.digestsubscription",
    {
        "is_active": AuditField(_("send me the weekly digest")),
        "organizations": AuditField(pgettext_lazy("digest choice", "organisations")),
        "topics": AuditField(_("topics")),
        "technologies": AuditField(_("technologies")),
    },
)
