"""The news demo data: posts of several organisations, shares both ways, loaded twice."""

from __future__ import annotations

import pytest

from bitgoeul.promotion.models import CrossPost, DigestSubscription, NewsPost
from bitgoeul.web.demo import load_demo


@pytest.mark.django_db
def test_news_demo_shares_both_ways_and_loads_twice() -> None:
    load_demo()
    counts = (NewsPost.objects.count(), CrossPost.objects.count())
    lines = load_demo()
    assert (NewsPost.objects.count(), CrossPost.objects.count()) == counts == (6, 3)
    assert [line for line in lines if line.startswith("promotion_news")] == [
        "promotion_news: 0 news posts created (6 in all), 3 shared, 0 digest subscriptions created"
    ]
    city_notice = NewsPost.objects.get(title__startswith="2027년")
    assert sorted(city_notice.cross_posts.values_list("organization__code", flat=True)) == [
        "busan",
        "gwangju-jeonnam",
    ]
    assert list(
        CrossPost.objects.filter(organization__code="city").values_list(
            "post__organization__code", flat=True
        )
    ) == ["gwangju-jeonnam"]
    assert DigestSubscription.objects.count() == 3
