"""News pages: the public list and post page, "our news" for the staff of publishing
organisations (write, submit, review, withdraw), cross-posting, and organisation pages (their
own news and events plus what they share and co-host). Acts are POSTs that redirect back with a
message saying what happened or what to fix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.models import Organization
from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.promotion import access
from bitgoeul.promotion import selectors_news as selectors
from bitgoeul.promotion.enums import PostState
from bitgoeul.promotion.forms_news import CrossPostForm, NewsFilterForm, PostForm, ReviewForm
from bitgoeul.promotion.models import CrossPost, NewsPost
from bitgoeul.promotion.services import news as services

STAFF_LIST_LIMIT = 200
ORG_PAGE_ITEMS = 20


def _back(post: NewsPost) -> HttpResponse:
    return redirect("promotion:news_detail", post_id=post.pk)


def news_list(request: HttpRequest) -> HttpResponse:
    form = NewsFilterForm(
        request.GET or None,
        organizations=selectors.publishers(),
        technologies=selectors.active_technologies(),
    )
    filters: dict[str, object] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "organization": data["organization"].pk if data["organization"] else None,
            "topic": data["topic"],
            "technology": data["technology"].pk if data["technology"] else None,
        }
    posts = selectors.news_search(request.user, **filters)  # type: ignore[arg-type]
    page = Paginator(posts, selectors.NEWS_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "promotion/news/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(filters.values()),
            "can_write": access.can_publish_for(request.user),
            "events_url": selectors.event_list_url(),
        },
    )


def news_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.post_for_viewer(request.user, post_id)
    level = access.post_view_level(request.user, post)
    shares = list(post.cross_posts.filter(withdrawn_at__isnull=True).select_related("organization"))
    share_orgs = Organization.objects.filter(pk__in=access.crosspost_org_ids(request.user, post))
    already = {c.organization_id for c in shares}
    share_orgs = share_orgs.exclude(pk__in=already)
    return render(
        request,
        "promotion/news/detail.html",
        {
            "post": post,
            "technologies": list(post.technologies.all()),
            "shares": shares if post.state == PostState.PUBLISHED else [],
            "private": level >= ViewLevel.PRIVATE,
            "can_edit": access.can_edit_post(request.user, post),
            "can_submit": access.can_submit_post(request.user, post),
            "can_review": access.can_review_post(request.user, post),
            "can_withdraw": access.can_withdraw_post(request.user, post),
            "review_form": ReviewForm(),
            "share_form": CrossPostForm(organizations=share_orgs) if share_orgs else None,
            "withdrawable_shares": [
                c for c in shares if access.can_withdraw_crosspost(request.user, c)
            ],
            "event_url": selectors.event_url(post.event_id) if post.event_id else "",
        },
    )


@login_required
def news_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every post of the organisations the user is staff of, with what awaits their review."""
    access.require(access.can_publish_for(request.user))
    posts = list(selectors.staff_posts(request.user)[:STAFF_LIST_LIMIT])
    return render(
        request,
        "promotion/news/mine.html",
        {
            "posts": posts,
            "to_review": [p for p in posts if access.can_review_post(request.user, p)],
        },
    )


def _post_form(request: AuthenticatedHttpRequest, **kwargs: object) -> PostForm:
    staff = access.staff_org_ids(request.user)
    return PostForm(
        request.POST or None,
        organizations=Organization.objects.filter(pk__in=staff).order_by("name"),
        events=selectors.announceable_events(staff),
        technologies=selectors.active_technologies(),
        **kwargs,  # type: ignore[arg-type]
    )


@login_required
def news_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(access.can_publish_for(request.user))
    form = _post_form(request)
    if request.method == "POST" and form.is_valid():
        post = services.post_create(
            actor=request.user,
            organization=form.cleaned_data["organization"],
            data=form.content(),
            technologies=list(form.cleaned_data["technologies"]),
        )
        messages.success(request, _("The draft was saved. Submit it for review when it is ready."))
        return _back(post)
    return render(request, "promotion/news/form.html", {"form": form, "post": None})


