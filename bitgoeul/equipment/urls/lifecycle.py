"""URLs of the equipment app: lifecycle (this area owns this list)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
