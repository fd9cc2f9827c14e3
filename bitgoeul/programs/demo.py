"""Demo data of the programs app: four calls of the city, one in each stage a programme goes
through — open for applications, in review, selected (agreements pending) and in delivery —
with their evaluation stages, criteria and forms, applications from the demo companies, the
demo reviewers with assignments and scored reviews, a selection run with its decisions, and
awards with milestones, an approved milestone and a report awaiting review (검수).

Rows are written through the models: the services of the other areas (applications,
assignment, scoring) build the same rows one at a time with notices and audit events that a
demo does not need. Safe to load again: a call that exists (by title) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from bitgoeul.accounts.models import Organization, User
from bitgoeul.companies.models import Company, Technology
from bitgoeul.core.demo import demo_loader
from bitgoeul.programs.enums import (
    ApplicationState,
    AwardState,
    CallState,
    EligibilityKind,
    FieldKind,
    FieldMeaning,
    MilestoneState,
    ReviewState,
    RunState,
)
from bitgoeul.programs.models import (
    Application,
    ApplicationRevision,
    Assignment,
    AssignmentRun,
    Award,
    Call,
    Conflict,
    Criterion,
    EligibilityRule,
    EvaluationStage,
    FormField,
    Milestone,
    MilestoneReport,
    Review,
    Reviewer,
    Score,
    SelectionRun,
)

# a tiny valid PDF: the demo report's file (checked by content like any upload)
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

PROJECTS = [
    (
        "딥러닝 영상 분석 기반 도로 시설물 점검 실증",
        "영상 인식으로 도로 시설물의 균열과 파손을 찾아냅니다.",
        ["컴퓨터 비전", "스마트시티"],
    ),
    (
        "생성형 AI 민원 상담 에이전트 실증",
        "대규모 언어모델로 구청 민원 상담을 자동화합니다.",
        ["생성형 AI", "민원"],
    ),
    (
        "의료영상 판독 보조 소프트웨어 임상 실증",
        "흉부 X선 영상에서 이상 소견을 찾아 판독의를 돕습니다.",
        ["의료영상", "헬스케어"],
    ),
    (
        "협동로봇 물류 자동화 현장 적용",
        "중소 물류창고에 협동로봇 피킹을 도입합니다.",
        ["로보틱스", "물류"],
    ),
    (
        "태양광 발전량 예측 플랫폼 고도화",
        "기상 데이터로 발전량을 예측해 계통 운영을 돕습니다.",
        ["에너지", "예측"],
    ),
    (
        "스마트팩토리 설비 예지보전 솔루션",
        "진동·전류 데이터로 설비 고장을 미리 알립니다.",
        ["제조", "예지보전"],
    ),
    (
        "농업용 방제 드론 자율비행 실증",
        "영상 인식으로 병해충 구역만 골라 방제합니다.",
        ["드론", "농업"],
    ),
    (
        "음성인식 기반 콜센터 상담 요약",
        "상담 통화를 받아 적고 요약해 상담사를 돕습니다.",
        ["음성인식", "자연어 처리"],
    ),
    (
        "AI 학습용 데이터 구축 자동화 도구",
        "라벨링을 반자동화해 데이터 구축 기간을 줄입니다.",
        ["데이터", "MLOps"],
    ),
    (
        "자율주행 셔틀 인지 모듈 실증",
        "첨단지구 셔틀의 보행자 인지 성능을 높입니다.",
        ["자율주행", "모빌리티"],
    ),
    (
        "디지털 치료기기 재활 프로그램 개발",
        "뇌졸중 환자의 손 재활을 게임으로 돕습니다.",
        ["디지털 치료기기", "재활"],
    ),
    (
        "제조 공정 불량 검사 비전 시스템",
        "생산 라인의 외관 불량을 실시간으로 검사합니다.",
        ["비전 검사", "제조"],
    ),
    (
        "전력 수요 예측 기반 에너지 관리 시스템",
        "건물 전력 수요를 예측해 피크 요금을 줄입니다.",
        ["에너지 관리", "예측"],
    ),
    (
        "AI 법률 문서 요약 서비스",
        "계약서의 위험 조항을 찾아 요약합니다.",
        ["자연어 처리", "리걸테크"],
    ),
]
CRITERIA = [
    ("기술성", "Technology", "기술의 독창성과 완성도, 실현 가능성", 40),
    ("사업성", "Business potential", "시장 규모와 사업화 계획의 구체성", 35),
    ("수행 역량", "Team capability", "참여 인력과 수행 경험", 25),
]
PRESENTATION = [
    ("발표 완성도", "Presentation", "과제 내용을 명확히 설명했는지", 50),
    ("질의응답", "Questions and answers", "평가위원 질문에 대한 답변의 충실성", 50),
]


@dataclass
class _Scene:
    rng: random.Random
    city: Organization
    companies: list[Company]
    reviewers: list[Reviewer]
    staff: User | None
    now: dt.datetime


def _company_pool(rng: random.Random) -> list[Company]:
    return list(
        Company.objects.filter(organization__code__startswith="company-")
        .select_related("organization")
        .order_by("organization__code")[:80]
    )


def _reviewers(rng: random.Random) -> list[Reviewer]:
    users = list(
        User.objects.filter(reviewer_profile__isnull=False)
        .filter(
            email__in=["reviewer@bitgoeul.kr"]
            + [f"reviewer{n:02d}@experts.bitgoeul.kr" for n in range(1, 60)]
        )
        .order_by("email")
    )
    existing = set(Reviewer.objects.filter(user__in=users).values_list("user_id", flat=True))
    techs = list(Technology.objects.order_by("pk"))
    for user in users:
        if user.pk in existing:
            continue
        reviewer = Reviewer.objects.create(user=user, max_load=rng.randint(6, 12))
        if techs:
            reviewer.technologies.set(rng.sample(techs, k=min(len(techs), rng.randint(1, 3))))
    # the demo reviewer first, so that their login has work in every stage
    return sorted(
        Reviewer.objects.filter(user__in=users).select_related("user"),
        key=lambda r: (r.user.email != "reviewer@bitgoeul.kr", r.user.email),
    )


def _call(
    scene: _Scene,
    *,
    title: str,
    title_en: str,
    state: str,
    opens: int,
    closes: int,
    budget: int,
    max_award: int,
    blind: bool = False,
) -> tuple[Call, bool]:
    """The call with its stages, criteria, form and eligibility rule (created: True)."""
    existing = Call.objects.filter(title=title, organizer=scene.city).first()
    if existing is not None:
        return existing, False
    now = scene.now
    call = Call.objects.create(
        title=title,
        title_en=title_en,
        body=(
            "광주광역시는 지역 인공지능 기업의 실증과 사업화를 돕기 위해 다음과 같이 "
            "지원사업을 공고합니다.\n\n- 지원 대상: 광주·전남 소재 AI 기업\n"
            f"- 지원 규모: 과제당 최대 {max_award // 1_000_000:,}백만 원"
        ),
        organizer=scene.city,
        budget=budget,
        max_award=max_award,
        opens_at=now + dt.timedelta(days=opens),
        closes_at=now + dt.timedelta(days=closes),
        blind=blind,
        state=state,
        published_at=now + dt.timedelta(days=opens),
        created_by=scene.staff,
    )
    for order, (name, name_en, rows, per_app) in enumerate(
        [
            ("서면평가", "Document review", CRITERIA, 3),
            ("발표평가", "Presentation review", PRESENTATION, 5),
        ],
        start=1,
    ):
        stage = EvaluationStage.objects.create(
            call=call,
            order=order,
            name=name,
            name_en=name_en,
            reviewers_per_application=per_app,
            review_due_at=call.closes_at + dt.timedelta(days=14 * order),
            advance_count=None if order == 2 else 8,
        )
        Criterion.objects.bulk_create(
            Criterion(stage=stage, order=i, name=n, name_en=ne, description=d, weight=w)
            for i, (n, ne, d, w) in enumerate(rows, start=1)
        )
    fields = [
        ("title", FieldKind.SHORT_TEXT, FieldMeaning.TITLE, "과제명", "Project title", True),
        ("summary", FieldKind.LONG_TEXT, FieldMeaning.SUMMARY, "과제 요약", "Summary", True),
        (
            "amount",
            FieldKind.MONEY,
            FieldMeaning.REQUESTED_AMOUNT,
            "신청 금액",
            "Requested amount",
            True,
        ),
        ("keywords", FieldKind.SHORT_TEXT, FieldMeaning.KEYWORDS, "핵심어", "Keywords", False),
        ("plan", FieldKind.FILE, FieldMeaning.NONE, "사업계획서", "Business plan", True),
        ("budget_lines", FieldKind.ROWS, FieldMeaning.NONE, "예산 명세", "Budget lines", False),
    ]
    FormField.objects.bulk_create(
        FormField(
            call=call,
            order=order,
            key=key,
            kind=kind,
            meaning=meaning,
            label=label,
            label_en=label_en,
            required=required,
            columns=(
                [
                    {"key": "item", "label": "항목", "label_en": "Item", "kind": "short_text"},
                    {"key": "amount", "label": "금액", "label_en": "Amount", "kind": "money"},
                ]
                if kind == FieldKind.ROWS
                else []
            ),
        )
        for order, (key, kind, meaning, label, label_en, required) in enumerate(fields, start=1)
    )
    EligibilityRule.objects.create(
        call=call, kind=EligibilityKind.REGION, params={"provinces": ["gwangju", "jeonnam"]}
    )
    return call, True


def _applications(
    scene: _Scene,
    call: Call,
    companies: list[Company],
    *,
    drafts: int = 0,
    state: str = ApplicationState.SUBMITTED,
) -> list[Application]:
    rng = scene.rng
    made = []
    submitted_at = min(call.closes_at, scene.now) - dt.timedelta(days=1)
    for index, company in enumerate(companies):
        title, summary, keywords = PROJECTS[index % len(PROJECTS)]
        amount = rng.randint(3, call.max_award // 10_000_000) * 10_000_000
        draft = index < drafts
        data = {
            "title": title,
            "summary": summary,
            "amount": amount,
            "keywords": ", ".join(keywords),
        }
        application = Application.objects.create(
            call=call,
            company=company,
            state=ApplicationState.DRAFT if draft else state,
            data=data,
            title=title,
            summary=summary,
            requested_amount=amount,
            keywords=keywords,
            submitted_at=None if draft else submitted_at,
        )
        if not draft:
            ApplicationRevision.objects.create(
                application=application,
                number=1,
                data=data,
                title=title,
                summary=summary,
                requested_amount=amount,
                keywords=keywords,
                submitted_at=submitted_at,
            )
        made.append(application)
    return made


def _review(
    scene: _Scene,
    call: Call,
    applications: list[Application],
    *,
    share_done: float,
    deployed: bool = True,
    strong: frozenset[int] = frozenset(),
) -> dict[int, list[float]]:
    """A deployed assignment run of the first stage (3 reviewers each, the demo reviewer on
    several) and reviews: `share_done` of them submitted with scores. Returns the totals of
    each application's submitted reviews."""
    rng = scene.rng
    stage = call.stages.get(order=1)
    criteria = list(stage.criteria.all())
    run = AssignmentRun.objects.create(
        stage=stage,
        policy="fair",
        min_load=1,
        max_load=8,
        state=RunState.DEPLOYED if deployed else RunState.PROPOSED,
        inputs={"reviewers": len(scene.reviewers), "applications": len(applications)},
        result={"objective": round(rng.uniform(20, 40), 3)},
        created_by=scene.staff,
        deployed_by=scene.staff if deployed else None,
        deployed_at=scene.now - dt.timedelta(days=3) if deployed else None,
    )
    pool = scene.reviewers[1:16]
    demo_reviewer = scene.reviewers[0]
    totals: dict[int, list[float]] = {}
    for index, application in enumerate(applications):
        Application.objects.filter(pk=application.pk).update(stage=stage)
        chosen = rng.sample(pool, 3)
        if index % 2 == 0:
            chosen[0] = demo_reviewer
        revision = application.revisions.get(number=1)
        for reviewer in chosen:
            assignment = Assignment.objects.create(
                run=run,
                stage=stage,
                application=application,
                reviewer=reviewer,
                affinity=round(rng.uniform(0.1, 0.9), 3),
                active=deployed,
                no_conflict_declared_at=scene.now - dt.timedelta(days=2),
            )
            if reviewer == demo_reviewer and index % 4 == 2:
                continue  # the demo reviewer still has reviews to do
            if rng.random() > share_done:
                continue
            review = Review.objects.create(
                assignment=assignment,
                revision=revision,
                state=ReviewState.SUBMITTED,
                comment_to_staff="사업화 계획이 구체적입니다.",
                comment_to_applicant="실증 장소와 일정이 명확하여 수행 가능성이 높습니다.",
                submitted_at=scene.now - dt.timedelta(days=1),
            )
            weighted = 0.0
            for criterion in criteria:
                # the applications in `strong` are scored high, so the engine selects them
                value = Decimal(
                    rng.randint(9, 10) if application.pk in strong else rng.randint(5, 10)
                )
                Score.objects.create(review=review, criterion=criterion, value=value)
                weighted += float(value) / criterion.max_score * criterion.weight
            review.total = round(weighted, 2)
            review.save(update_fields=["total"])
            totals.setdefault(application.pk, []).append(review.total)
    # one reviewer declared a conflict with the last application (and is not assigned to it)
    last = applications[-1]
    spare = next(r for r in scene.reviewers[16:] if r != demo_reviewer)
    Conflict.objects.get_or_create(
        application=last,
        reviewer=spare,
        source="declared",
        defaults={"detail": "과거 3년 이내 해당 기업 자문 경력", "created_by": spare.user},
    )
    return totals


