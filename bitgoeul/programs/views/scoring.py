"""Reviewer pages (my reviews, the scoring form, file downloads), the staff score table and its
export, selection runs (start, what-if, rerun, approve) and the applicant's evaluation result.

Reviewer pages show the applicant's identity only when `access.application_fields` says so
(never in a blind call); files are named by application number and field, never as uploaded.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bitgoeul.accounts.models import Organization
from bitgoeul.core.cells import neutralise_row
from bitgoeul.programs import access
from bitgoeul.programs.enums import FieldKind, ReviewState, RunState
from bitgoeul.programs.models import (
    ApplicationFile,
    ApplicationRevision,
    Assignment,
    Award,
    Criterion,
    FormField,
    Review,
    SelectionRun,
)
from bitgoeul.programs.scoring_forms import ScoreForm, SelectionForm
from bitgoeul.programs.scoring_present import (
    band_words,
    failure_words,
    group_name,
    reason_words,
)
from bitgoeul.programs.selectors import reviewer_assignment_list, score_table, scoring_stage
from bitgoeul.programs.services.reviews import (
    ReviewError,
    review_reopen,
    review_save,
    review_submit,
)
from bitgoeul.programs.services.selection import (
    SelectionError,
    selection_approve,
    selection_rerun,
    selection_start,
    selection_summaries,
    selection_what_if,
)

# --- reviewer -------------------------------------------------------------------------------------


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    rows = list(reviewer_assignment_list(request.user))
    for assignment in rows:
        review = getattr(assignment, "review", None)
        assignment.review_state = review.state if review else ""  # type: ignore[attr-defined]
    return render(request, "programs/scoring/my_reviews.html", {"assignments": rows})


def _revision_shown(assignment: Assignment, review: Review | None) -> ApplicationRevision:
    if review is not None:
        return review.revision
    revision = assignment.application.revisions.order_by("-number").first()
    if revision is None:
        raise Http404
    return revision


def _answers(assignment: Assignment, revision: ApplicationRevision) -> list[dict[str, Any]]:
    """The revision's answers in form order, read-only; file fields list their files by the
    names reviewers see."""
    files: dict[str, list[ApplicationFile]] = {}
    for upload in revision.files.order_by("pk"):
        files.setdefault(upload.field_key, []).append(upload)
    english = request_language_is_english()
    out = []
    for field in FormField.objects.filter(call_id=assignment.application.call_id):
        value = revision.data.get(field.key)
        label = field.label_en if english and field.label_en else field.label
        answer: dict[str, Any] = {"label": label, "kind": field.kind, "value": value}
        if field.kind == FieldKind.CHOICE:
            for option in field.options:
                if option.get("value") == value:
                    answer["value"] = (
                        option.get("label_en") if english and option.get("label_en") else None
                    ) or option.get("label", value)
        elif field.kind == FieldKind.ROWS:
            columns = field.columns or []
            answer["columns"] = [
                (c.get("label_en") if english and c.get("label_en") else c.get("label", ""))
                for c in columns
            ]
            answer["rows"] = [
                [row.get(c.get("key"), "") for c in columns]
                for row in (value if isinstance(value, list) else [])
            ]
        elif field.kind == FieldKind.MONEY and isinstance(value, int):
            answer["value"] = _("%(amount)s won") % {"amount": intcomma(value)}
        elif field.kind == FieldKind.FILE:
            answer["files"] = [
                (f, reviewer_file_name(assignment.application_id, field.key, f, n))
                for n, f in enumerate(files.get(field.key, []), start=1)
            ]
        out.append(answer)
    return out


def request_language_is_english() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "ko").startswith("en")


def reviewer_file_name(application_id: int, field_key: str, upload: ApplicationFile, n: int) -> str:
    """The name a reviewer's download gets: application number, field and position; the name as
    uploaded could carry the company's name."""
    suffix = PurePosixPath(upload.name).suffix.lower() or (f".{upload.kind}" if upload.kind else "")
    return f"application-{application_id}-{field_key}-{n}{suffix}"


