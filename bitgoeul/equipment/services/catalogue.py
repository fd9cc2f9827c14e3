"""Writes of the catalogue: centres, categories, items with their rules, accessories, photos,
blackouts and quotas. Each write is one transaction with one audit event whose "before" is read
from the locked row and lists only what changed. Who may call these is decided by
`equipment.access`; these functions check the data.

Items carry their search terms (`search_body`, see `item_search_body`): every write of an
item, or of the centre or category it shows, rewrites them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.audit.services import audit_record
from bitgoeul.core.changes import changed_fields, changes_save, field_values
from bitgoeul.equipment.enums import FeeUnit
from bitgoeul.equipment.models import (
    SLOT_MINUTES,
    Accessory,
    Blackout,
    BookingAccessory,
    Category,
    Centre,
    Item,
    ItemPhoto,
    Quota,
)
from bitgoeul.search.terms import document_terms_many, name_terms

M = TypeVar("M", bound=models.Model)

CENTRE_FIELDS = (
    "name",
    "name_en",
    "domain",
    "host",
    "address",
    "description",
    "description_en",
    "position",
)
CATEGORY_FIELDS = ("name", "name_en", "position")
ITEM_FIELDS = (
    "centre",
    "category",
    "host",
    "code",
    "name",
    "name_en",
    "description",
    "description_en",
    "location",
    "specifications",
    "value_krw",
    "min_minutes",
    "max_minutes",
    "notice_minutes",
    "max_advance_days",
    "buffer_minutes",
    "always_open",
    "open_from",
    "open_until",
    "open_days",
    "closed_on_holidays",
    "requires_approval",
    "eligible_stages",
    "eligible_provinces",
    "requires_award",
    "fee_unit",
    "fee_krw",
    "discount_local_percent",
    "discount_young_percent",
    "check_in_grace_minutes",
    "free_cancel_hours",
    "late_cancel_percent",
    "is_active",
    "is_public",
)
ACCESSORY_FIELDS = ("name", "name_en", "quantity")
QUOTA_FIELDS = (
    "item",
    "category",
    "measure",
    "period",
    "limit",
    "peak_only",
    "peak_from",
    "peak_until",
    "peak_days",
)
BLACKOUT_FIELDS = ("kind", "starts_at", "ends_at", "repeat", "repeat_until", "reason")

# Photos: what a browser shows, recognised by their first bytes (never by the name).
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}


# --- helpers -----------------------------------------------------------------------------------


def _check_position(data: dict[str, Any]) -> None:
    if "position" in data and data["position"] is None:
        data["position"] = 0


# --- search terms ------------------------------------------------------------------------------


def item_search_text(item: Item) -> str:
    """Everything a visitor might type to find an item, in both languages."""
    parts = [
        item.name,
        item.name_en,
        item.code,
        item.description,
        item.description_en,
        item.location,
        item.category.name,
        item.category.name_en,
        item.centre.name,
        item.centre.name_en,
    ]
    for spec in item.specifications or []:
        if isinstance(spec, dict):
            parts.extend(str(spec.get(key, "")) for key in ("label", "label_en", "value"))
    return " ".join(part for part in parts if part)


def item_search_bodies(items: Sequence[Item]) -> list[str]:
    """The `search_body` of each item: its words and their Korean morphemes, and every
    two-syllable-or-longer suffix of its Korean name, each term between spaces so that a
    search for " term" is a prefix match (`catalogue_search.item_search`)."""
    bodies = document_terms_many([item_search_text(item) for item in items])
    return [
        f" {body} {name_terms(item.name)} {name_terms(item.name_en)} "
        for item, body in zip(items, bodies, strict=True)
    ]


def _reindex(items: Sequence[Item]) -> None:
    items = list(items)
    for item, body in zip(items, item_search_bodies(items), strict=True):
        item.search_body = body
    Item.objects.bulk_update(items, ["search_body"])


# --- centres and categories --------------------------------------------------------------------


def _save_grouping(
    model: type[Centre] | type[Category],
    obj: Centre | Category | None,
    data: dict[str, Any],
    fields: tuple[str, ...],
    action: str,
    actor: Any,
) -> Any:
    """Create a centre or a category (`obj` None) or change the fields of `data` that differ,
    with one audit event; renaming one rewrites the search terms of its items (their terms
    hold the centre's and the category's names)."""
    _check_position(data)
    if obj is None:
        created = model(**{name: data[name] for name in fields if name in data})
        created.full_clean()
        created.save()
        audit_record(
            actor=actor,
            action=f"{action}.create",
            obj=created,
            after=field_values(created, fields),
        )
        return created
    current = model.objects.select_for_update().get(pk=obj.pk)
    changed = changed_fields(current, data, fields)
    if not changed:
        return current
    before = field_values(current, changed)
    changes_save(current, changed)
    if {"name", "name_en"} & changed.keys():
        _reindex(list(current.items.select_related("centre", "category")))
    audit_record(
        actor=actor,
        action=f"{action}.update",
        obj=current,
        before=before,
        after=field_values(current, changed),
    )
    return current


@transaction.atomic
def centre_save(*, centre: Centre | None, data: dict[str, Any], actor: Any) -> Centre:
    """Create a centre (`centre` None) or change the fields of `data` that differ; renaming a
    centre rewrites the search terms of its items."""
    saved: Centre = _save_grouping(Centre, centre, data, CENTRE_FIELDS, "equipment_centre", actor)
    return saved


@transaction.atomic
def category_save(*, category: Category | None, data: dict[str, Any], actor: Any) -> Category:
    """Create a category or change it; renaming rewrites the search terms of its items."""
    saved: Category = _save_grouping(
        Category, category, data, CATEGORY_FIELDS, "equipment_category", actor
    )
    return saved


# --- items -------------------------------------------------------------------------------------


def check_item_rules(data: dict[str, Any]) -> None:
    """Rule fields that only make sense together; raises ValidationError on the field to fix."""
    errors: dict[str, str] = {}
    for name in ("min_minutes", "max_minutes", "buffer_minutes"):
        value = data.get(name)
        if value is not None and value % SLOT_MINUTES:
            errors[name] = _("Use a multiple of %(n)d minutes.") % {"n": SLOT_MINUTES}
    low, high = data.get("min_minutes"), data.get("max_minutes")
    if low is not None and high is not None and high < low:
        errors["max_minutes"] = _("The longest booking cannot be shorter than the shortest.")
    if not data.get("always_open", True):
        opens, closes = data.get("open_from"), data.get("open_until")
        if opens and closes and closes <= opens:
            errors["open_until"] = _("The closing time must be after the opening time.")
        if data.get("open_days") == []:
            errors["open_days"] = _(
                "Choose at least one open day, or make it bookable around the clock."
            )
    if data.get("fee_unit") not in (None, FeeUnit.FREE) and not data.get("fee_krw"):
        errors["fee_krw"] = _("Give the fee, or make the item free.")
    for name in ("discount_local_percent", "discount_young_percent", "late_cancel_percent"):
        if (data.get(name) or 0) > 100:
            errors[name] = _("A percentage is at most 100.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def item_save(
    *,
    item: Item | None,
    data: dict[str, Any],
    actor: Any,
    bundled_with: Sequence[Item] | None = None,
    now: dt.datetime | None = None,
) -> Item:
    """Create an item (`item` None) or change the fields of `data` that differ from the locked
    row, and (when given) the items it is booked together with. Rewrites its search terms.
    Rules already in force for existing bookings stay as they were booked (fees, buffers)."""
    now = now or timezone.now()
    if item is None:
        check_item_rules(data)
        item = Item(**{name: data[name] for name in ITEM_FIELDS if name in data})
        item.created_at = item.updated_at = now
        item.full_clean(exclude=["search_body"])
        item.save()
        if bundled_with is not None:
            item.bundled_with.set(bundled_with)
        _reindex([Item.objects.select_related("centre", "category").get(pk=item.pk)])
        after = field_values(item, [n for n in ITEM_FIELDS if n in data])
        if bundled_with:
            after["bundled_with"] = sorted(other.pk for other in bundled_with)
        audit_record(actor=actor, action="equipment_item.create", obj=item, after=after)
        return item
    current = Item.objects.select_for_update().get(pk=item.pk)
    check_item_rules({**field_values(current, ITEM_FIELDS), **data})
    changed = changed_fields(current, data, ITEM_FIELDS)
    before = field_values(current, changed)
    after = {}
    if bundled_with is not None:
        old_bundle = sorted(current.bundled_with.values_list("pk", flat=True))
        new_bundle = sorted(other.pk for other in bundled_with if other.pk != current.pk)
        if old_bundle != new_bundle:
            current.bundled_with.set(new_bundle)
            before["bundled_with"], after["bundled_with"] = old_bundle, new_bundle
    if not before:
        return current
    for name, value in changed.items():
        setattr(current, name, value)
    current.updated_at = now
    current.full_clean(exclude=["search_body"])
    current.save(update_fields=[*changed, "updated_at"])
    _reindex([Item.objects.select_related("centre", "category").get(pk=current.pk)])
    after.update(field_values(current, changed))
    audit_record(
        actor=actor, action="equipment_item.update", obj=current, before=before, after=after
    )
    return current


# --- accessories -------------------------------------------------------------------------------


@transaction.atomic
def accessory_save(
    *, item: Item, accessory: Accessory | None, data: dict[str, Any], actor: Any
) -> Accessory:
    if accessory is None:
        accessory = Accessory(item=item, **{n: data[n] for n in ACCESSORY_FIELDS if n in data})
        accessory.full_clean()
        accessory.save()
        audit_record(
            actor=actor,
            action="equipment_accessory.create",
            obj=item,
            after={"accessory": accessory.pk, **field_values(accessory, ACCESSORY_FIELDS)},
        )
        return accessory
    current = Accessory.objects.select_for_update().get(pk=accessory.pk, item=item)
    changed = changed_fields(current, data, ACCESSORY_FIELDS)
    if not changed:
        return current
    before = {"accessory": current.pk, **field_values(current, changed)}
    changes_save(current, changed)
    audit_record(
        actor=actor,
        action="equipment_accessory.update",
        obj=item,
        before=before,
        after={"accessory": current.pk, **field_values(current, changed)},
    )
    return current


@transaction.atomic
def accessory_delete(*, accessory: Accessory, actor: Any) -> None:
    """Remove an accessory no booking has used; one that was lent is kept (bookings name it)
    and its quantity set to 0 instead, so that it can no longer be chosen."""
    current = Accessory.objects.select_for_update().get(pk=accessory.pk)
    before = {"accessory": current.pk, **field_values(current, ACCESSORY_FIELDS)}
    if BookingAccessory.objects.filter(accessory=current).exists():
        current.quantity = 0
        current.save(update_fields=["quantity"])
        after: dict[str, Any] = {"accessory": current.pk, "quantity": 0}
    else:
        current.delete()
        after = {}
    audit_record(
        actor=actor,
        action="equipment_accessory.delete",
        obj=current.item,
        before=before,
        after=after,
    )


# --- photos ------------------------------------------------------------------------------------


def photo_kind(stream: IO[bytes]) -> str | None:
    """ "jpeg", "png" or "webp" from the first bytes; None for anything else. Leaves the stream
    at 0."""
    stream.seek(0)
    head = stream.read(12)
    stream.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(head) == 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_photo(upload: File[bytes]) -> str:
    """The photo's kind, or ValidationError saying what is wrong with the file."""
    if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is larger than %(mb)d MB. Send a smaller one.")
            % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)},
            code="too_large",
        )
    kind = photo_kind(upload.file if hasattr(upload, "file") else upload)  # type: ignore[arg-type]
    if kind is None:
        raise ValidationError(
            _("This file is not a JPEG, PNG or WebP image. Send a photo in one of these formats."),
            code="not_a_photo",
        )
    return kind