@login_required
def news_edit(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access.post_for_viewer(request.user, post_id)
    access.require(access.can_edit_post(request.user, post))
    initial = {
        "organization": post.organization,
        "title": post.title,
        "title_en": post.title_en,
        "summary": post.summary,
        "body": post.body,
        "body_en": post.body_en,
        "topic": post.topic,
        "technologies": list(post.technologies.all()),
        "event": post.event,
    }
    form = _post_form(request, initial=initial)
    form.fields["organization"].disabled = True  # a post stays with its organisation
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(
                actor=request.user,
                post=post,
                data=form.content(),
                technologies=list(form.cleaned_data["technologies"]),
            )
        except services.PostLocked:
            messages.error(request, _("This post is in review or withdrawn and cannot change."))
        else:
            messages.success(
                request,
                _("The changes were saved; they show everywhere the post is shared.")
                if post.state == PostState.PUBLISHED
                else _("The changes were saved."),
            )
        return _back(post)
    return render(request, "promotion/news/form.html", {"form": form, "post": post})


@login_required
@require_POST
def news_submit(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access.post_for_viewer(request.user, post_id)
    access.require(access.can_submit_post(request.user, post))
    services.post_set_state(post=post, state=PostState.IN_REVIEW, actor=request.user)
    messages.success(
        request, _("The post was submitted. Another staff member of your organisation reviews it.")
    )
    return _back(post)


@login_required
@require_POST
def news_review(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access.post_for_viewer(request.user, post_id)
    access.require(access.can_review_post(request.user, post))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back(post)
    publish = form.cleaned_data["decision"] == "publish"
    services.post_set_state(
        post=post,
        state=PostState.PUBLISHED if publish else PostState.RETURNED,
        actor=request.user,
        note=form.cleaned_data["note"],
    )
    messages.success(
        request,
        _("The post was published.")
        if publish
        else _("The post was returned to its author with your note."),
    )
    return _back(post)


@login_required
@require_POST
def news_withdraw(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access.post_for_viewer(request.user, post_id)
    access.require(access.can_withdraw_post(request.user, post))
    services.post_set_state(post=post, state=PostState.WITHDRAWN, actor=request.user)
    messages.success(request, _("The post was withdrawn from every page and feed."))
    return _back(post)


@login_required
@require_POST
def news_share(request: AuthenticatedHttpRequest, post_id: int) -> HttpResponse:
    post = access.post_for_viewer(request.user, post_id)
    allowed = access.crosspost_org_ids(request.user, post)
    access.require(bool(allowed))
    form = CrossPostForm(request.POST, organizations=Organization.objects.filter(pk__in=allowed))
    if not form.is_valid():
        messages.error(request, _("Choose the organisation that shares the post."))
        return _back(post)
    organization = form.cleaned_data["organization"]
    try:
        services.crosspost_create(
            actor=request.user,
            post=post,
            organization=organization,
            note=form.cleaned_data["note"],
        )
    except services.AlreadyShared:
        messages.error(request, _("Your organisation already shares this post."))
    else:
        messages.success(request, _("The post now shows on your organisation's page and feed."))
    return _back(post)


@login_required
@require_POST
def crosspost_withdraw(request: AuthenticatedHttpRequest, crosspost_id: int) -> HttpResponse:
    crosspost = get_object_or_404(CrossPost.objects.select_related("post"), pk=crosspost_id)
    post = access.post_for_viewer(request.user, crosspost.post_id)
    access.require(access.can_withdraw_crosspost(request.user, crosspost))
    services.crosspost_withdraw(actor=request.user, crosspost=crosspost)
    messages.success(request, _("Your organisation no longer shares this post."))
    return _back(post)


def organization_page(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.publisher_for_viewer(org_id)
    events = selectors.organization_events(organization, request.user)
    now = timezone.now()
    # what is coming first, soonest first; then the latest past ones
    upcoming = list(events.filter(ends_at__gte=now).order_by("starts_at", "pk")[:ORG_PAGE_ITEMS])
    past = list(events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:ORG_PAGE_ITEMS])
    return render(
        request,
        "promotion/news/organization.html",
        {
            "organization": organization,
            "items": selectors.organization_news(organization, request.user, ORG_PAGE_ITEMS),
            "events": [
                (event, selectors.event_url(event.pk), event.organizer_id != organization.pk)
                for event in (upcoming + past)[:ORG_PAGE_ITEMS]
            ],
        },
    )
