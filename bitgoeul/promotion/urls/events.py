"""Events: list, pages, co-hosting, registration, check-in, attendance, materials."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.promotion.views import events as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:event_id>/publish/", views.event_publish, name="event_publish"),
    path("events/<int:event_id>/cancel/", views.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/cohosts/", views.cohost_invite, name="cohost_invite"),
    path(
        "events/cohosts/<int:cohost_id>/<slug:answer>/",
        views.cohost_answer,
        name="cohost_answer",
    ),
    path("events/<int:event_id>/register/", views.event_register, name="event_register"),
    path(
        "events/registrations/<int:registration_id>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path("events/mine/", views.my_registrations, name="my_registrations"),
    path("events/<int:event_id>/check-in/", views.event_check_in, name="event_check_in"),
    path("events/<int:event_id>/attendance/", views.event_attendance, name="event_attendance"),
    path(
        "events/<int:event_id>/attendance.xlsx",
        views.event_attendance_xlsx,
        name="event_attendance_xlsx",
    ),
    path("events/<int:event_id>/materials/", views.material_add, name="material_add"),
    path(
        "events/materials/<int:material_id>/remove/",
        views.material_remove,
        name="material_remove",
    ),
    path("events/materials/<int:material_id>/", views.material_file, name="material_file"),
]
