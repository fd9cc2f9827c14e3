"""URLs of the equipment app: bookings (this area owns this list)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
