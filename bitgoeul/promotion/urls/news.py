"""News, cross-posting, organisation pages, feeds (Atom, iCal), the calendar and the digest."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
