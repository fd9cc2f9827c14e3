"""Forms of news, cross-posting, the calendar filters and the digest subscription: plain forms
(never ModelForms, so that a service reads the "before" of a change from the database)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bitgoeul.accounts.models import Organization
from bitgoeul.companies.models import Technology
from bitgoeul.promotion.enums import EventKind, Topic
from bitgoeul.promotion.models import Event

TEXT = forms.Textarea(attrs={"rows": 4})


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


class OrganizationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name(get_language() or "ko"))


class TechnologyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_en if _english() and obj.name_en else obj.name)


class OrganizationsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name(get_language() or "ko"))


class EventChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_title(get_language() or 'ko')} · {obj.starts_at:%Y-%m-%d}"


class PostForm(forms.Form):
    organization = OrganizationChoice(queryset=Organization.objects.none(), label=_("Organisation"))
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        help_text=_("One or two sentences shown in lists, feeds and the weekly digest."),
    )
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 10}))
    body_en = forms.CharField(
        label=_("Body in English"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    technologies = TechnologyChoice(
        queryset=Technology.objects.none(),
        label=_("Technologies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event = EventChoice(
        queryset=Event.objects.none(),
        label=_("Event it announces"),
        required=False,
        help_text=_("Only events your organisation hosts are listed."),
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        events: QuerySet[Event],
        technologies: QuerySet[Technology],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]
            self.fields["organization"].widget = forms.HiddenInput()
        self.fields["event"].queryset = events  # type: ignore[attr-defined]
        self.fields["technologies"].queryset = technologies  # type: ignore[attr-defined]

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        event = data.get("event")
        return {
            "title": data["title"],
            "title_en": data["title_en"],
            "summary": data["summary"],
            "body": data["body"],
            "body_en": data["body_en"],
            "topic": data["topic"],
            "event_id": event.pk if event else None,
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=pgettext_lazy("news review", "Decision"),
        choices=[("publish", _("Publish")), ("return", _("Return for changes"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the author"), widget=TEXT, required=False, max_length=2000
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not data.get("note", "").strip():
            self.add_error("note", _("Say what the author should change."))
        return data


class CrossPostForm(forms.Form):
    organization = OrganizationChoice(queryset=Organization.objects.none(), label=_("Share as"))
    note = forms.CharField(label=_("Note shown above the post"), max_length=300, required=False)

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]
            self.fields["organization"].widget = forms.HiddenInput()


def _with_all(choices: list[tuple[str, Any]], label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class NewsFilterForm(forms.Form):
    q = forms.CharField(label=_("Search words"), max_length=100, required=False)
    organization = OrganizationChoice(
        queryset=Organization.objects.none(),
        label=_("Organisation"),
        required=False,
        empty_label=_("All organisations"),
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=_with_all(Topic.choices, _("All topics")), required=False
    )
    technology = forms.ModelChoiceField(
        queryset=Technology.objects.none(),
        label=_("Technology"),
        required=False,
        empty_label=_("All technologies"),
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        technologies: QuerySet[Technology],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["technology"].queryset = technologies  # type: ignore[attr-defined]
        self.fields["technology"].label_from_instance = (  # type: ignore[attr-defined]
            lambda t: t.name_en if _english() and t.name_en else t.name
        )


class CalendarFilterForm(forms.Form):
    organization = OrganizationChoice(
        queryset=Organization.objects.none(),
        label=_("Organisation"),
        required=False,
        empty_label=_("All organisations"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"),
        choices=_with_all(EventKind.choices, _("All kinds")),
        required=False,
    )
    topic = forms.ChoiceField(
        label=_("Topic"), choices=_with_all(Topic.choices, _("All topics")), required=False
    )

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class DigestForm(forms.Form):
    is_active = forms.BooleanField(label=_("Send me the weekly digest"), required=False)
    organizations = OrganizationsChoice(
        queryset=Organization.objects.none(),
        label=pgettext_lazy("digest choice", "Organisations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    technologies = TechnologyChoice(
        queryset=Technology.objects.none(),
        label=_("Technologies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave a group empty to receive everything in it."),
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        technologies: QuerySet[Technology],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["technologies"].queryset = technologies  # type: ignore[attr-defined]
