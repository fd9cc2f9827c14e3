"""URLs of the equipment app: catalogue (this area owns this list)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.equipment.views import catalogue as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("equipment/", views.item_list, name="item_list"),
    path("equipment/free/", views.free_time, name="free_time"),
    path("equipment/<int:item_id>/", views.item_detail, name="item_detail"),
    path("equipment/<int:item_id>/photos/<int:photo_id>/", views.item_photo, name="item_photo"),
    path("equipment/manage/", views.manage, name="manage"),
    path("equipment/manage/centres/new/", views.centre_edit, name="centre_create"),
    path("equipment/manage/centres/<int:centre_id>/", views.centre_edit, name="centre_edit"),
    path(
        "equipment/manage/centres/<int:centre_id>/blackouts/",
        views.centre_blackout_add,
        name="centre_blackout_add",
    ),
    path("equipment/manage/categories/new/", views.category_edit, name="category_create"),
    path(
        "equipment/manage/categories/<int:category_id>/",
        views.category_edit,
        name="category_edit",
    ),
    path("equipment/manage/items/new/", views.item_edit, name="item_create"),
    path("equipment/manage/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path(
        "equipment/manage/items/<int:item_id>/accessories/",
        views.item_accessory_add,
        name="item_accessory_add",
    ),
    path(
        "equipment/manage/items/<int:item_id>/accessories/<int:accessory_id>/delete/",
        views.item_accessory_delete,
        name="item_accessory_delete",
    ),
    path(
        "equipment/manage/items/<int:item_id>/photos/",
        views.item_photo_add,
        name="item_photo_add",
    ),
    path(
        "equipment/manage/items/<int:item_id>/photos/<int:photo_id>/delete/",
        views.item_photo_delete,
        name="item_photo_delete",
    ),
    path(
        "equipment/manage/items/<int:item_id>/blackouts/",
        views.item_blackout_add,
        name="item_blackout_add",
    ),
    path(
        "equipment/manage/blackouts/<int:blackout_id>/delete/",
        views.blackout_delete,
        name="blackout_delete",
    ),
    path(
        "equipment/manage/items/<int:item_id>/quotas/",
        views.item_quota_add,
        name="item_quota_add",
    ),
    path("equipment/manage/quotas/", views.quota_list, name="quota_list"),
    path(
        "equipment/manage/quotas/<int:quota_id>/delete/",
        views.quota_delete,
        name="quota_delete",
    ),
    path(
        "equipment/manage/items/<int:item_id>/quotas/<int:quota_id>/delete/",
        views.item_quota_delete,
        name="item_quota_delete",
    ),
]
