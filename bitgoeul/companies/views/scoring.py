"""Operator staff's pages: score weights and recomputation, risers, technology tags."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

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
            (v, [(SIGNAL_LABELS[s], w) for s, w in v.weights.items() if s in SIGNAL_LABELS])
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


@login_required
def technologies(request: HttpRequest) -> HttpResponse:
    access.require_operator_staff(request.user)
    form = TechnologyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        technology_save(actor=request.user, **form.cleaned_data)
        messages.success(request, _("The technology was added."))
        return redirect("companies:technologies")
    rows = [(t, TechnologyForm(instance=t, prefix=f"t{t.pk}")) for t in technology_usage()]
    return render(request, "companies/technologies.html", {"form": form, "rows": rows})


@login_required
@require_POST
def technology_edit(request: HttpRequest, technology_id: int) -> HttpResponse:
    access.require_operator_staff(request.user)
    technology = get_object_or_404(Technology, pk=technology_id)
    form = TechnologyForm(
        request.POST, instance=Technology.objects.get(pk=technology.pk), prefix=f"t{technology.pk}"
    )
    if form.is_valid():
        technology_save(actor=request.user, technology=technology, **form.cleaned_data)
        messages.success(request, _("The technology was saved."))
    else:
        messages.error(request, _("Not saved: check the code and names."))
    return redirect("companies:technologies")
