"""The catalogue's services: every write audited with "before" from the database and only what
changed, rule fields checked together, photos checked by content, blackouts and quotas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from bitgoeul.audit.models import AuditEvent
from bitgoeul.equipment.enums import BlackoutKind, BlackoutRepeat, Domain, FeeUnit
from bitgoeul.equipment.models import Accessory, BookingAccessory, Item, ItemPhoto, Quota
from bitgoeul.equipment.services import catalogue as services
from tests.conftest import World
from tests.equipment.factories import BookingFactory, CentreFactory, ItemFactory, grid_time

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _item_data(item: Item, **changes: object) -> dict[str, object]:
    data = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    data.update(changes)
    return data


def test_item_save_creates_an_item_with_its_terms_and_one_audit_event(world: World) -> None:
    centre = CentreFactory.create(host=world.chapter)
    template = ItemFactory.build(centre=centre, category=ItemFactory.create().category)
    data = _item_data(template, name="초음파 영상 획득 장비", name_en="Ultrasound unit")
    item = services.item_save(item=None, data=data, actor=world.operator)
    assert (item.name, item.host_id) == ("초음파 영상 획득 장비", world.chapter.pk)
    stored = Item.objects.get(pk=item.pk)
    assert " 초음파" in stored.search_body
    assert " ultrasound" in stored.search_body
    [event] = _events("equipment_item.create")
    assert (event.actor_id, event.object_id, (event.after or {})["name"]) == (
        world.operator.pk,
        str(item.pk),
        "초음파 영상 획득 장비",
    )


def test_item_save_audits_only_what_changed_with_before_from_the_database(
    world: World,
) -> None:
    item = ItemFactory.create(fee_unit=FeeUnit.FREE, buffer_minutes=0)
    stale = Item.objects.get(pk=item.pk)
    stale.buffer_minutes = 999  # an instance a form already changed must not become "before"
    services.item_save(
        item=stale,
        data=_item_data(item, buffer_minutes=30, fee_unit=FeeUnit.HOUR, fee_krw=50_000),
        actor=world.operator,
    )
    [event] = _events("equipment_item.update")
    assert event.before == {"buffer_minutes": 0, "fee_unit": "free", "fee_krw": 0}
    assert event.after == {"buffer_minutes": 30, "fee_unit": "hour", "fee_krw": 50_000}


def test_item_save_without_a_change_writes_no_event(world: World) -> None:
    item = ItemFactory.create()
    services.item_save(item=item, data=_item_data(item), actor=world.operator)
    assert _events("equipment_item.update") == []


def test_item_save_sets_the_bundle_both_ways_and_audits_it(world: World) -> None:
    item, other = ItemFactory.create(), ItemFactory.create()
    services.item_save(item=item, data={}, actor=world.operator, bundled_with=[other])
    assert list(other.bundled_with.values_list("pk", flat=True)) == [item.pk]
    [event] = _events("equipment_item.update")
    assert (event.before, event.after) == ({"bundled_with": []}, {"bundled_with": [other.pk]})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"min_minutes": 50}, "min_minutes"),
        ({"min_minutes": 120, "max_minutes": 60}, "max_minutes"),
        ({"always_open": False, "open_from": dt.time(18), "open_until": dt.time(9)}, "open_until"),
        ({"always_open": False, "open_days": []}, "open_days"),
        ({"fee_unit": FeeUnit.DAY, "fee_krw": 0}, "fee_krw"),
        ({"late_cancel_percent": 120}, "late_cancel_percent"),
    ],
)
def test_item_save_refuses_rules_that_do_not_fit_together(
    world: World, changes: dict[str, object], field: str
) -> None:
    item = ItemFactory.create()
    with pytest.raises(ValidationError) as error:
        services.item_save(item=item, data=_item_data(item, **changes), actor=world.operator)
    assert list(error.value.message_dict) == [field]


def test_item_save_accepts_the_boundary_of_the_length_rule(world: World) -> None:
    item = ItemFactory.create()
    services.item_save(
        item=item, data=_item_data(item, min_minutes=60, max_minutes=60), actor=world.operator
    )
    assert Item.objects.get(pk=item.pk).max_minutes == 60


def test_renaming_a_centre_rewrites_the_terms_of_its_items(world: World) -> None:
    item = ItemFactory.create()
    services.item_save(item=item, data={"name": "시험 장비"}, actor=world.operator)
    services.centre_save(
        centre=item.centre,
        data={"name": "에너지 실증센터", "domain": Domain.ENERGY},
        actor=world.operator,
    )
    body = Item.objects.get(pk=item.pk).search_body
    assert (" 에너지" in body, " 헬스케어" in body) == (True, False)
    [event] = _events("equipment_centre.update")
    assert sorted(event.after or {}) == ["domain", "name"]


@pytest.mark.parametrize(("content", "kind"), [(PNG, "png"), (JPEG, "jpeg"), (WEBP, "webp")])
def test_photo_add_accepts_images_by_content(
    world: World, media_root: Path, content: bytes, kind: str
) -> None:
    item = ItemFactory.create()
    upload = SimpleUploadedFile("photo.bin", content)
    photo = services.photo_add(item=item, upload=upload, caption="정면", actor=world.operator)
    assert (str(photo.file.name).rsplit(".", 1)[1], photo.file.read()) == (
        services.PHOTO_EXTENSIONS[kind],
        content,
    )
    [event] = _events("equipment_photo.create")
    assert event.after == {"photo": photo.pk, "caption": "정면", "kind": kind}


def test_photo_add_refuses_a_file_that_only_claims_to_be_an_image(world: World) -> None:
    item = ItemFactory.create()
    upload = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as error:
        services.photo_add(item=item, upload=upload, caption="", actor=world.operator)
    assert (error.value.code, ItemPhoto.objects.count()) == ("not_a_photo", 0)


def test_photo_add_refuses_a_photo_over_the_limit_and_takes_one_at_it(world: World) -> None:
    item = ItemFactory.create()
    over = SimpleUploadedFile("big.png", PNG + b"\x00" * (services.MAX_PHOTO_BYTES - len(PNG) + 1))
    with pytest.raises(ValidationError) as error:
        services.photo_add(item=item, upload=over, caption="", actor=world.operator)
    assert error.value.code == "too_large"
    at = SimpleUploadedFile("ok.png", PNG + b"\x00" * (services.MAX_PHOTO_BYTES - len(PNG)))
    services.photo_add(item=item, upload=at, caption="", actor=world.operator)
    assert ItemPhoto.objects.count() == 1


def test_photo_delete_removes_the_file_after_commit(world: World, media_root: Path) -> None:
    item = ItemFactory.create()
    photo = services.photo_add(
        item=item, upload=SimpleUploadedFile("a.png", PNG), caption="", actor=world.operator
    )
    path = Path(photo.file.path)
    with transaction.atomic():
        services.photo_delete(photo=photo, actor=world.operator)
        assert path.exists()  # still there while the deletion could roll back
    # pytest-django wraps the test in a transaction: run the callbacks it holds back
    for _savepoint, callback, _robust in transaction.get_connection().run_on_commit:
        callback()
    assert (path.exists(), ItemPhoto.objects.count()) == (False, 0)


def test_accessory_delete_keeps_a_lent_accessory_with_quantity_zero(world: World) -> None:
    booking = BookingFactory.create()
    lent = services.accessory_save(
        item=booking.item, accessory=None, data={"name": "삼각대", "quantity": 2}, actor=None
    )
    unused = services.accessory_save(
        item=booking.item, accessory=None, data={"name": "케이블", "quantity": 1}, actor=None
    )
    BookingAccessory.objects.create(booking=booking, accessory=lent, quantity=1)
    services.accessory_delete(accessory=lent, actor=world.operator)
    services.accessory_delete(accessory=unused, actor=world.operator)
    assert list(Accessory.objects.values_list("name", "quantity")) == [("삼각대", 0)]
    assert [e.after for e in _events("equipment_accessory.delete")] == [
        {"accessory": lent.pk, "quantity": 0},
        {},
    ]


def test_blackout_create_checks_its_times(world: World) -> None:
    item = ItemFactory.create()
    start = grid_time(3, 10)
    with pytest.raises(ValidationError) as error:
        services.blackout_create(
            item=item,
            centre=None,
            data={"kind": BlackoutKind.MAINTENANCE, "starts_at": start, "ends_at": start},
            actor=world.operator,
        )
    assert list(error.value.message_dict) == ["ends_at"]
    with pytest.raises(ValidationError) as error:
        services.blackout_create(
            item=item,
            centre=None,
            data={
                "kind": BlackoutKind.MAINTENANCE,
                "starts_at": start,
                "ends_at": start + dt.timedelta(days=8),
                "repeat": BlackoutRepeat.WEEKLY,
            },
            actor=world.operator,
        )
    assert list(error.value.message_dict) == ["ends_at"]


def test_blackout_of_a_centre_is_audited_on_the_centre(world: World) -> None:
    centre = CentreFactory.create()
    start = grid_time(3, 10)
    blackout = services.blackout_create(
        item=ItemFactory.create(centre=centre),  # an item given wins: the blackout is its own
        centre=centre,
        data={
            "kind": BlackoutKind.CLOSURE,
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
        },
        actor=world.operator,
    )
    assert (blackout.item_id is not None, blackout.centre_id) == (True, None)
    services.blackout_delete(blackout=blackout, actor=world.operator)
    [created] = _events("equipment_blackout.create")
    [deleted] = _events("equipment_blackout.delete")
    deleted_id = (deleted.before or {})["blackout"]
    assert (created.object_type, deleted_id) == ("equipment.item", blackout.pk)


def test_quota_is_switched_off_not_deleted(world: World) -> None:
    item = ItemFactory.create()
    quota = services.quota_create(
        data={"item": item, "measure": "hours", "period": "week", "limit": 10},
        actor=world.operator,
    )
    services.quota_delete(quota=quota, actor=world.operator)
    services.quota_delete(quota=quota, actor=world.operator)  # again: nothing more to record
    assert list(Quota.objects.values_list("is_active", flat=True)) == [False]
    assert len(_events("equipment_quota.delete")) == 1


def test_quota_refuses_an_item_and_a_category_at_once(world: World) -> None:
    item = ItemFactory.create()
    with pytest.raises(ValidationError) as error:
        services.quota_create(
            data={
                "item": item,
                "category": item.category,
                "measure": "hours",
                "period": "week",
                "limit": 10,
            },
            actor=world.operator,
        )
    assert list(error.value.message_dict) == ["category"]


def test_categories_are_created_and_renamed_with_their_items_terms(world: World) -> None:
    category = services.category_save(
        category=None, data={"name": "드론", "name_en": "Drones"}, actor=world.operator
    )
    item = ItemFactory.create(category=category)
    services.item_save(item=item, data={"name": "시험 장비"}, actor=world.operator)
    unchanged = services.category_save(
        category=category, data={"name": "드론", "name_en": "Drones"}, actor=world.operator
    )
    services.category_save(category=unchanged, data={"name": "로봇"}, actor=world.operator)
    body = Item.objects.get(pk=item.pk).search_body
    assert (" 로봇" in body, " 드론" in body) == (True, False)
    [created] = _events("equipment_category.create")
    [renamed] = _events("equipment_category.update")  # the unchanged save wrote nothing
    assert (created.after or {})["name"] == "드론"
    assert (renamed.before, renamed.after) == ({"name": "드론"}, {"name": "로봇"})