@transaction.atomic
def photo_add(*, item: Item, upload: File[bytes], caption: str, actor: Any) -> ItemPhoto:
    """Store a photo checked by content and size, under a name of our own (the uploaded name
    never reaches the disk)."""
    kind = check_photo(upload)
    Item.objects.select_for_update().filter(pk=item.pk).first()  # photos of one item in order
    last = item.photos.aggregate(top=models.Max("position"))["top"]
    photo = ItemPhoto(item=item, caption=caption, position=0 if last is None else last + 1)
    upload.seek(0)
    photo.file.save(f"{uuid.uuid4().hex}.{PHOTO_EXTENSIONS[kind]}", upload, save=False)
    photo.save()
    audit_record(
        actor=actor,
        action="equipment_photo.create",
        obj=item,
        after={"photo": photo.pk, "caption": caption, "kind": kind},
    )
    return photo


@transaction.atomic
def photo_delete(*, photo: ItemPhoto, actor: Any) -> None:
    current = ItemPhoto.objects.select_for_update().select_related("item").get(pk=photo.pk)
    before = {"photo": current.pk, "caption": current.caption}
    name, storage = current.file.name, current.file.storage
    current.delete()
    # the file goes only once the row is gone for good
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    audit_record(
        actor=actor, action="equipment_photo.delete", obj=current.item, before=before, after={}
    )


