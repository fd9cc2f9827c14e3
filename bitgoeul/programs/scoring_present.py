"""How the scoring area words what the engine decided: reasons, floor groups and rank bands, in
the page's language (the engine's own notes are English only)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.regions import PROVINCES


def group_name(group: str, chapters: Mapping[int, Organization] | None = None) -> str:
    """ "region:gwangju" → the province's name; "chapter:12" → the chapter's name."""
    kind, _sep, key = group.partition(":")
    english = (get_language() or "ko").startswith("en")
    if kind == "region":
        for province in PROVINCES:
            if province.code == key:
                return str(province.name_en) if english else province.name
    if kind == "chapter" and key.isdigit():
        chapter = (chapters or {}).get(int(key))
        if chapter is None:
            chapter = Organization.objects.filter(pk=int(key)).first()
        if chapter is not None:
            return str(chapter.display_name(get_language() or "ko"))
    return key


def reason_words(params: Mapping[str, Any], chapters: Mapping[int, Organization] | None) -> str:
    """The engine's reason (its `note_params`) as a sentence for people."""
    key = params.get("key", "")
    groups = ", ".join(group_name(g, chapters) for g in params.get("groups", []))
    if key == "selection.selected":
        return _("Selected at rank %(rank)s.") % {"rank": params.get("rank")}
    if key == "selection.floor_selected":
        return _("Selected to meet the floor of %(groups)s.") % {"groups": groups}
    if key == "selection.floor_displaced":
        return _("Not selected: the budget went to the floor of %(groups)s.") % {"groups": groups}
    if key == "selection.lottery":
        values = {
            "band": f"{float(params.get('band') or 0):g}",
            "line": f"{float(params.get('line') or 0):.2f}",
        }
        if params.get("selected"):
            return (
                _("Won the lottery among scores within %(band)s points of the line (%(line)s).")
                % values
            )
        return (
            _("Lost the lottery among scores within %(band)s points of the line (%(line)s).")
            % values
        )
    if key == "selection.budget":
        return _("Its amount (%(amount)s won) did not fit in the budget left (%(left)s won).") % {
            "amount": intcomma(int(params.get("amount") or 0)),
            "left": intcomma(int(params.get("left") or 0)),
        }
    if key == "selection.below_line":
        return _("Ranked below every selected application.")
    return ""


def band_words(band: str) -> str:
    return {
        "top10": _("top 10%"),
        "top25": _("top 25%"),
        "top50": _("top 50%"),
    }.get(band, _("lower half"))


def failure_words(
    result: Mapping[str, Any], chapters: Mapping[int, Organization] | None = None
) -> str:
    """Why a run failed, in the page's language: the floors that could not be met (the engine's
    `reason_params`), or nothing more than that it failed."""
    floors = (result.get("reason_params") or {}).get("floors") or []
    if floors and all(isinstance(f, Mapping) for f in floors):
        parts = [
            _("%(group)s reached %(reached)s of %(target)s won")
            % {
                "group": group_name(str(f.get("group", "")), chapters),
                "reached": intcomma(int(f.get("reached") or 0)),
                "target": intcomma(int(f.get("target") or 0)),
            }
            for f in floors
        ]
        return _("The floors cannot be met within the budget: %(floors)s.") % {
            "floors": "; ".join(parts)
        }
    if floors:
        names = ", ".join(group_name(str(g), chapters) for g in floors)
        return _("The floors of %(groups)s cannot be met within the budget.") % {"groups": names}
    return ""
