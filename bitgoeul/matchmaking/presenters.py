"""How the ranking's facts read on a page: each `RankedSupplier.facts` entry (also kept in
`Invitation.ranking`) as one translated sentence."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from bitgoeul.companies.enums import CertificationKind
from bitgoeul.companies.regions import BY_CODE


def province_name(code: str) -> str:
    province = BY_CODE.get(code)
    if province is None:
        return ""
    return province.name if (get_language() or "ko").startswith("ko") else str(province.name_en)


def fact_text(fact: dict[str, Any]) -> str:
    code, value = fact.get("code"), fact.get("value")
    if code == "region":
        return _("Based in %(region)s") % {"region": province_name(str(value))}
    if code == "certification":
        labels = dict(CertificationKind.choices)
        kinds = ", ".join(str(labels.get(k, k)) for k in (value or []))
        return _("Valid certification: %(kinds)s") % {"kinds": kinds}
    if code == "capacity":
        n = int(value or 0)
        return ngettext(
            "Can take %(n)d more conversation", "Can take %(n)d more conversations", n
        ) % {"n": n}
    if code == "full":
        return _("No capacity left at the moment")
    if code == "delivered":
        n = int(value or 0)
        return ngettext(
            "%(n)d earlier need ended in a contract or pilot",
            "%(n)d earlier needs ended in a contract or pilot",
            n,
        ) % {"n": n}
    if code == "demonstration":
        return _("Public demonstration: %(title)s") % {"title": value}
    return ""


def facts_text(facts: list[dict[str, Any]]) -> list[str]:
    return [text for text in (fact_text(f) for f in facts) if text]
