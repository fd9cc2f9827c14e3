"""Whether a company may apply to a call: each `EligibilityRule` of the call checked against
the company record (`EligibilityKind` documents each kind's `params`).

A failure names the rule and says what the company lacks, in the reader's language ("이 공고는
광주·전남 기업만 신청할 수 있습니다. 등록된 기업 소재지는 서울입니다."). When the record lacks
the data a rule needs, the failure says which profile field to complete and links to the company
profile editor: a missing value is never read as a pass or as a fail of the rule itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import CertificationKind
from bitgoeul.companies.models import Company
from bitgoeul.companies.regions import BY_CODE, Province, province_for
from bitgoeul.programs.enums import EligibilityKind
from bitgoeul.programs.models import Award, Call, EligibilityRule


@dataclass(frozen=True)
class Failure:
    """One rule the company does not pass. `field` names the company profile field to
    complete when the record lacks the data (then `link` opens the profile editor)."""

    rule: str  # EligibilityKind value
    message: str
    field: str = ""
    link: str = ""

    @property
    def rule_label(self) -> str:
        return str(EligibilityKind(self.rule).label)


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (earlier when negative); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _province_label(province: Province) -> str:
    # the short name people use in a call's notice: 광주, 전남 / Gwangju, South Jeolla
    return str(province.name_en) if _english() else province.aliases[0]


def _join(names: list[str]) -> str:
    return ", ".join(names) if _english() else "·".join(names)


def _missing(rule: str, company: Company, field_label: str) -> Failure:
    return Failure(
        rule=rule,
        message=_(
            "This call checks %(rule)s, but your company profile has no %(field)s. Complete it "
            "in the company profile, then check again."
        )
        % {"rule": str(EligibilityKind(rule).label).lower(), "field": field_label},
        field=field_label,
        link=reverse("companies:edit", args=[company.pk]),
    )


def _region(rule: EligibilityRule, company: Company, today: dt.date) -> Failure | None:
    wanted = [p for p in (province_for(str(n)) for n in rule.params.get("provinces", [])) if p]
    if not company.province:
        return _missing(rule.kind, company, _("province"))
    if company.province in {p.code for p in wanted}:
        return None
    own = BY_CODE.get(company.province)
    return Failure(
        rule=rule.kind,
        message=_(
            "This call is only open to companies in %(regions)s. The registered location of your "
            "company is %(region)s."
        )
        % {
            "regions": _join([_province_label(p) for p in wanted]),
            "region": _province_label(own) if own else company.province,
        },
    )


def _chapter(rule: EligibilityRule, company: Company, today: dt.date) -> Failure | None:
    wanted_ids = [int(i) for i in rule.params.get("chapters", [])]
    chapter = company.organization.parent
    if chapter is None:
        # the chapter follows the province (companies.services keep them in line)
        return _missing(rule.kind, company, _("province"))
    if chapter.pk in wanted_ids:
        return None
    language = "en" if _english() else "ko"
    names = [
        str(org.display_name(language))
        for org in Organization.objects.filter(pk__in=wanted_ids).order_by("name")
    ]
    return Failure(
        rule=rule.kind,
        message=_(
            "This call is only open to member companies of %(chapters)s. Your company belongs "
            "to %(chapter)s."
        )
        % {"chapters": _join(names), "chapter": chapter.display_name(language)},
    )


def _max_age(rule: EligibilityRule, company: Company, today: dt.date) -> Failure | None:
    years = int(rule.params.get("years", 0))
    if company.founded_on is None:
        return _missing(rule.kind, company, _("founding date"))
    if company.founded_on >= add_years(today, -years):
        return None
    return Failure(
        rule=rule.kind,
        message=_(
            "This call is only open to companies founded within the last %(years)d years "
            "(on or after %(since)s). Your company was founded on %(founded)s."
        )
        % {
            "years": years,
            "since": add_years(today, -years).isoformat(),
            "founded": company.founded_on.isoformat(),
        },
    )


def _employees(rule: EligibilityRule, company: Company, today: dt.date) -> Failure | None:
    count = int(rule.params.get("count", 0))
    if company.employees is None:
        return _missing(rule.kind, company, _("number of employees"))
    if rule.kind == EligibilityKind.MIN_EMPLOYEES:
        if company.employees >= count:
            return None
        text = _(
            "This call is only open to companies with at least %(count)d employees. Your "
            "company has %(employees)d employees."
        )
    else:
        if company.employees <= count:
            return None
        text = _(
            "This call is only open to companies with at most %(count)d employees. Your "
            "company has %(employees)d employees."
        )
    return Failure(rule=rule.kind, message=text % {"count": count, "employees": company.employees})


def _certification(rule: EligibilityRule, company: Company, today: dt.date) -> Failure | None:
    kinds = [str(k) for k in rule.params.get("kinds", [])]
    held = list(company.certifications.all())
    for certification in held:
        valid = (certification.issued_on is None or certification.issued_on <= today) and (
            certification.expires_on is None or certification.expires_on >= today
        )
        if valid and certification.kind in kinds:
            return None
    labels = _join(
        [str(CertificationKind(k).label) for k in kinds if k in CertificationKind.values]
    )
    if not held:
        return Failure(
            rule=rule.kind,
            message=_(
                "This call is only open to companies with one of these certifications: "
                "%(kinds)s. Your company profile lists no certification: add yours in the "
                "company profile."
            )
            % {"kinds": labels},
            field=_("certifications"),
            link=reverse("companies:edit", args=[company.pk]),
        )
    return Failure(
        rule=rule.kind,
        message=_(
            "This call is only open to companies with one of these certifications, valid "
            "today: %(kinds)s. None of the certifications in your company profile is."
        )
        % {"kinds": labels},
        field=_("certifications"),
        link=reverse("companies:edit", args=[company.pk]),
    )


def _no_award(rule: EligibilityRule, company: Company, today: dt.date) -> Failure | None:
    years = int(rule.params.get("years", 0))
    since = add_years(today, -years)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    award = (
        Award.objects.filter(application__company=company, created_at__gte=start)
        .select_related("application__call")
        .order_by("-created_at")
        .first()
    )
    if award is None:
        return None
    call = award.application.call
    return Failure(
        rule=rule.kind,
        message=_(
            "This call is not open to companies that received an award in the last %(years)d "
            "years. Your company received one on %(date)s (%(call)s)."
        )
        % {
            "years": years,
            "date": timezone.localdate(award.created_at).isoformat(),
            "call": (call.title_en or call.title) if _english() else call.title,
        },
    )


CHECKS: dict[str, Any] = {
    EligibilityKind.REGION: _region,
    EligibilityKind.CHAPTER: _chapter,
    EligibilityKind.MAX_AGE_YEARS: _max_age,
    EligibilityKind.MIN_EMPLOYEES: _employees,
    EligibilityKind.MAX_EMPLOYEES: _employees,
    EligibilityKind.CERTIFICATION: _certification,
    EligibilityKind.NO_AWARD_SINCE: _no_award,
}


# rules read from the company profile (earlier awards come from this app's own records)
PROFILE_RULES = set(EligibilityKind.values) - {EligibilityKind.NO_AWARD_SINCE}


def check_eligibility(call: Call, company: Company, today: dt.date) -> list[Failure]:
    """Every rule of the call the company does not pass on `today` (Asia/Seoul), in the
    order the rules were written; an empty list means the company may apply."""
    failures = []
    for rule in call.eligibility_rules.all():
        check = CHECKS.get(rule.kind)
        if check is None:  # an unknown kind is a data error, never a silent pass
            raise ValueError(f"unknown eligibility rule kind {rule.kind!r}")
        failure = check(rule, company, today)
        if failure is not None and not failure.link and rule.kind in PROFILE_RULES:
            # the record may be out of date: offer the editor where it is corrected
            failure = replace(failure, link=reverse("companies:edit", args=[company.pk]))
        if failure is not None:
            failures.append(failure)
    return failures
