"""URLs of the promotion app, one module per area (each owns its own list)."""

from django.urls import URLPattern, URLResolver

from bitgoeul.promotion.urls import events, news

app_name = "promotion"

urlpatterns: list[URLPattern | URLResolver] = [
    *events.urlpatterns,
    *news.urlpatterns,
]
