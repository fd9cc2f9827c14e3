"""Operator staff's pages: score weights and recomputation, risers, technology tags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bitgoeul.companies import access
from bitgoeul.companies.forms import RisenForm, TechnologyForm, WeightsForm
from bitgoeul.companies.models import ScoreRun, ScoreWeights, Technology
from bitgoeul.companies.presenters import SIGNAL_LABELS
from bitgoeul.companies.selectors import companies_risen, technology_usage, weights_current
from bitgoeul.companies.services.profile import technology_save
from bitgoeul.companies.services.scoring import score_weights_create
from bitgoeul.jobs.services import job_start


def _day_end(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _weights_reason(version: ScoreWeights) -> str:
    """Why a version exists: the note its author wrote; versions the platform made itself (the
    first one, written by a migration) carry a note for developers, so they get a description."""
    if version.created_by_id is not None:
        return version.note
    if version.version == 1:
        return _("The first weights, set when the platform was installed.")
    return _("Set by the platform, not by a person.")


@login_required
def scoring(request: HttpRequest) -> HttpResponse:
    access.require_operator_staff(request.user)
    current = weights_current()
    initial = {**current.weights, "jump_threshold": current.jump_threshold}
    form = WeightsForm(request.POST or None, initial=initial, labels=SIGNAL_LABELS)
    if request.method == "POST" and form.is_valid():
        created = score_weights_create(
            actor=request.user,
            weights=form.weights(),
            jump_threshold=form.cleaned_data["jump_threshold"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("Weights version %(version)d saved. Recompute the scores to apply it.")
            % {"version": created.version},
        )
        return redirect("companies:scoring")
    today = timezone.localdate()
    risen_form = RisenForm(
        request.GET or None,
        initial={"since": today - dt.timedelta(days=90), "until": today},
    )
    risen = []
    if risen_form.is_valid():
        risen = companies_risen(
            since=_day_end(risen_form.cleaned_data["since"]),
            until=_day_end(risen_form.cleaned_data["until"]),
        )
    versions = ScoreWeights.objects.select_related("created_by")[:20]
    context = {
        "form": form,
        "current": current,
        "versions": [
            (
                v,
                [(SIGNAL_LABELS[s], w) for s, w in v.weights.items() if s in SIGNAL_LABELS],
                _weights_reason(v),
            )
            for v in versions
        ],
        "runs": ScoreRun.objects.select_related("weights")[:10],
        "risen_form": risen_form,
        "risen": risen,
    }
    return render(request, "companies/scoring.html", context)


@login_required
@require_POST
def rescore(request: HttpRequest) -> HttpResponse:
    access.require_operator_staff(request.user)
    job = job_start(
        owner=request.user,
        kind="companies.rescore",
        title=_("Potential score recomputation"),
        params={"weights": weights_current().version},
    )
    return redirect("jobs:detail", job_id=job.pk)


def _technology_row(technology_id: int) -> Technology:
    return get_object_or_404(technology_usage(), pk=technology_id)


def _technology_form(technology: Technology, data: Any = None) -> TechnologyForm:
    form = TechnologyForm(data, instance=technology, prefix=f"t{technology.pk}")
    form.fields["name"].widget.attrs["autofocus"] = True  # htmx focuses it when the row opens
    return form


@login_required
def technologies(request: HttpRequest) -> HttpResponse:
    access.require_operator_staff(request.user)
    form = TechnologyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        technology_save(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The technology was added."))
        return redirect("companies:technologies")
    return render(
        request, "companies/technologies.html", {"form": form, "rows": technology_usage()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def technology_edit(request: HttpRequest, technology_id: int) -> HttpResponse:
    """A row of the technology table as a form (htmx swaps the row in place; without script
    the whole page shows with that row open), and its save."""
    access.require_operator_staff(request.user)
    technology = _technology_row(technology_id)
    htmx = bool(request.headers.get("HX-Request"))
    form = _technology_form(
        Technology.objects.get(pk=technology.pk), request.POST if request.method == "POST" else None
    )
    if request.method == "POST":
        if form.is_valid():
            technology_save(actor=request.user, technology=technology, **form.cleaned_data)
            if htmx:
                context = {"tech": _technology_row(technology.pk), "saved": True}
                return render(request, "companies/_technology_row.html", context)
            messages.success(request, _("The technology was saved."))
            return redirect("companies:technologies")
        if not htmx:
            messages.error(request, _("Not saved: check the code and names."))
    context = {"tech": technology, "tech_form": form}
    if htmx:
        return render(request, "companies/_technology_form_row.html", context)
    return render(
        request,
        "companies/technologies.html",
        {**context, "form": TechnologyForm(), "rows": technology_usage(), "editing": technology.pk},
    )


@login_required
def technology_row(request: HttpRequest, technology_id: int) -> HttpResponse:
    """A row of the technology table as text (the edit form's cancel)."""
    access.require_operator_staff(request.user)
    if not request.headers.get("HX-Request"):
        return redirect("companies:technologies")
    return render(
        request, "companies/_technology_row.html", {"tech": _technology_row(technology_id)}
    )
