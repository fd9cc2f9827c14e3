"""Forms of the events area: the event (schedule entered in Asia/Seoul, the project's time
zone), its registration questions (a small list editor: a formset), co-host invitations,
registration, check-in, cancellation, materials and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Company, Technology
from bitgoeul.programs.enums import CallState
from bitgoeul.programs.models import Call
from bitgoeul.promotion.access import PUBLISHER_KINDS
from bitgoeul.promotion.enums import Audience, EventKind, MaterialKind, Topic
from bitgoeul.promotion.files import check_material
from bitgoeul.promotion.models import Event

MAX_QUESTIONS = 10


def _when_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OrganizationChoiceField(forms.ModelChoiceField[Organization]):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class CallChoiceField(forms.ModelChoiceField[Call]):
    def label_from_instance(self, obj: Call) -> str:
        return obj.title


class EventForm(forms.ModelForm[Event]):
    """Every field of an event but its questions (`QuestionFormSet`); the service saves."""

    organizer = OrganizationChoiceField(
        label=_("Organiser"), queryset=Organization.objects.none(), empty_label=None
    )
    audience_chapter = OrganizationChoiceField(
        label=_("Chapter"),
        queryset=Organization.objects.filter(kind=OrganizationKind.CHAPTER).order_by("name"),
        required=False,
        help_text=_("Only when the event is for the companies of one chapter."),
    )
    linked_call = CallChoiceField(
        label=_("Linked call"),
        queryset=Call.objects.exclude(state=CallState.DRAFT).order_by("-pk"),
        required=False,
    )
    # links typed without a scheme are https (Django 6's default; no deprecation warning)
    map_url = forms.URLField(
        label=Event._meta.get_field("map_url").verbose_name, required=False, assume_scheme="https"
    )
    online_url = forms.URLField(
        label=Event._meta.get_field("online_url").verbose_name,
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to people who registered."),
    )
    technologies = forms.ModelMultipleChoiceField(
        label=_("Technologies"),
        queryset=Technology.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "topic",
            "title",
            "title_en",
            "summary",
            "description",
            "description_en",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "map_url",
            "online_url",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "audience",
            "audience_chapter",
            "linked_call",
            "technologies",
        ]
        widgets = {
            "starts_at": _when_input(),
            "ends_at": _when_input(),
            "registration_opens_at": _when_input(),
            "registration_closes_at": _when_input(),
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "starts_at": _("Korea time (KST)."),
            "capacity": _(
                "Leave empty for no limit. When the seats are taken, people join the waitlist."
            ),
            "online_url": _("Shown only to people who registered."),
            "registration_closes_at": _("Leave empty to close registration when the event starts."),
        }

    def __init__(
        self, *args: Any, organizers: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organizer"]
        assert isinstance(field, OrganizationChoiceField)
        if organizers is None:  # editing: the organiser stays
            del self.fields["organizer"]
        else:
            field.queryset = organizers
            if organizers.count() == 1:
                field.widget = forms.HiddenInput()
                field.initial = organizers.first()
                field.required = False
        for name in ("title", "starts_at", "ends_at", "kind", "topic"):
            self.fields[name].error_messages["required"] = _("Fill in this field.")

    def clean_organizer(self) -> Organization | None:
        """The sole organisation the person publishes for when the (hidden) field is empty."""
        organizer: Organization | None = self.cleaned_data.get("organizer")
        field = self.fields["organizer"]
        assert isinstance(field, OrganizationChoiceField)
        if organizer is None and field.queryset is not None:
            organizer = field.queryset.first()
        return organizer

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event must end after it starts."))
        closes = data.get("registration_closes_at")
        opens = data.get("registration_opens_at")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes_at", _("Registration must close after it opens."))
        if starts and closes and closes > starts:
            self.add_error(
                "registration_closes_at", _("Registration must close by the start of the event.")
            )
        if data.get("audience") == Audience.CHAPTER and not data.get("audience_chapter"):
            self.add_error("audience_chapter", _("Choose the chapter whose companies may come."))
        if data.get("audience") != Audience.CHAPTER:
            data["audience_chapter"] = None
        if not data.get("venue") and not data.get("online_url"):
            self.add_error("venue", _("Give a venue, an online link, or both."))
        return data

    def _post_clean(self) -> None:
        # the service validates the whole model; the form checks only its own fields, so that a
        # missing organiser on an edit form is not reported
        pass


class QuestionForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label=_("Question"), max_length=200, required=False)
    required = forms.BooleanField(label=_("Answer required"), required=False)


QuestionFormSet = formset_factory(QuestionForm, extra=2, max_num=MAX_QUESTIONS, validate_max=True)


def questions_from(formset: Any) -> list[dict[str, Any]]:
    """The questions of a valid formset, empty rows dropped; each keeps its key (answers are
    stored by key), a new one gets the next free key."""
    rows = [form.cleaned_data for form in formset.forms if form.cleaned_data.get("label")]
    used = {row["key"] for row in rows if row.get("key")}
    number = 1
    questions = []
    for row in rows:
        key = row.get("key") or ""
        if not key:
            while f"q{number}" in used:
                number += 1
            key = f"q{number}"
            used.add(key)
        questions.append({"key": key, "label": row["label"], "required": bool(row["required"])})
    return questions


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write why the event is cancelled: registrants read it.")},
    )


class CoHostInviteForm(forms.Form):
    organization = OrganizationChoiceField(
        label=_("Organisation to invite"),
        queryset=Organization.objects.none(),
        empty_label=_("Choose an organisation"),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, OrganizationChoiceField)
        field.queryset = (
            Organization.objects.filter(kind__in=PUBLISHER_KINDS)
            .exclude(Q(pk=event.organizer_id))
            .order_by("kind", "name")
        )
        field.error_messages["required"] = _("Choose the organisation to invite.")


class CompanyChoiceField(forms.ModelChoiceField[Company]):
    def label_from_instance(self, obj: Company) -> str:
        return obj.organization.name


class RegistrationForm(forms.Form):
    """The company chooser (when the person belongs to several) and one field per question."""

    company = CompanyChoiceField(
        label=_("Registering from"), queryset=Company.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, event: Event, companies: QuerySet[Company], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["company"]
        assert isinstance(field, CompanyChoiceField)
        field.queryset = companies.select_related("organization").order_by("organization__name")
        count = companies.count()
        if count == 0:
            del self.fields["company"]
        elif count == 1:
            field.widget = forms.HiddenInput()
            field.initial = companies.first()
        else:
            field.required = True
            field.empty_label = None
            field.error_messages["required"] = _("Choose the company you come from.")
        for question in event.questions or []:
            self.fields[f"answer_{question['key']}"] = forms.CharField(
                label=question.get("label", ""),
                max_length=1000,
                required=bool(question.get("required")),
                error_messages={"required": _("Answer this question.")},
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("answer_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("answer_")
        }


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Registration code"),
        max_length=64,
        error_messages={"required": _("Scan the QR code or type the code under it.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of material"), choices=MaterialKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the material a title.")},
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, JPEG, PNG, WebP, PPTX or DOCX, up to 20 MB."),
    )
    url = forms.URLField(label=_("Or a link"), required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload and data.get("url"):
            raise ValidationError(_("Upload a file or give a link, not both."))
        if not upload and not data.get("url"):
            raise ValidationError(_("Upload a file or give a link."))
        if upload:
            try:
                _kind, data["content_type"] = check_material(upload, upload.name, upload.size)
            except ValidationError as error:
                self.add_error("file", error)
        return data


class EventFilterForm(forms.Form):
    when = forms.ChoiceField(
        label=_("Upcoming or past"),
        choices=[("upcoming", _("Upcoming events")), ("past", _("Past events"))],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False
    )
    organization = OrganizationChoiceField(
        label=_("Organiser or co-host"),
        queryset=Organization.objects.filter(kind__in=PUBLISHER_KINDS).order_by("kind", "name"),
        required=False,
        empty_label=_("All organisations"),
    )
    audience = forms.ChoiceField(
        label=_("Who may register"),
        choices=[("", _("Anyone I may join")), *Audience.choices],
        required=False,
    )
