"""Eligibility rules in words, in the reader's language (the call's page, the API, the builder)."""

from __future__ import annotations

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.enums import CertificationKind
from bitgoeul.companies.regions import BY_CODE
from bitgoeul.programs.enums import EligibilityKind
from bitgoeul.programs.models import EligibilityRule


def _province(code: str) -> str:
    province = BY_CODE.get(code)
    if province is None:
        return code
    return str(province.name_en) if (get_language() or "ko").startswith("en") else province.name


def _join(names: list[str]) -> str:
    return ", ".join(names)


def rule_sentence(rule: EligibilityRule, chapters: dict[int, Organization] | None = None) -> str:
    """One rule as a sentence: "Companies located in Gwangju, South Jeolla", "Founded no more
    than 7 years ago". `chapters` (id → organisation) saves a query per chapter rule."""
    params = rule.params or {}
    english = (get_language() or "ko").startswith("en")
    if rule.kind == EligibilityKind.REGION:
        names = _join([_province(code) for code in params.get("provinces", [])])
        return _("Companies located in %(provinces)s") % {"provinces": names}
    if rule.kind == EligibilityKind.CHAPTER:
        ids = [int(pk) for pk in params.get("chapters", [])]
        found = chapters if chapters is not None else Organization.objects.in_bulk(ids)
        names = _join(
            [
                (found[pk].name_en or found[pk].name) if english else found[pk].name
                for pk in ids
                if pk in found
            ]
        )
        return _("Member companies of %(chapters)s") % {"chapters": names}
    if rule.kind == EligibilityKind.MAX_AGE_YEARS:
        years = int(params.get("years", 0))
        return ngettext(
            "Founded no more than %(years)d year ago",
            "Founded no more than %(years)d years ago",
            years,
        ) % {"years": years}
    if rule.kind == EligibilityKind.MIN_EMPLOYEES:
        count = int(params.get("count", 0))
        return ngettext("At least %(count)d employee", "At least %(count)d employees", count) % {
            "count": count
        }
    if rule.kind == EligibilityKind.MAX_EMPLOYEES:
        count = int(params.get("count", 0))
        return ngettext("At most %(count)d employee", "At most %(count)d employees", count) % {
            "count": count
        }
    if rule.kind == EligibilityKind.CERTIFICATION:
        labels = dict(CertificationKind.choices)
        names = _join([str(labels.get(kind, kind)) for kind in params.get("kinds", [])])
        return _("Holds one of these certifications: %(kinds)s") % {"kinds": names}
    if rule.kind == EligibilityKind.NO_AWARD_SINCE:
        years = int(params.get("years", 0))
        return ngettext(
            "No award from any call in the last %(years)d year",
            "No award from any call in the last %(years)d years",
            years,
        ) % {"years": years}
    return str(EligibilityKind(rule.kind).label)


def rule_sentences(rules: list[EligibilityRule]) -> list[tuple[EligibilityRule, str]]:
    """Each rule with its sentence; the chapters of every chapter rule read in one query."""
    ids = {
        int(pk)
        for rule in rules
        if rule.kind == EligibilityKind.CHAPTER
        for pk in (rule.params or {}).get("chapters", [])
    }
    chapters = Organization.objects.in_bulk(ids) if ids else {}
    return [(rule, rule_sentence(rule, chapters)) for rule in rules]
