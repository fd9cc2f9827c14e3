"""URLs of the equipment app: feeds (this area owns this list)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