# --- blackouts ---------------------------------------------------------------------------------


def check_blackout(data: dict[str, Any]) -> None:
    errors = {}
    if data["ends_at"] <= data["starts_at"]:
        errors["ends_at"] = _("The end must be after the start.")
    if not data.get("repeat") and data.get("repeat_until"):
        errors["repeat_until"] = _("Only a repeating blackout has an end of its repeats.")
    if data.get("repeat_until") and data["repeat_until"] < data["starts_at"].date():
        errors["repeat_until"] = _("The repeats cannot end before the first one starts.")
    if data.get("repeat") == "weekly" and data["ends_at"] - data["starts_at"] > dt.timedelta(
        weeks=1
    ):
        errors["ends_at"] = _("A weekly blackout lasts at most a week.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def blackout_create(
    *, item: Item | None, centre: Centre | None, data: dict[str, Any], actor: Any
) -> Blackout:
    """A blackout of one item, or (item None) of every item of `centre`."""
    check_blackout(data)
    blackout = Blackout(
        item=item,
        centre=None if item is not None else centre,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{n: data[n] for n in BLACKOUT_FIELDS if n in data and data[n] is not None},
    )
    blackout.full_clean()
    blackout.save()
    audit_record(
        actor=actor,
        action="equipment_blackout.create",
        obj=item or centre,
        after={"blackout": blackout.pk, **field_values(blackout, BLACKOUT_FIELDS)},
    )
    return blackout


