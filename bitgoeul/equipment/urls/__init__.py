"""URLs of the equipment app, one module per area (each owns its own list)."""

from django.urls import URLPattern, URLResolver

from bitgoeul.equipment.urls import bookings, catalogue, feeds, lifecycle

app_name = "equipment"

urlpatterns: list[URLPattern | URLResolver] = [
    *catalogue.urlpatterns,
    *bookings.urlpatterns,
    *lifecycle.urlpatterns,
    *feeds.urlpatterns,
]
