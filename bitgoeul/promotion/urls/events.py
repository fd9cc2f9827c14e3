"""Events: list, pages, co-hosting, registration, check-in, attendance, materials."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
