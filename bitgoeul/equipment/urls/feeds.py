"""URLs of the equipment app: feeds (this area owns this list)."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.equipment.views import feeds

urlpatterns: list[URLPattern | URLResolver] = [
    path("equipment/calendars/", feeds.feed_list, name="feed_list"),
    path("equipment/calendars/<int:feed_id>/revoke/", feeds.feed_revoke, name="feed_revoke"),
    path("equipment/calendars/<str:secret>.ics", feeds.feed_ics, name="feed_ics"),
]