@transaction.atomic
def blackout_delete(*, blackout: Blackout, actor: Any) -> None:
    current = Blackout.objects.select_for_update().get(pk=blackout.pk)
    owner: models.Model | None = current.item or current.centre
    before = {"blackout": current.pk, **field_values(current, BLACKOUT_FIELDS)}
    current.delete()
    audit_record(
        actor=actor, action="equipment_blackout.delete", obj=owner, before=before, after={}
    )


# --- quotas ------------------------------------------------------------------------------------


@transaction.atomic
def quota_create(*, data: dict[str, Any], actor: Any, now: dt.datetime | None = None) -> Quota:
    """A quota every company meets on one item, one category or (both empty) all equipment."""
    if data.get("item") is not None and data.get("category") is not None:
        raise ValidationError({"category": _("A quota counts one item or one category, not both.")})
    peak_from, peak_until = data.get("peak_from"), data.get("peak_until")
    if data.get("peak_only") and peak_from and peak_until and peak_until <= peak_from:
        raise ValidationError({"peak_until": _("The peak must end after it starts.")})
    quota = Quota(**{n: data[n] for n in QUOTA_FIELDS if n in data})
    quota.created_at = now or timezone.now()
    quota.full_clean()
    quota.save()
    audit_record(
        actor=actor,
        action="equipment_quota.create",
        obj=quota.item or quota.category or quota,
        after={"quota": quota.pk, **field_values(quota, QUOTA_FIELDS)},
    )
    return quota


@transaction.atomic
def quota_delete(*, quota: Quota, actor: Any) -> None:
    """Quotas are switched off, not deleted, so that past bookings' checks stay explainable."""
    current = Quota.objects.select_for_update().get(pk=quota.pk)
    if not current.is_active:
        return
    current.is_active = False
    current.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="equipment_quota.delete",
        obj=current.item or current.category or current,
        before={"quota": current.pk, "is_active": True},
        after={"quota": current.pk, "is_active": False},
    )
