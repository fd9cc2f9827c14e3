"""Reads of the programs app that views, the API and exports share (one section per area)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from bitgoeul.accounts.types import Viewer
from bitgoeul.core.visibility import ViewLevel
from bitgoeul.programs import access
from bitgoeul.programs.diffs import FieldDiff, answers_diff
from bitgoeul.programs.enums import ApplicationState
from bitgoeul.programs.models import Application, ApplicationFile, ApplicationRevision, Call

# --- apps (applications) -------------------------------------------------------------------------


def my_applications(user: Viewer) -> QuerySet[Application]:
    """The applications of the user's companies (drafts included), latest first."""
    return (
        Application.objects.filter(company_id__in=access.applicant_company_ids(user))
        .select_related("call", "company__organization")
        .order_by("-updated_at", "-pk")
    )


# sort code → ordering of the staff list (the last key keeps pages stable)
LIST_SORTS: dict[str, tuple[str, ...]] = {
    "-submitted": ("-submitted_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "amount": ("requested_amount", "pk"),
    "-amount": ("-requested_amount", "pk"),
    "title": ("title", "pk"),
    "company": ("company__organization__name", "pk"),
}
# What the staff list reads with each row, in the same query. The benchmark's baseline sets it
# to () to measure the page without its query optimisations (benchmarks/bench_programs_list.py).
STAFF_LIST_RELATED: tuple[str, ...] = ("company__organization__parent",)


@dataclass(frozen=True)
class ApplicationFilters:
    state: str = ""
    province: str = ""
    amount_min: int | None = None
    amount_max: int | None = None
    q: str = ""
    sort: str = "-submitted"

    def as_params(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "province": self.province,
            "amount_min": self.amount_min,
            "amount_max": self.amount_max,
            "q": self.q,
            "sort": self.sort,
        }


def call_applications(
    *, call: Call, viewer: Viewer, filters: ApplicationFilters
) -> QuerySet[Application]:
    """The submitted applications of a call the viewer is staff of, filtered and sorted. The
    rows are those `access.applications_at_least(viewer, PRIVATE)` gives (never drafts)."""
    rows = Application.objects.filter(
        access.applications_at_least(viewer, ViewLevel.PRIVATE), call=call
    ).exclude(state=ApplicationState.DRAFT)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.province:
        rows = rows.filter(company__province=filters.province)
    if filters.amount_min is not None:
        rows = rows.filter(requested_amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        rows = rows.filter(requested_amount__lte=filters.amount_max)
    if filters.q.strip():
        text = filters.q.strip()
        rows = rows.filter(Q(title__icontains=text) | Q(summary__icontains=text))
    ordering = LIST_SORTS.get(filters.sort, LIST_SORTS["-submitted"])
    if STAFF_LIST_RELATED:  # (select_related() with no names would follow every foreign key)
        rows = rows.select_related(*STAFF_LIST_RELATED)
    return rows.order_by(*ordering)


def application_revisions(application: Application) -> list[ApplicationRevision]:
    return list(application.revisions.select_related("submitted_by").order_by("number"))


def draft_files(application: Application) -> dict[str, list[ApplicationFile]]:
    """The draft's files by field key."""
    out: dict[str, list[ApplicationFile]] = defaultdict(list)
    for stored in ApplicationFile.objects.filter(application=application, revision=None).order_by(
        "pk"
    ):
        out[stored.field_key].append(stored)
    return dict(out)


def revision_files(revision: ApplicationRevision) -> dict[str, list[ApplicationFile]]:
    out: dict[str, list[ApplicationFile]] = defaultdict(list)
    for stored in revision.files.order_by("pk"):
        out[stored.field_key].append(stored)
    return dict(out)


def revision_diff(
    application: Application, before: ApplicationRevision, after: ApplicationRevision
) -> list[FieldDiff]:
    """Two revisions of the application compared field by field (the form's order)."""
    names: dict[int, dict[str, list[str]]] = {before.pk: {}, after.pk: {}}
    for stored in ApplicationFile.objects.filter(revision__in=[before, after]):
        assert stored.revision_id is not None
        names[stored.revision_id].setdefault(stored.field_key, []).append(stored.name)
    return answers_diff(
        list(application.call.form_fields.all()),
        before.data,
        after.data,
        names[before.pk],
        names[after.pk],
    )
