"""Demo data of news: posts of the city, the association and chapters; a city notice shared by
two chapters and a chapter post shared by the city; a draft; a few digest subscriptions.

Rows are written through the models (a demo needs neither notices nor audit events). Safe to
load again: a post that exists (by title) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Technology
from bitgoeul.core.demo import demo_loader
from bitgoeul.promotion.enums import PostState, Topic
from bitgoeul.promotion.models import CrossPost, DigestSubscription, NewsPost

# organisation code, author e-mail, days ago, topic, technologies, title, English title, summary
POSTS = [
    (
        "city",
        "operator@bitgoeul.kr",
        2,
        Topic.FUNDING,
        ["vision", "manufacturing"],
        "2027년 인공지능 제품·서비스 실증 지원사업 공고",
        "2027 call for AI product and service demonstrations",
        "광주에서 인공지능 제품과 서비스를 실증할 기업을 모집합니다. 지회 회원사도 신청할 수 "
        "있습니다.",
    ),
    (
        "city",
        "operator@bitgoeul.kr",
        9,
        Topic.INFRASTRUCTURE,
        ["data"],
        "국가 AI 데이터센터 GPU 자원 상시 신청 안내",
        "Rolling requests for GPUs at the National AI Data Center",
        "GPU 자원을 차수와 상관없이 상시로 신청할 수 있습니다.",
    ),
    (
        "kova",
        "association@bitgoeul.kr",
        4,
        Topic.INVESTMENT,
        ["generative"],
        "벤처기업협회 AI 스타트업 투자 상담회 참가 기업 모집",
        "AI start-ups wanted for the association's investor meetings",
        "벤처캐피털 12곳과 1:1 투자 상담을 할 수 있습니다.",
    ),
    (
        "gwangju-jeonnam",
        "chapter.gwangju-jeonnam@bitgoeul.kr",
        3,
        Topic.DEMONSTRATION,
        ["healthcare"],
        "광주전남지회 회원사, 병원 실증으로 판독 정확도 96% 달성",
        "A Gwangju-Jeonnam member reaches 96% reading accuracy in a hospital demonstration",
        "전남대학교병원 실증 결과를 회원사와 나눕니다.",
    ),
    (
        "busan",
        "chapter.busan@bitgoeul.kr",
        5,
        Topic.NETWORKING,
        ["robotics"],
        "부산지회 AI 로보틱스 교류회 후기",
        "Notes from the Busan chapter's AI robotics meet-up",
        "부산·경남 로보틱스 기업 20곳이 모였습니다.",
    ),
]
# (title of the post, codes of the organisations that share it, note)
SHARES = [
    (POSTS[0][5], ["gwangju-jeonnam", "busan"], "지회 회원사도 신청할 수 있습니다."),
    (POSTS[3][5], ["city"], "광주 실증도시의 성과입니다."),
]
DRAFT = (
    "gwangju-jeonnam",
    "chapter.gwangju-jeonnam@bitgoeul.kr",
    Topic.TRAINING,
    "광주전남지회 AI 실무 교육 수강생 모집 (초안)",
)


def _orgs() -> dict[str, Organization]:
    codes = {code for code, *_ in POSTS} | {DRAFT[0]}
    return {org.code: org for org in Organization.objects.filter(code__in=codes)}


@demo_loader("promotion_news")
def load_news(rng: random.Random) -> str:
    orgs = _orgs()
    users = {u.email: u for u in User.objects.filter(email__contains="@bitgoeul.kr")}
    techs = {t.code: t for t in Technology.objects.all()}
    now = timezone.now()
    created = 0
    for code, email, days, topic, tech_codes, title, title_en, summary in POSTS:
        if code not in orgs or NewsPost.objects.filter(title=title).exists():
            continue
        published = now - dt.timedelta(days=days, hours=rng.randint(1, 8))
        post = NewsPost.objects.create(
            organization=orgs[code],
            topic=topic,
            title=title,
            title_en=title_en,
            summary=summary,
            body=f"{summary}\n\n자세한 내용은 첨부한 공고문과 문의처를 확인해 주세요.",
            state=PostState.PUBLISHED,
            author=users.get(email),
            created_at=published - dt.timedelta(days=1),
            updated_at=published,
            published_at=published,
        )
        post.technologies.set([techs[c] for c in tech_codes if c in techs])
        created += 1
    for title, codes, note in SHARES:
        shared = NewsPost.objects.filter(title=title).first()
        for code in codes:
            if shared is None or code not in orgs:
                continue
            CrossPost.objects.get_or_create(
                post=shared,
                organization=orgs[code],
                defaults={
                    "note": note,
                    "shared_at": (shared.published_at or now) + dt.timedelta(hours=3),
                },
            )
    code, email, topic, title = DRAFT
    if code in orgs and not NewsPost.objects.filter(title=title).exists():
        NewsPost.objects.create(
            organization=orgs[code],
            topic=topic,
            title=title,
            body="교육 일정과 신청 방법을 정리하는 중입니다.",
            author=users.get(email),
        )
        created += 1
    subscribed = 0
    for email, org_codes, topics in (
        ("founder@bitgoeul.kr", ["gwangju-jeonnam", "city"], []),
        ("teammate@bitgoeul.kr", [], [Topic.FUNDING, Topic.TRAINING]),
        ("operator@bitgoeul.kr", [], []),
    ):
        user = users.get(email)
        if user is None:
            continue
        subscription, made = DigestSubscription.objects.get_or_create(
            user=user, defaults={"topics": topics}
        )
        if made:
            subscription.organizations.set([orgs[c] for c in org_codes if c in orgs])
            subscribed += 1
    return (
        f"{created} news posts created ({NewsPost.objects.count()} in all), "
        f"{CrossPost.objects.count()} shared, {subscribed} digest subscriptions created"
    )
