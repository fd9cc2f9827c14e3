"""`core.widgets` write exactly the HTML of Django's widget templates."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from bitgoeul.core import widgets
from bitgoeul.core.widgets import Select

CHOICES: list[Any] = [
    ("", gettext_lazy("All actions")),
    ("Companies", [("company.update", "○○의 기업 정보를 고쳤습니다"), ("a&b", 'say "<hi>"')]),
    (3, 1234),
    ("plain", "Plain"),
]


@pytest.mark.parametrize("value", [None, "", "a&b", 3, "plain", "missing"])
@pytest.mark.parametrize(
    "attrs",
    [None, {"class": "krds-form-select", "required": True, "disabled": False, "data-x": "<&>"}],
)
def test_select_renders_as_djangos(value: object, attrs: dict[str, Any] | None) -> None:
    ours = Select(choices=CHOICES).render("action", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("action", value, attrs=attrs)
    assert ours == django


def test_select_of_a_model_choice_field_renders_as_djangos(db: None) -> None:
    from bitgoeul.accounts.models import Organization
    from tests.factories import OrganizationFactory

    OrganizationFactory.create(name="광주전남지회")
    field = forms.ModelChoiceField(queryset=Organization.objects.order_by("pk"), required=False)
    chosen = Organization.objects.first()
    assert chosen is not None
    choices: Any = field.choices
    ours = Select(choices=choices).render("chapter", chosen.pk)
    django = forms.Select(choices=choices).render("chapter", chosen.pk)
    assert ours == django


ATTRS: list[dict[str, Any] | None] = [
    None,
    {"id": "id_q", "required": True, "disabled": False, "placeholder": gettext_lazy("Search")},
    {"class": "krds-input", "data-x": '<&">', "rows": 2},
]


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", '로봇 <팔> & "손"', 0, 12.5, True, False])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (widgets.TextInput, forms.TextInput),
        (widgets.SearchInput, forms.SearchInput),
        (widgets.CheckboxInput, forms.CheckboxInput),
        (widgets.Textarea, forms.Textarea),
    ],
)
def test_inputs_render_as_djangos(
    ours: type[forms.Widget], theirs: type[forms.Widget], value: object, attrs: Any
) -> None:
    assert ours().render("q", value, attrs=attrs) == theirs().render("q", value, attrs=attrs)
