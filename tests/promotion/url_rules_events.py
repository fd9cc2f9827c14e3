"""The events area's rows of the URL × role table (tests/test_url_access.py).

The scene: an event of the city (operator staff host it: PRIVATE), published for everyone. Its
pages are open to all; the hosts' pages answer 403 to those who see the event but do not host
it; a draft is 404 to everyone but its hosts; a co-host invitation to the world's chapter is
answered by the chapter's staff alone."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from bitgoeul.promotion.enums import CoHostState, EventState, MaterialKind, RegistrationState
from bitgoeul.promotion.models import Event, EventCoHost, EventMaterial, Registration
from tests.conftest import World
from tests.demonstrations.factories import PDF
from tests.promotion.events_helpers import make_event
from tests.test_url_access import Rule, everyone, only, signed_in


def _event(w: World, **fields: Any) -> Event:
    return make_event(w.operator_org, **fields)


def _id(**fields: Any) -> Any:
    return lambda w: {"event_id": _event(w, **fields).pk}


def _invitation(w: World) -> dict[str, Any]:
    cohost = EventCoHost.objects.create(
        event=_event(w), organization=w.chapter, state=CoHostState.INVITED
    )
    return {"cohost_id": cohost.pk, "answer": "accept"}


def _owners_registration(w: World) -> dict[str, Any]:
    registration = Registration.objects.create(
        event=_event(w), user=w.owner, state=RegistrationState.CONFIRMED
    )
    return {"registration_id": registration.pk}


def _material(w: World, with_file: bool = False) -> EventMaterial:
    material = EventMaterial(event=_event(w), kind=MaterialKind.SLIDES, title="발표 자료")
    if with_file:
        material.content_type = "application/pdf"
        material.file.save("slides.pdf", ContentFile(PDF), save=False)
    else:
        material.url = "https://example.kr/slides"
    material.save()
    return material


HOSTS_PAGE = only({"operator": 200}, otherwise=403)
HOSTS_ACT = only({"operator": 302}, otherwise=403)
PUBLISHERS_PAGE = only({"operator": 200, "chapter_staff": 200}, otherwise=403)

RULES: dict[str, Rule] = {
    "promotion:event_list": Rule(everyone(200)),
    "promotion:event_create": Rule(PUBLISHERS_PAGE),
    "promotion:event_detail": Rule(everyone(200), kwargs=_id()),
    "promotion:event_edit": Rule(HOSTS_PAGE, kwargs=_id()),
    "promotion:event_publish": Rule(
        only({"operator": 302}, otherwise=404),
        method="post",
        kwargs=_id(state=EventState.DRAFT),
    ),
    "promotion:event_cancel": Rule(HOSTS_PAGE, kwargs=_id()),
    "promotion:cohost_invite": Rule(
        HOSTS_ACT, method="post", kwargs=_id(), data=lambda w: {"organization": w.chapter.pk}
    ),
    "promotion:cohost_answer": Rule(
        only({"chapter_staff": 302, "operator": 403}, otherwise=404),
        method="post",
        kwargs=_invitation,
    ),
    "promotion:event_register": Rule(signed_in(200), kwargs=_id()),
    "promotion:registration_cancel": Rule(
        only({"owner": 302, "operator": 403}, otherwise=404),
        method="post",
        kwargs=_owners_registration,
    ),
    "promotion:my_registrations": Rule(signed_in(200)),
    "promotion:event_check_in": Rule(HOSTS_PAGE, kwargs=_id()),
    "promotion:event_attendance": Rule(HOSTS_PAGE, kwargs=_id()),
    "promotion:event_attendance_xlsx": Rule(HOSTS_PAGE, kwargs=_id()),
    "promotion:material_add": Rule(
        HOSTS_ACT,
        method="post",
        kwargs=_id(),
        data=lambda w: {"kind": "slides", "title": "발표 자료", "url": "https://example.kr/s"},
    ),
    "promotion:material_remove": Rule(
        HOSTS_ACT, method="post", kwargs=lambda w: {"material_id": _material(w).pk}
    ),
    "promotion:material_file": Rule(
        everyone(200), kwargs=lambda w: {"material_id": _material(w, with_file=True).pk}
    ),
    "api-1:event_list": Rule(everyone(200)),
    "api-1:event_detail": Rule(everyone(200), kwargs=_id()),
}
