"""URLs of the equipment app: bookings (this area owns this list)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.equipment.views import bookings

urlpatterns: list[URLPattern | URLResolver] = [
    path("equipment/<int:item_id>/book/", bookings.book, name="book"),
    path(
        "equipment/bookings/<int:booking_id>/booked/",
        bookings.booking_booked,
        name="booking_booked",
    ),
    path(
        "equipment/series/<int:series_id>/booked/",
        bookings.series_booked,
        name="series_booked",
    ),
]
