"""URLs of the programs app, one module per area (each owns its own list)."""

from django.urls import URLPattern, URLResolver

from bitgoeul.programs.urls import applications, awards, calls, reviewers, reviews

app_name = "programs"

urlpatterns: list[URLPattern | URLResolver] = [
    *calls.urlpatterns,
    *applications.urlpatterns,
    *reviewers.urlpatterns,
    *reviews.urlpatterns,
    *awards.urlpatterns,
]
