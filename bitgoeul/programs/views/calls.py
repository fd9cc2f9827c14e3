"""The public side of calls: the notice board, a call's page, its attachments, the Atom feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bitgoeul.programs import access, selectors
from bitgoeul.programs.forms.calls import BoardForm
from bitgoeul.programs.models import Call
from bitgoeul.programs.rule_words import rule_sentences
from bitgoeul.programs.text import plain
from bitgoeul.programs.text import render as render_text

PAGE_SIZE = 20
FEED_SIZE = 50


def call_list(request: HttpRequest) -> HttpResponse:
    """The notice board: published calls with search, filters, paging and D-day badges; the
    results alone for htmx as the filters change."""
    organizers = list(selectors.board_organizers())
    form = BoardForm(request.GET or None, organizers=organizers)
    text, state, organizer = "", "", None
    if form.is_valid():
        text = form.cleaned_data["q"].strip()
        state = form.cleaned_data["state"]
        organizer = form.cleaned_data["organizer"]
    now = timezone.now()
    calls = selectors.call_board(text=text, state=state, organizer=organizer, now=now)
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    for call in page.object_list:
        call.deadline = selectors.call_deadline(call, now)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "text": text,
        "invalid": form.is_bound and not form.is_valid(),
        "can_open_calls": access.can_open_calls(request.user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "programs/calls/_board_results.html", context)
    return render(request, "programs/calls/board.html", context)


def call_detail(request: HttpRequest, call_id: int) -> HttpResponse:
    """A call's notice: everyone for a published call, its staff only for a draft."""
    call = access.call_for_viewer(request.user, call_id)
    parts = selectors.call_detail_parts(call)
    now = timezone.now()
    context = {
        "call": call,
        "body": render_text(call.body),
        "deadline": selectors.call_deadline(call, now),
        "accepting": call.state == "published" and call.opens_at <= now < call.closes_at,
        "is_staff": access.is_call_staff(request.user, call),
        # a signed-in user without a company would only meet a refusal on the apply page
        "can_apply": not request.user.is_authenticated
        or bool(access.applicant_company_ids(request.user)),
        "rules": rule_sentences(parts.pop("rules")),
        # the apply page belongs to the applications area (programs:application_start)
        "apply_url": f"/calls/{call.pk}/apply/",
        **parts,
    }
    return render(request, "programs/calls/detail.html", context)


def call_attachment(request: HttpRequest, call_id: int, attachment_id: int) -> FileResponse:
    """An attachment, for whoever may see its call."""
    attachment = access.call_attachment_for_viewer(request.user, call_id, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


class CallFeed(Feed):  # type: ignore[type-arg]
    """Published calls, newest first, as an Atom feed (/feeds/calls.atom)."""

    feed_type = Atom1Feed
    title = gettext_lazy("Bitgoeul calls for applications")
    subtitle = gettext_lazy("Support programmes open to AI companies")

    def link(self) -> str:
        return reverse("programs:call_list")

    def items(self) -> Any:
        return (
            selectors.published_calls()
            .select_related("organizer")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item: Call) -> str:
        return item.title

    def item_description(self, item: Call) -> str:
        closes = date_format(timezone.localtime(item.closes_at, selectors.SEOUL), "Y-m-d H:i")
        return _("%(organizer)s. Applications close at %(closes)s (Korea time). %(body)s") % {
            "organizer": item.organizer.name,
            "closes": closes,
            "body": plain(item.body),
        }

    def item_link(self, item: Call) -> str:
        return reverse("programs:call_detail", args=[item.pk])

    def item_pubdate(self, item: Call) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Call) -> dt.datetime:
        return item.updated_at

    def item_author_name(self, item: Call) -> str:
        return item.organizer.name