def _select(
    scene: _Scene, call: Call, applications: list[Application], totals: dict[int, list[float]]
) -> tuple[SelectionRun, list[Application]]:
    """A selection run decided by the engine, as staff would start it (rank rule, mean scores,
    a fixed seed), then approved; its inputs are saved, so the run reruns to the same result."""
    from bitgoeul.programs.services.selection import (
        SelectionSettings,
        selection_run_compute,
    )

    settings = SelectionSettings(policy="rank", score_basis="mean", seed=20260301)
    run = SelectionRun.objects.create(
        call=call,
        policy=settings.policy,
        budget=call.budget,
        seed=settings.seed,
        score_basis=settings.score_basis,
        inputs={
            "settings": {
                "policy": settings.policy,
                "budget": None,
                "score_basis": settings.score_basis,
                "floor_kind": "",
                "floors": {},
                "lottery_band": None,
                "seed": settings.seed,
            }
        },
        created_by=scene.staff,
    )
    selection_run_compute(run=run)
    run.refresh_from_db()
    if run.state != RunState.PROPOSED:
        raise RuntimeError(f"the demo selection did not solve: {run.result}")
    run.state, run.approved_by = RunState.APPROVED, scene.staff
    run.approved_at = scene.now - dt.timedelta(days=1)
    run.save(update_fields=["state", "approved_by", "approved_at"])
    chosen = set(run.decisions.filter(selected=True).values_list("application_id", flat=True))
    selected = [a for a in applications if a.pk in chosen]
    for application in applications:
        Application.objects.filter(pk=application.pk).update(
            state=ApplicationState.SELECTED
            if application.pk in chosen
            else ApplicationState.NOT_SELECTED
        )
    return run, selected


