"""Catalogue pages: the public list with search and filters, an item's page with its calendar,
"find free time", a photo, and the staff's management of centres, categories and items (rules,
accessories, photos, blackouts, quotas). Thin: parse, ask `access`, call a service or a read,
render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bitgoeul.accounts.types import AuthenticatedHttpRequest
from bitgoeul.equipment import access
from bitgoeul.equipment.availability import SEOUL
from bitgoeul.equipment.catalogue_forms import (
    AccessoryForm,
    BlackoutForm,
    CatalogueForm,
    CatalogueQuotaForm,
    CategoryForm,
    CentreForm,
    FreeTimeForm,
    ItemForm,
    PhotoForm,
    QuotaForm,
    apply_errors,
    default_window,
)
from bitgoeul.equipment.catalogue_search import CatalogueFilters, find_free, item_catalogue
from bitgoeul.equipment.item_calendar import VIEWS, calendar_range, item_calendar, weeks
from bitgoeul.equipment.item_words import rule_sentences
from bitgoeul.equipment.models import Accessory, Category, Centre, Item, Quota
from bitgoeul.equipment.services import catalogue as services

# --- public ------------------------------------------------------------------------------------


def item_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: items the viewer sees, with Korean search and filters; the results alone
    for htmx as the filters change."""
    form = CatalogueForm(request.GET or None)
    filters = CatalogueFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = CatalogueFilters(
            text=data["q"].strip(),
            centre=data["centre"],
            domain=data["domain"],
            category=data["category"],
            fee=data["fee"],
            free_from=data["free_from"],
            free_until=data["free_until"],
        )
    result = item_catalogue(request.user, filters)
    context = {
        "form": form,
        "items": result.items,
        "free": result.free,
        "filters": filters,
        "invalid": form.is_bound and not form.is_valid(),
        "can_manage": access.can_manage_catalogue(request.user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "equipment/catalogue/_results.html", context)
    return render(request, "equipment/catalogue/list.html", context)


def _anchor(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.now().astimezone(SEOUL).date()


def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item's page: photos, specifications, location, host, rules in sentences, accessories,
    bundled items, and its calendar (day, week or month; outsiders see only "booked")."""
    item = access.item_for_viewer(request.user, item_id)
    view = request.GET.get("view", "week")
    if view not in VIEWS:
        view = "week"
    anchor = _anchor(request)
    first, last, previous, following = calendar_range(view, anchor)
    days = item_calendar(request.user, item, view, anchor)
    visible = access.items_for_viewer(request.user)
    context = {
        "item": item,
        "photos": list(item.photos.all()),
        "accessories": [a for a in item.accessories.all() if a.quantity],
        "bundled": list(visible.filter(pk__in=item.bundled_with.values("pk"))),
        "rules": rule_sentences(item),
        "view": view,
        "views": [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
        "anchor": anchor,
        "first": first,
        "last": last,
        "previous": previous,
        "following": following,
        "today": timezone.now().astimezone(SEOUL).date(),
        "days": days,
        "weeks": weeks(days) if view == "month" else [],
        "can_manage": access.can_manage_item(request.user, item),
        # members of a company, and host staff booking on a company's behalf (no query: the
        # memberships are already read); the form itself checks again
        "can_book": item.is_active
        and (
            bool(access.company_org_ids(request.user))
            or access.can_book_on_behalf(request.user, item)
        ),
    }
    return render(request, "equipment/catalogue/detail.html", context)


def item_photo(request: HttpRequest, item_id: int, photo_id: int) -> FileResponse:
    photo = access.photo_for_viewer(request.user, item_id, photo_id)
    try:
        return FileResponse(photo.file.open("rb"))
    except FileNotFoundError as error:
        raise Http404 from error


def free_time(request: HttpRequest) -> HttpResponse:
    """Pick a window, see which items are free in it (wholly first)."""
    start, end = default_window()
    form = FreeTimeForm(
        request.GET or None,
        initial={"start": start.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")},
    )
    rows = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        start, end = data["start"], data["end"]
        rows = find_free(request.user, start, end, centre=data["centre"], category=data["category"])
    elif not form.is_bound:
        rows = find_free(request.user, start, end)
    return render(
        request,
        "equipment/catalogue/free.html",
        {"form": form, "rows": rows, "start": start, "end": end},
    )


# --- management --------------------------------------------------------------------------------


def _require_catalogue(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_catalogue(request.user):
        raise PermissionDenied


@login_required
def manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the user manages: centres, categories (operator staff), items."""
    _require_catalogue(request)
    items = (
        access.items_for_manager(request.user)
        .select_related("centre", "category")
        .order_by("centre__position", "centre__name", "name")
    )
    return render(
        request,
        "equipment/catalogue/manage.html",
        {
            "centres": access.centres_for_manager(request.user).select_related("host"),
            "categories": Category.objects.all() if access.can_manage_centres(request.user) else [],
            "items": items,
            "can_manage_centres": access.can_manage_centres(request.user),
        },
    )


def _save_form(
    request: AuthenticatedHttpRequest, form: Any, save: Any, done: str, template: str, **ctx: Any
) -> HttpResponse:
    """POST: validate, call the service, redirect; otherwise (or on an error) the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(ctx.pop("next_url", None) or obj_url(obj))
    return render(request, template, {"form": form, **ctx})


def obj_url(obj: Any) -> str:
    if isinstance(obj, Item):
        return reverse("equipment:item_edit", args=[obj.pk])
    return reverse("equipment:manage")


@login_required
@require_http_methods(["GET", "POST"])
def centre_edit(request: AuthenticatedHttpRequest, centre_id: int | None = None) -> HttpResponse:
    """A centre: operator staff create them; its host's staff edit it and its blackouts."""
    if centre_id is None:
        if not access.can_manage_centres(request.user):
            raise PermissionDenied
        centre = None
    else:
        centre = access.centre_for_manager(request.user, centre_id)
    form = CentreForm(request.POST or None, instance=centre)
    blackout_form = BlackoutForm(prefix="blackout")
    return _save_form(
        request,
        form,
        lambda data: services.centre_save(centre=centre, data=data, actor=request.user),
        _("The centre was saved."),
        "equipment/catalogue/centre_edit.html",
        centre=centre,
        blackout_form=blackout_form,
        blackouts=list(centre.blackouts.filter(item__isnull=True)) if centre else [],
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_edit(
    request: AuthenticatedHttpRequest, category_id: int | None = None
) -> HttpResponse:
    if not access.can_manage_centres(request.user):
        raise PermissionDenied
    category = None if category_id is None else get_object_or_404(Category, pk=category_id)
    form = CategoryForm(request.POST or None, instance=category)
    return _save_form(
        request,
        form,
        lambda data: services.category_save(category=category, data=data, actor=request.user),
        _("The category was saved."),
        "equipment/catalogue/category_edit.html",
        category=category,
    )


def _centre_choices(request: AuthenticatedHttpRequest, item: Item | None) -> QuerySet[Centre]:
    """The centres an item may be put in: those the user manages, and its own."""
    managed = Q(pk__in=access.centres_for_manager(request.user).values("pk"))
    return Centre.objects.filter(managed | Q(pk=item.centre_id) if item else managed)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedHttpRequest, item_id: int | None = None) -> HttpResponse:
    """An item with all its rules; below it, its accessories, photos, blackouts and quotas."""
    if item_id is None:
        _require_catalogue(request)
        item = None
    else:
        item = access.item_for_manager(request.user, item_id)
    if item is None and not access.centres_for_manager(request.user).exists():
        raise PermissionDenied
    form = ItemForm(
        request.POST or None,
        instance=item,
        centres=_centre_choices(request, item),
        bundle_choices=access.items_for_manager(request.user).order_by("name"),
    )

    def save(data: dict[str, Any]) -> Item:
        bundled = list(data.pop("bundled_with"))
        return services.item_save(item=item, data=data, actor=request.user, bundled_with=bundled)

    context: dict[str, Any] = {"item": item}
    if item is not None:
        context.update(
            accessories=list(item.accessories.all()),
            photos=list(item.photos.all()),
            blackouts=list(item.blackouts.all()),
            quotas=list(item.quotas.filter(is_active=True)),
            accessory_form=AccessoryForm(prefix="accessory"),
            photo_form=PhotoForm(prefix="photo"),
            blackout_form=BlackoutForm(prefix="blackout"),
            quota_form=QuotaForm(prefix="quota"),
        )
    return _save_form(
        request,
        form,
        save,
        _("The item was saved."),
        "equipment/catalogue/item_edit.html",
        **context,
    )


def _item_part(
    request: AuthenticatedHttpRequest,
    item: Item,
    form: Any,
    save: Any,
    done: str,
    field: str | None = None,
) -> HttpResponse:
    """A part of an item (accessory, photo, blackout, quota) added from the item's page: back
    to the page, or the page again with the part's errors."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error, field)
        else:
            messages.success(request, done)
            return redirect("equipment:item_edit", item.pk)
    messages.error(request, _("Nothing was added: correct the marked fields and send again."))
    key = form.prefix + "_form"
    return render(
        request,
        "equipment/catalogue/item_edit.html",
        {
            "item": item,
            "form": ItemForm(
                instance=item,
                centres=_centre_choices(request, item),
                bundle_choices=access.items_for_manager(request.user).order_by("name"),
            ),
            "accessories": list(item.accessories.all()),
            "photos": list(item.photos.all()),
            "blackouts": list(item.blackouts.all()),
            "quotas": list(item.quotas.filter(is_active=True)),
            "accessory_form": AccessoryForm(prefix="accessory"),
            "photo_form": PhotoForm(prefix="photo"),
            "blackout_form": BlackoutForm(prefix="blackout"),
            "quota_form": QuotaForm(prefix="quota"),
            key: form,
        },
        status=400,
    )


@login_required
@require_POST
def item_accessory_add(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    form = AccessoryForm(request.POST, prefix="accessory")
    return _item_part(
        request,
        item,
        form,
        lambda data: services.accessory_save(
            item=item, accessory=None, data=data, actor=request.user
        ),
        _("The accessory was added."),
    )


@login_required
@require_POST
def item_accessory_delete(
    request: AuthenticatedHttpRequest, item_id: int, accessory_id: int
) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    accessory = get_object_or_404(Accessory, pk=accessory_id, item=item)
    services.accessory_delete(accessory=accessory, actor=request.user)
    messages.success(request, _("The accessory was removed."))
    return redirect("equipment:item_edit", item.pk)


@login_required
@require_POST
def item_photo_add(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    form = PhotoForm(request.POST, request.FILES, prefix="photo")
    return _item_part(
        request,
        item,
        form,
        lambda data: services.photo_add(
            item=item, upload=data["file"], caption=data["caption"], actor=request.user
        ),
        _("The photo was added."),
        field="file",
    )


@login_required
@require_POST
def item_photo_delete(
    request: AuthenticatedHttpRequest, item_id: int, photo_id: int
) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    photo = access.photo_for_viewer(request.user, item.pk, photo_id)
    services.photo_delete(photo=photo, actor=request.user)
    messages.success(request, _("The photo was removed."))
    return redirect("equipment:item_edit", item.pk)


@login_required
@require_POST
def item_blackout_add(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    form = BlackoutForm(request.POST, prefix="blackout")
    return _item_part(
        request,
        item,
        form,
        lambda data: services.blackout_create(
            item=item, centre=None, data=data, actor=request.user
        ),
        _("The blackout was added."),
    )


@login_required
@require_POST
def centre_blackout_add(request: AuthenticatedHttpRequest, centre_id: int) -> HttpResponse:
    centre = access.centre_for_manager(request.user, centre_id)
    form = BlackoutForm(request.POST, prefix="blackout")
    if form.is_valid():
        try:
            services.blackout_create(
                item=None, centre=centre, data=form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The blackout was added."))
            return redirect("equipment:centre_edit", centre.pk)
    return render(
        request,
        "equipment/catalogue/centre_edit.html",
        {
            "centre": centre,
            "form": CentreForm(instance=centre),
            "blackout_form": form,
            "blackouts": list(centre.blackouts.filter(item__isnull=True)),
        },
        status=400,
    )


@login_required
@require_POST
def blackout_delete(request: AuthenticatedHttpRequest, blackout_id: int) -> HttpResponse:
    blackout = access.blackout_for_manager(request.user, blackout_id)
    services.blackout_delete(blackout=blackout, actor=request.user)
    messages.success(request, _("The blackout was removed."))
    if blackout.item_id is not None:
        return redirect("equipment:item_edit", blackout.item_id)
    return redirect("equipment:centre_edit", blackout.centre_id)


@login_required
@require_POST
def item_quota_add(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    form = QuotaForm(request.POST, prefix="quota")
    return _item_part(
        request,
        item,
        form,
        lambda data: services.quota_create(data={**data, "item": item}, actor=request.user),
        _("The quota was added."),
    )


@login_required
@require_POST
def item_quota_delete(
    request: AuthenticatedHttpRequest, item_id: int, quota_id: int
) -> HttpResponse:
    item = access.item_for_manager(request.user, item_id)
    quota = get_object_or_404(Quota, pk=quota_id, item=item)
    services.quota_delete(quota=quota, actor=request.user)
    messages.success(request, _("The quota was switched off."))
    return redirect("equipment:item_edit", item.pk)


@login_required
@require_http_methods(["GET", "POST"])
def quota_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Quotas of a category or of all equipment (an item's own are on the item's page)."""
    if not access.can_manage_centres(request.user):
        raise PermissionDenied
    form = CatalogueQuotaForm(request.POST or None, prefix="quota")
    if request.method == "POST" and form.is_valid():
        try:
            services.quota_create(data=form.cleaned_data, actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The quota was added."))
            return redirect("equipment:quota_list")
    quotas = Quota.objects.filter(item__isnull=True, is_active=True).select_related("category")
    return render(
        request,
        "equipment/catalogue/quotas.html",
        {"form": form, "quotas": list(quotas)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def quota_delete(request: AuthenticatedHttpRequest, quota_id: int) -> HttpResponse:
    if not access.can_manage_centres(request.user):
        raise PermissionDenied
    quota = get_object_or_404(Quota, pk=quota_id, item__isnull=True)
    services.quota_delete(quota=quota, actor=request.user)
    messages.success(request, _("The quota was switched off."))
    return redirect("equipment:quota_list")