@login_required
def review_score(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The scoring form for one assignment (GET shows, POST saves a draft or submits)."""
    assignment = access.assignment_for_reviewer(request.user, assignment_id)
    application = assignment.application
    review = Review.objects.select_related("revision").filter(assignment=assignment).first()
    criteria = list(Criterion.objects.filter(stage_id=assignment.stage_id).order_by("order", "pk"))
    revision = _revision_shown(assignment, review)
    if request.method == "POST":
        form = ScoreForm(request.POST, criteria=criteria, review=review)
        if form.is_valid():
            try:
                review = review_save(
                    assignment=assignment,
                    actor=request.user,
                    scores=form.scores(),
                    comment_to_staff=form.cleaned_data["comment_to_staff"],
                    comment_to_applicant=form.cleaned_data["comment_to_applicant"],
                    revision=revision,
                )
                if request.POST.get("action") == "submit":
                    review_submit(review=review, actor=request.user)
                    messages.success(request, _("Your review was submitted."))
                    return redirect("programs:my_reviews")
                messages.success(request, _("Your draft was saved."))
                return redirect("programs:review_score", assignment.pk)
            except ReviewError as exc:
                messages.error(request, str(exc))
                review = Review.objects.filter(assignment=assignment).first()
    else:
        form = ScoreForm(criteria=criteria, review=review)
    fields = access.application_fields(request.user, application)
    context = {
        "assignment": assignment,
        "application": application,
        "call": application.call,
        "stage": assignment.stage,
        "review": review,
        "submitted": review is not None and review.state == ReviewState.SUBMITTED,
        "revision": revision,
        "answers": _answers(assignment, revision),
        "form": form,
        "show_identity": "identity" in fields,
        "company_name": (application.company.organization.name if "identity" in fields else ""),
    }
    return render(request, "programs/scoring/review_score.html", context)


@login_required
def review_file(request: HttpRequest, assignment_id: int, file_id: int) -> FileResponse:
    """A file of the revision the reviewer reads, named by application number and field."""
    assignment = access.assignment_for_reviewer(request.user, assignment_id)
    review = Review.objects.select_related("revision").filter(assignment=assignment).first()
    revision = _revision_shown(assignment, review)
    upload = ApplicationFile.objects.filter(pk=file_id, revision=revision).first()
    if upload is None:
        raise Http404
    position = (
        list(
            revision.files.filter(field_key=upload.field_key)
            .order_by("pk")
            .values_list("pk", flat=True)
        ).index(upload.pk)
        + 1
    )
    name = reviewer_file_name(assignment.application_id, upload.field_key, upload, position)
    return FileResponse(upload.file.open("rb"), as_attachment=True, filename=name)


# --- staff: score table, reopen -------------------------------------------------------------------


def _table_context(request: HttpRequest, call_id: int) -> dict[str, Any]:
    call = access.call_for_staff(request.user, call_id)
    stages = list(call.stages.order_by("order"))
    stage = None
    wanted = request.GET.get("stage", "")
    if wanted.isdigit():
        stage = next((s for s in stages if s.pk == int(wanted)), None)
    stage = stage or scoring_stage(call)
    rows = score_table(stage) if stage else []
    return {"call": call, "stage": stage, "stages": stages, "rows": rows}


@login_required
def score_table_page(request: HttpRequest, call_id: int) -> HttpResponse:
    return render(request, "programs/scoring/score_table.html", _table_context(request, call_id))


def _number(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


@login_required
def score_table_export(request: HttpRequest, call_id: int) -> HttpResponse:
    """The score table as XLSX for the call's staff (cells neutralised against formulas)."""
    from openpyxl import Workbook

    context = _table_context(request, call_id)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Scores"))
    sheet.append(
        neutralise_row(
            [
                _("Application no."),
                _("Company"),
                _("Project title"),
                _("Reviews"),
                _("Mean"),
                _("Trimmed mean"),
                _("Calibrated score"),
                _("Spread"),
                _("Reviewers disagree"),
                _("n/a answers"),
                _("Each reviewer's total"),
            ]
        )
    )
    for row in context["rows"]:
        agg = row.aggregate
        sheet.append(
            neutralise_row(
                [
                    row.application.pk,
                    row.application.company.organization.name,
                    row.application.title,
                    agg.count if agg else 0,
                    _number(agg.mean) if agg else None,
                    _number(agg.trimmed) if agg else None,
                    _number(agg.calibrated) if agg else None,
                    _number(agg.spread) if agg else None,
                    _("yes") if agg and agg.disagreement else "",
                    row.not_applicable,
                    "; ".join(
                        f"{c.reviewer}: {'—' if c.total is None else f'{c.total:.2f}'}"
                        for c in row.cells
                    ),
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="scores-call-{call_id}.xlsx"'
    return response


@login_required
@require_POST
def review_reopen_view(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access.review_for_staff(request.user, review_id)
    call_id = review.assignment.application.call_id
    try:
        review_reopen(review=review, actor=request.user, note=request.POST.get("note", "")[:500])
        messages.success(request, _("The review was reopened and its reviewer told."))
    except ReviewError as exc:
        messages.error(request, str(exc))
    return redirect("programs:score_table", call_id)


# --- staff: selection -----------------------------------------------------------------------------


@login_required
def selection(request: HttpRequest, call_id: int) -> HttpResponse:
    """The call's selection runs and the form to start one (POST starts it)."""
    call = access.call_for_staff(request.user, call_id)
    if request.method == "POST":
        form = SelectionForm(request.POST)
        if form.is_valid():
            try:
                run = selection_start(call=call, actor=request.user, settings=form.settings())
            except SelectionError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The selection run started."))
                return redirect("programs:selection_run", run.pk)
    else:
        form = SelectionForm(initial={"budget": call.budget, "score_basis": "calibrated"})
    runs = SelectionRun.objects.filter(call=call).order_by("-created_at", "-pk")
    return render(
        request,
        "programs/scoring/selection.html",
        {"call": call, "form": form, "runs": runs},
    )


@login_required
def selection_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run with each application's rank, score, amount, decision and reason in words, and the
    what-ifs (budget −10% / +10%, the other policy) side by side."""
    run = access.selection_run_for_staff(request.user, run_id)
    decisions = list(
        run.decisions.select_related("application__company__organization").order_by("rank")
    )
    notes = (run.result or {}).get("notes", {})
    chapter_ids = {
        int(g.split(":", 1)[1])
        for c in run.inputs.get("candidates", [])
        for g in c.get("groups", [])
        if g.startswith("chapter:") and g.split(":", 1)[1].isdigit()
    }
    chapters = {o.pk: o for o in Organization.objects.filter(pk__in=chapter_ids)}
    variants = []
    if decisions and "candidates" in run.inputs:
        variants = selection_what_if(run.inputs)
    rows = [
        {
            "decision": d,
            "reason": reason_words(notes.get(str(d.application_id), {}), chapters),
            "variants": [str(d.application_id) in v.selected for v in variants],
        }
        for d in decisions
    ]
    floors = [
        (group_name(g, chapters), share)
        for g, share in (run.inputs.get("group_floors") or {}).items()
    ]
    context = {
        "run": run,
        "call": run.call,
        "rows": rows,
        "variants": variants,
        "floors": floors,
        "selected_count": sum(1 for d in decisions if d.selected),
        "spent": sum(d.amount for d in decisions if d.selected),
        "unscored": len(run.inputs.get("unscored", [])),
        "inputs_sha256": (run.result or {}).get("inputs_sha256", ""),
        "failure": failure_words(run.result or {}, chapters) if run.state == "failed" else "",
    }
    return render(request, "programs/scoring/selection_run.html", context)


@login_required
@require_POST
def selection_rerun_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.selection_run_for_staff(request.user, run_id)
    try:
        again = selection_rerun(run=run, actor=request.user)
    except SelectionError as exc:
        messages.error(request, str(exc))
        return redirect("programs:selection_run", run.pk)
    messages.success(request, _("The run is being computed again from its saved inputs."))
    return redirect("programs:selection_run", again.pk)


@login_required
@require_POST
def selection_approve_view(request: HttpRequest, run_id: int) -> HttpResponse:
    run = access.selection_run_for_staff(request.user, run_id)
    try:
        selection_approve(run=run, actor=request.user)
    except SelectionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The selection was approved and the applicants were told."))
    return redirect("programs:selection_run", run.pk)


# --- applicant: the result and the evaluation summary ---------------------------------------------


@login_required
def application_result(request: HttpRequest, application_id: int) -> HttpResponse:
    """What the applicant learns: selected or not, the amount, the calibrated score, the rank
    band and the reviewers' comments to the applicant (never who wrote them)."""
    application = access.application_for_result(request.user, application_id)
    run = SelectionRun.objects.filter(call_id=application.call_id, state=RunState.APPROVED).first()
    decision = run.decisions.filter(application=application).first() if run else None
    summary = selection_summaries(run, [application.pk])[application.pk] if run else {}
    context = {
        "application": application,
        "call": application.call,
        "decision": decision,
        "award": Award.objects.filter(application=application).first(),
        "score": summary.get("score"),
        "band": band_words(summary["band"]) if summary else "",
        "comments": summary.get("comments", []),
    }
    return render(request, "programs/scoring/result.html", context)