def _deliver(scene: _Scene, run: SelectionRun, selected: list[Application]) -> None:
    """Signed agreements with three milestones each: the first approved (tranche released),
    a report awaiting review on the second of one award, one milestone overdue."""
    today = timezone.localdate(scene.now)
    for index, application in enumerate(selected):
        amount = application.requested_amount or 0
        award = Award.objects.create(
            application=application,
            selection_run=run,
            amount=amount,
            state=AwardState.ACTIVE,
            agreement_signed_at=scene.now - dt.timedelta(days=120),
        )
        shares = [amount * 3 // 10, amount * 4 // 10]
        shares.append(amount - sum(shares))
        dues = [
            today - dt.timedelta(days=60),
            today + dt.timedelta(days=5 + index),
            today + dt.timedelta(days=150),
        ]
        if index == len(selected) - 1:
            dues[1] = today - dt.timedelta(days=3)  # overdue: the reminder's example
        deliverables = [
            "착수 보고 및 실증 환경 구축",
            "중간 실증 결과 보고",
            "최종 결과 보고 및 성과 확산",
        ]
        for order, (deliverable, due, tranche) in enumerate(
            zip(deliverables, dues, shares, strict=True), start=1
        ):
            approved = order == 1
            milestone = Milestone.objects.create(
                award=award,
                order=order,
                deliverable=deliverable,
                due_on=due,
                tranche=tranche,
                state=MilestoneState.APPROVED if approved else MilestoneState.PENDING,
                released_at=scene.now - dt.timedelta(days=55) if approved else None,
            )
            if approved:
                _report(scene, milestone, days_ago=62, approved=True)
            elif order == 2 and index == 0:
                _report(scene, milestone, days_ago=1, approved=None)
                Milestone.objects.filter(pk=milestone.pk).update(state=MilestoneState.SUBMITTED)


def _report(scene: _Scene, milestone: Milestone, *, days_ago: int, approved: bool | None) -> None:
    company_id = milestone.award.application.company_id
    submitter = User.objects.filter(memberships__organization_id=company_id).order_by("pk").first()
    report = MilestoneReport(
        milestone=milestone,
        file_name=f"{milestone.order}차_결과보고서.pdf",
        note="계획한 실증을 마쳤습니다. 결과 보고서를 제출합니다.",
        hires=scene.rng.randint(0, 3),
        revenue=scene.rng.randint(0, 20) * 10_000_000,
        investment=0,
        products=scene.rng.randint(0, 1),
        submitted_by=submitter,
        submitted_at=scene.now - dt.timedelta(days=days_ago),
        approved=approved,
        reviewed_by=scene.staff if approved is not None else None,
        reviewed_at=scene.now - dt.timedelta(days=days_ago - 5) if approved is not None else None,
        review_note="확인했습니다." if approved else "",
    )
    report.file.save(report.file_name, ContentFile(DEMO_PDF), save=False)
    report.save()


@demo_loader("programs")
def load_programs(rng: random.Random) -> str:
    city = Organization.objects.filter(code="city").first()
    companies = _company_pool(rng)
    if city is None or len(companies) < 40:
        return "no city or demo companies: nothing to do"
    scene = _Scene(
        rng=rng,
        city=city,
        companies=companies,
        reviewers=_reviewers(rng),
        staff=User.objects.filter(email="operator@bitgoeul.kr").first(),
        now=timezone.now(),
    )
    if len(scene.reviewers) < 20:
        return "fewer than 20 demo reviewers: nothing to do"
    founder_company = companies[0]  # company-001: the demo founder's and teammate's
    made = []
    # open for applications: the founder's company has a draft
    call, created = _call(
        scene,
        title="2026년 AI 실증 지원사업 공고",
        title_en="AI demonstration support 2026",
        state=CallState.PUBLISHED,
        opens=-10,
        closes=20,
        budget=600_000_000,
        max_award=100_000_000,
    )
    if created:
        _applications(scene, call, [founder_company, *companies[1:7]], drafts=2)
        made.append(call)
    # in review: blind, reviews partly done
    call, created = _call(
        scene,
        title="2026년 AI 헬스케어 사업화 지원 공고",
        title_en="AI healthcare commercialisation support 2026",
        state=CallState.REVIEW,
        opens=-40,
        closes=-5,
        budget=500_000_000,
        max_award=80_000_000,
        blind=True,
    )
    if created:
        applications = _applications(scene, call, companies[8:20])
        _review(scene, call, applications, share_done=0.6)
        made.append(call)
    # selected: the run approved, agreements still to be signed
    call, created = _call(
        scene,
        title="2025년 AI 제조 혁신 바우처 공고",
        title_en="AI manufacturing innovation voucher 2025",
        state=CallState.SELECTION,
        opens=-90,
        closes=-45,
        budget=300_000_000,
        max_award=60_000_000,
    )
    if created:
        applications = _applications(scene, call, companies[20:30])
        totals = _review(scene, call, applications, share_done=1.0)
        run, selected = _select(scene, call, applications, totals)
        for application in selected:
            Award.objects.create(
                application=application, selection_run=run, amount=application.requested_amount or 0
            )
        made.append(call)
    # in delivery: signed agreements with milestones; the founder's company among them
    call, created = _call(
        scene,
        title="2025년 AI 바우처 실증 지원사업 공고",
        title_en="AI voucher demonstration support 2025",
        state=CallState.DELIVERY,
        opens=-240,
        closes=-200,
        budget=400_000_000,
        max_award=100_000_000,
    )
    if created:
        applications = _applications(scene, call, [founder_company, *companies[30:39]])
        # the founder's company is scored high, so the engine selects it
        totals = _review(
            scene, call, applications, share_done=1.0, strong=frozenset([applications[0].pk])
        )
        run, selected = _select(scene, call, applications, totals)
        _deliver(scene, run, selected)
        made.append(call)
    if not made:
        return f"{Call.objects.count()} calls already there"
    return (
        f"{len(made)} calls (open, in review, selected, in delivery), "
        f"{Application.objects.count()} applications, {Review.objects.count()} reviews, "
        f"{Award.objects.count()} awards, {Milestone.objects.count()} milestones"
    )
