"""News, cross-posting, organisation pages, feeds (Atom, iCal), the calendar and the digest."""

from django.urls import URLPattern, URLResolver, path

from bitgoeul.promotion.views import calendar, digest, feeds, news

urlpatterns: list[URLPattern | URLResolver] = [
    path("news/", news.news_list, name="news_list"),
    path("news/ours/", news.news_mine, name="news_mine"),
    path("news/new/", news.news_create, name="news_create"),
    path("news/<int:post_id>/", news.news_detail, name="news_detail"),
    path("news/<int:post_id>/edit/", news.news_edit, name="news_edit"),
    path("news/<int:post_id>/submit/", news.news_submit, name="news_submit"),
    path("news/<int:post_id>/review/", news.news_review, name="news_review"),
    path("news/<int:post_id>/withdraw/", news.news_withdraw, name="news_withdraw"),
    path("news/<int:post_id>/share/", news.news_share, name="news_share"),
    path(
        "news/shared/<int:crosspost_id>/withdraw/",
        news.crosspost_withdraw,
        name="crosspost_withdraw",
    ),
    path("o/<int:org_id>/", news.organization_page, name="organization"),
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("feeds/news.atom", feeds.news_atom, name="feed_news"),
    path("feeds/events.atom", feeds.events_atom, name="feed_events"),
    path("feeds/events.ics", feeds.events_ics, name="feed_events_ics"),
    path(
        "feeds/o/<int:org_id>/news.atom",
        feeds.organization_news_atom,
        name="feed_organization_news",
    ),
    path(
        "feeds/o/<int:org_id>/events.atom",
        feeds.organization_events_atom,
        name="feed_organization_events",
    ),
    path(
        "feeds/o/<int:org_id>/events.ics",
        feeds.organization_events_ics,
        name="feed_organization_events_ics",
    ),
    path("digest/", digest.digest_settings, name="digest"),
    path("digest/unsubscribe/<str:token>/", digest.digest_unsubscribe, name="digest_unsubscribe"),
]
