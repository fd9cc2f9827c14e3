"""Staff pages of calls: the list of calls a person staffs, and the call builder (notice,
attachments, stages and criteria, eligibility rules, application form, publication).

Who: `access.can_open_calls` creates; `access.is_call_staff` edits (`call_for_staff`: 404 for
a draft they may not see, 403 for a call they may only read). Every write is a service; a
service's ValidationError is shown on the form it came from."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from bitgoeul.programs import access, selectors
from bitgoeul.programs.enums import CallState
from bitgoeul.programs.forms.calls import (
    AttachmentForm,
    CallForm,
    CriterionForm,
    FormFieldForm,
    RuleForm,
    StageForm,
    apply_errors,
)
from bitgoeul.programs.models import (
    Call,
    CallAttachment,
    Criterion,
    EligibilityRule,
    EvaluationStage,
    FormField,
)
from bitgoeul.programs.rule_words import rule_sentences
from bitgoeul.programs.services import call_forms, call_stages
from bitgoeul.programs.services import calls as services

STATE_ACTIONS = {
    CallState.PUBLISHED: gettext_lazy("Publish the call"),
    CallState.REVIEW: gettext_lazy("Close applications and start review"),
    CallState.SELECTION: gettext_lazy("Move to selection"),
    CallState.DELIVERY: gettext_lazy("Move to delivery"),
    CallState.CLOSED: gettext_lazy("Close the call"),
}

# The staff steps of a call, in order (the "Steps" section of the call's page): which one the
# call's state is at, and what staff do next.
CURRENT_STEP = {
    CallState.DRAFT: "",
    CallState.PUBLISHED: "applications",
    CallState.REVIEW: "review",
    CallState.SELECTION: "selection",
    CallState.DELIVERY: "awards",
    CallState.CLOSED: "awards",
}
NEXT_STEP = {
    CallState.DRAFT: gettext_lazy("Complete the call below, then publish it."),
    CallState.PUBLISHED: gettext_lazy(
        "Applications are open. After the closing time, close applications and start review."
    ),
    CallState.REVIEW: gettext_lazy(
        "Check conflicts of interest, assign reviewers for each stage and follow the scores; "
        "when the reviewing is over, move to selection."
    ),
    CallState.SELECTION: gettext_lazy(
        "Run the selection and approve one run: the call then moves to delivery."
    ),
    CallState.DELIVERY: gettext_lazy(
        "Record the agreements and follow the milestones; close the call when they are done."
    ),
    CallState.CLOSED: gettext_lazy("The call is closed."),
}


def _call_form(user: Any, data: Any = None, initial: Any = None) -> CallForm:
    return CallForm(
        data,
        initial=initial,
        organizers=access.call_organizer_choices(user),
        co_organizers=access.call_co_organizer_choices(),
    )


@login_required
def call_staff_list(request: HttpRequest) -> HttpResponse:
    if not access.calls_staff_may_list(request.user):
        raise PermissionDenied
    calls = list(selectors.calls_for_staff(request.user))
    return render(
        request,
        "programs/calls/staff_list.html",
        {"calls": calls, "can_open_calls": access.can_open_calls(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request: HttpRequest) -> HttpResponse:
    access.require_can_open_calls(request.user)
    form = _call_form(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The call was saved as a draft. Add its stages and form."))
            return redirect("programs:call_manage", call_id=call.pk)
    return render(request, "programs/calls/edit.html", {"form": form, "call": None})


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    initial = {
        **{name: getattr(call, name) for name in services.CALL_FIELDS if name != "co_organizers"},
        "co_organizers": list(call.co_organizers.all()),
    }
    form = _call_form(
        request.user, request.POST if request.method == "POST" else None, initial=initial
    )
    # The current organiser stays a choice even for staff of a co-organiser.
    organizer_field = form.fields["organizer"]
    organizer_field.queryset = (  # type: ignore[attr-defined]
        organizer_field.queryset | type(call.organizer).objects.filter(pk=call.organizer_id)  # type: ignore[attr-defined]
    ).distinct()
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The call was saved."))
            return redirect("programs:call_manage", call_id=call.pk)
    return render(request, "programs/calls/edit.html", {"form": form, "call": call})


def _manage_context(call: Call, **forms: Any) -> dict[str, Any]:
    parts = selectors.call_detail_parts(call)
    stages = parts["stages"]
    stage_forms = forms.pop("stage_forms", {})
    for stage in stages:
        stage.total = sum(c.weight for c in stage.criteria.all())
        stage.criterion_form = stage_forms.get(stage.pk) or CriterionForm(prefix=f"c{stage.pk}")
    # delivery is not a button here: approving a selection run moves the call there (with the
    # awards it creates), and `call_set_state` refuses it without one
    next_states = sorted(services.TRANSITIONS[call.state] - {CallState.DELIVERY})
    return {
        "call": call,
        "steps": selectors.call_steps(call),
        "current_step": CURRENT_STEP[CallState(call.state)],
        "next_step": NEXT_STEP[CallState(call.state)],
        "stages": stages,
        "rules": rule_sentences(parts["rules"]),
        "attachments": parts["attachments"],
        "co_organizers": parts["co_organizers"],
        "fields": list(call.form_fields.all()),
        "problems": services.call_publish_problems(call) if call.state == CallState.DRAFT else [],
        "next_actions": [(state, STATE_ACTIONS[CallState(state)]) for state in next_states],
        "can_edit_notice": call.state in services.NOTICE_STATES,
        "can_edit_structure": call.state in services.STRUCTURE_STATES,
        "can_edit_criteria": call.state in services.CRITERIA_STATES,
        "can_edit_stages": call.state in services.STAGE_STATES,
        "stage_form": forms.get("stage_form") or StageForm(prefix="stage"),
        "rule_form": forms.get("rule_form") or RuleForm(prefix="rule"),
        "field_form": forms.get("field_form") or FormFieldForm(prefix="field"),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(prefix="attachment"),
    }


@login_required
def call_manage(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    return render(request, "programs/calls/manage.html", _manage_context(call))


def _back(call: Call, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('programs:call_manage', args=[call.pk])}#{anchor}")


def _run(
    request: HttpRequest,
    call: Call,
    action: Callable[[], object],
    *,
    success: str,
    anchor: str,
    form: Any = None,
    form_key: str = "",
) -> HttpResponse:
    """Run a service; on success go back to the builder with a message, on a ValidationError
    show the builder again with the error on the form (or as a message)."""
    try:
        action()
    except ValidationError as error:
        if form is not None:
            apply_errors(form, error)
            context = _manage_context(call, **{form_key: form})
            return render(request, "programs/calls/manage.html", context, status=200)
        for message in error.messages:
            messages.error(request, message)
        return _back(call, anchor)
    messages.success(request, success)
    return _back(call, anchor)


def _invalid(request: HttpRequest, call: Call, form_key: str, form: Any) -> HttpResponse:
    return render(request, "programs/calls/manage.html", _manage_context(call, **{form_key: form}))


@login_required
@require_POST
def call_state(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    state = request.POST.get("state", "")
    if state not in CallState.values:
        messages.error(request, _("Choose what to do with the call."))
        return _back(call, "state")
    try:
        services.call_set_state(call=call, state=state, actor=request.user)
    except services.IllegalTransition:
        messages.error(request, _("The call has moved on already: this step is not possible now."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The call is now: %(state)s.") % {"state": CallState(state).label},
        )
    return _back(call, "state")


# --- attachments -------------------------------------------------------------------------------


@login_required
@require_POST
def call_attachment_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if not form.is_valid():
        return _invalid(request, call, "attachment_form", form)
    upload = form.cleaned_data["file"]
    return _run(
        request,
        call,
        lambda: services.call_attachment_add(call=call, actor=request.user, upload=upload),
        success=_("The file was attached."),
        anchor="attachments",
        form=form,
        form_key="attachment_form",
    )


@login_required
@require_POST
def call_attachment_remove(request: HttpRequest, call_id: int, attachment_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    attachment = get_object_or_404(CallAttachment, call=call, pk=attachment_id)
    return _run(
        request,
        call,
        lambda: services.call_attachment_remove(attachment=attachment, actor=request.user),
        success=_("The file was removed."),
        anchor="attachments",
    )


# --- stages and criteria -----------------------------------------------------------------------


def _stage(call: Call, stage_id: int) -> EvaluationStage:
    return get_object_or_404(EvaluationStage.objects.select_related("call"), call=call, pk=stage_id)


def _criterion(call: Call, criterion_id: int) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("stage__call"), stage__call=call, pk=criterion_id
    )


def _moved(ids: list[int], pk: int, direction: str) -> list[int]:
    """`ids` with `pk` moved one place up or down."""
    index = ids.index(pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
    return ids


@login_required
@require_POST
def stage_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    form = StageForm(request.POST, prefix="stage")
    if not form.is_valid():
        return _invalid(request, call, "stage_form", form)
    return _run(
        request,
        call,
        lambda: call_stages.stage_create(call=call, actor=request.user, **form.cleaned_data),
        success=_("The stage was added."),
        anchor="stages",
        form=form,
        form_key="stage_form",
    )


def _edit_page(
    request: HttpRequest,
    call: Call,
    form: Any,
    title: str,
    save: Callable[[], object],
    anchor: str,
) -> HttpResponse:
    """The page that edits one part of a call (a stage, a criterion, a rule, a field)."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return _back(call, anchor)
    return render(
        request, "programs/calls/part_edit.html", {"call": call, "form": form, "title": title}
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, call_id: int, stage_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    stage = _stage(call, stage_id)
    initial = {name: getattr(stage, name) for name in call_stages.STAGE_FIELDS}
    form = StageForm(request.POST if request.method == "POST" else None, initial=initial)
    return _edit_page(
        request,
        call,
        form,
        _("Edit the stage “%(name)s”") % {"name": stage.name},
        lambda: call_stages.stage_update(stage=stage, actor=request.user, **form.cleaned_data),
        "stages",
    )


@login_required
@require_POST
def stage_delete(request: HttpRequest, call_id: int, stage_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    stage = _stage(call, stage_id)
    return _run(
        request,
        call,
        lambda: call_stages.stage_delete(stage=stage, actor=request.user),
        success=_("The stage was deleted."),
        anchor="stages",
    )


@login_required
@require_POST
def stage_move(request: HttpRequest, call_id: int, stage_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    stage = _stage(call, stage_id)
    ids = _moved(
        list(call.stages.values_list("pk", flat=True)), stage.pk, request.POST.get("direction", "")
    )
    return _run(
        request,
        call,
        lambda: call_stages.stage_reorder(call=call, actor=request.user, stage_ids=ids),
        success=_("The stages were reordered."),
        anchor="stages",
    )


@login_required
@require_POST
def criterion_add(request: HttpRequest, call_id: int, stage_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    stage = _stage(call, stage_id)
    form = CriterionForm(request.POST, prefix=f"c{stage.pk}")
    if not form.is_valid():
        return _invalid(request, call, "stage_forms", {stage.pk: form})
    try:
        call_stages.criterion_create(stage=stage, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        apply_errors(form, error)
        return _invalid(request, call, "stage_forms", {stage.pk: form})
    messages.success(request, _("The criterion was added."))
    return _back(call, f"stage-{stage.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, call_id: int, criterion_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    criterion = _criterion(call, criterion_id)
    initial = {name: getattr(criterion, name) for name in call_stages.CRITERION_FIELDS}
    form = CriterionForm(request.POST if request.method == "POST" else None, initial=initial)
    return _edit_page(
        request,
        call,
        form,
        _("Edit the criterion “%(name)s”") % {"name": criterion.name},
        lambda: call_stages.criterion_update(
            criterion=criterion, actor=request.user, **form.cleaned_data
        ),
        f"stage-{criterion.stage_id}",
    )


@login_required
@require_POST
def criterion_delete(request: HttpRequest, call_id: int, criterion_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    criterion = _criterion(call, criterion_id)
    return _run(
        request,
        call,
        lambda: call_stages.criterion_delete(criterion=criterion, actor=request.user),
        success=_("The criterion was deleted."),
        anchor=f"stage-{criterion.stage_id}",
    )


@login_required
@require_POST
def criterion_move(request: HttpRequest, call_id: int, criterion_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    criterion = _criterion(call, criterion_id)
    stage = criterion.stage
    ids = _moved(
        list(stage.criteria.order_by("order", "pk").values_list("pk", flat=True)),
        criterion.pk,
        request.POST.get("direction", ""),
    )
    return _run(
        request,
        call,
        lambda: call_stages.criterion_reorder(stage=stage, actor=request.user, criterion_ids=ids),
        success=_("The criteria were reordered."),
        anchor=f"stage-{stage.pk}",
    )


# --- eligibility rules -------------------------------------------------------------------------


@login_required
@require_POST
def rule_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    form = RuleForm(request.POST, prefix="rule")
    if not form.is_valid():
        return _invalid(request, call, "rule_form", form)
    return _run(
        request,
        call,
        lambda: call_forms.eligibility_rule_create(
            call=call, actor=request.user, kind=form.cleaned_data["kind"], params=form.params()
        ),
        success=_("The rule was added."),
        anchor="rules",
        form=form,
        form_key="rule_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, call_id: int, rule_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    rule = get_object_or_404(EligibilityRule, call=call, pk=rule_id)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["kind"] = rule.kind  # the kind stays; delete the rule to change it
    form = RuleForm(data, initial=RuleForm.initial_for(rule.kind, rule.params))
    form.fields["kind"].disabled = True
    return _edit_page(
        request,
        call,
        form,
        _("Edit the rule: %(kind)s") % {"kind": rule.get_kind_display()},
        lambda: call_forms.eligibility_rule_update(
            rule=rule, actor=request.user, params=form.params()
        ),
        "rules",
    )


@login_required
@require_POST
def rule_delete(request: HttpRequest, call_id: int, rule_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    rule = get_object_or_404(EligibilityRule, call=call, pk=rule_id)
    return _run(
        request,
        call,
        lambda: call_forms.eligibility_rule_delete(rule=rule, actor=request.user),
        success=_("The rule was deleted."),
        anchor="rules",
    )


# --- application form fields -------------------------------------------------------------------


@login_required
@require_POST
def field_add(request: HttpRequest, call_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    form = FormFieldForm(request.POST, prefix="field")
    if not form.is_valid():
        return _invalid(request, call, "field_form", form)
    return _run(
        request,
        call,
        lambda: call_forms.form_field_create(call=call, actor=request.user, **form.values()),
        success=_("The field was added to the form."),
        anchor="fields",
        form=form,
        form_key="field_form",
    )


@login_required
@require_http_methods(["GET", "POST"])
def field_edit(request: HttpRequest, call_id: int, field_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    field = get_object_or_404(FormField, call=call, pk=field_id)
    form = FormFieldForm(
        request.POST if request.method == "POST" else None,
        initial=FormFieldForm.initial_for(field),
    )
    return _edit_page(
        request,
        call,
        form,
        _("Edit the question “%(label)s”") % {"label": field.label},
        lambda: call_forms.form_field_update(field=field, actor=request.user, **form.values()),
        "fields",
    )


@login_required
@require_POST
def field_delete(request: HttpRequest, call_id: int, field_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    field = get_object_or_404(FormField, call=call, pk=field_id)
    return _run(
        request,
        call,
        lambda: call_forms.form_field_delete(field=field, actor=request.user),
        success=_("The field was removed from the form."),
        anchor="fields",
    )


@login_required
@require_POST
def field_move(request: HttpRequest, call_id: int, field_id: int) -> HttpResponse:
    call = access.call_for_staff(request.user, call_id)
    field = get_object_or_404(FormField, call=call, pk=field_id)
    ids = _moved(
        list(call.form_fields.values_list("pk", flat=True)),
        field.pk,
        request.POST.get("direction", ""),
    )
    return _run(
        request,
        call,
        lambda: call_forms.form_field_reorder(call=call, actor=request.user, field_ids=ids),
        success=_("The form was reordered."),
        anchor="fields",
    )
