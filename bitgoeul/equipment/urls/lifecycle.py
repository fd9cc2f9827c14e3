"""URLs of the equipment app: lifecycle (this area owns this list)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.equipment.views import lifecycle as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("equipment/bookings/", views.booking_list, name="booking_list"),
    path("equipment/bookings/<int:booking_id>/", views.booking_detail, name="booking_detail"),
    path(
        "equipment/bookings/<int:booking_id>/approve/",
        views.booking_approve,
        name="booking_approve",
    ),
    path(
        "equipment/bookings/<int:booking_id>/reject/", views.booking_reject, name="booking_reject"
    ),
    path(
        "equipment/bookings/<int:booking_id>/check-in/",
        views.booking_check_in,
        name="booking_check_in",
    ),
    path(
        "equipment/bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking_cancel"
    ),
    path("equipment/approvals/", views.approvals, name="approvals"),
    path(
        "equipment/items/<int:item_id>/waitlist/",
        views.waitlist_join_view,
        name="waitlist_join",
    ),
    path(
        "equipment/waitlist/<int:entry_id>/accept/",
        views.waitlist_accept_view,
        name="waitlist_accept",
    ),
    path(
        "equipment/waitlist/<int:entry_id>/withdraw/",
        views.waitlist_withdraw_view,
        name="waitlist_withdraw",
    ),
    path("equipment/statement/", views.statement, name="statement"),
    path("equipment/statement.xlsx", views.statement_xlsx, name="statement_xlsx"),
]
