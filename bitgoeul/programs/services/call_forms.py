"""Writes of what applicants meet: a call's eligibility rules and its application form fields.
Both freeze when the call is published (applicants' answers and checks depend on them). Each
locks the call's row first (`calls.call_lock`); "before" is read from the rows under that lock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.accounts.models import Organization
from bitgoeul.audit.services import audit_record
from bitgoeul.companies.enums import CertificationKind
from bitgoeul.companies.regions import province_for
from bitgoeul.programs.enums import EligibilityKind, FieldKind, FieldMeaning
from bitgoeul.programs.models import Call, EligibilityRule, FormField
from bitgoeul.programs.services.calls import (
    STRUCTURE_STATES,
    call_lock,
    check_small_int,
    check_text,
    part_save,
    reorder_rows,
)

ROW_COLUMN_KINDS = (FieldKind.SHORT_TEXT, FieldKind.NUMBER, FieldKind.MONEY, FieldKind.DATE)
# the kinds a field with a meaning may have (the platform reads its value as that type)
MEANING_KINDS = {
    FieldMeaning.TITLE: {FieldKind.SHORT_TEXT},
    FieldMeaning.SUMMARY: {FieldKind.LONG_TEXT, FieldKind.SHORT_TEXT},
    FieldMeaning.REQUESTED_AMOUNT: {FieldKind.MONEY},
    FieldMeaning.KEYWORDS: {FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT},
}


# --- eligibility rules -------------------------------------------------------------------------


def _int_param(params: dict[str, Any], key: str, low: int) -> dict[str, int]:
    value = params.get(key)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValidationError(
            {"params": _("Enter a whole number of at least %(low)d.") % {"low": low}},
            code="params",
        )
    return {key: value}


def _list_param(params: dict[str, Any], key: str) -> list[Any]:
    values = params.get(key)
    if isinstance(values, str | int):
        values = [values]
    if not isinstance(values, list) or not values:
        raise ValidationError({"params": _("Choose at least one.")}, code="params")
    return values


def eligibility_params_clean(kind: str, params: dict[str, Any]) -> dict[str, Any]:
    """The params of a rule of `kind` in their stored shape (`EligibilityKind` documents it),
    or a ValidationError. Provinces are stored as codes (`gwangju`); "광주" is understood."""
    if kind == EligibilityKind.REGION:
        codes = []
        for value in _list_param(params, "provinces"):
            province = province_for(str(value))
            if province is None:
                raise ValidationError(
                    {"params": _("“%(value)s” is not a province.") % {"value": value}}
                )
            codes.append(province.code)
        return {"provinces": sorted(set(codes))}
    if kind == EligibilityKind.CHAPTER:
        ids = []
        for value in _list_param(params, "chapters"):
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                raise ValidationError({"params": _("Choose chapters from the list.")}) from None
        found = Organization.objects.filter(pk__in=ids, kind=OrganizationKind.CHAPTER).count()
        if found != len(set(ids)):
            raise ValidationError({"params": _("Choose chapters from the list.")})
        return {"chapters": sorted(set(ids))}
    if kind in (EligibilityKind.MAX_AGE_YEARS, EligibilityKind.NO_AWARD_SINCE):
        return _int_param(params, "years", 1)
    if kind in (EligibilityKind.MIN_EMPLOYEES, EligibilityKind.MAX_EMPLOYEES):
        return _int_param(params, "count", 0)
    if kind == EligibilityKind.CERTIFICATION:
        kinds = [str(value) for value in _list_param(params, "kinds")]
        if any(value not in CertificationKind.values for value in kinds):
            raise ValidationError({"params": _("Choose certifications from the list.")})
        return {"kinds": sorted(set(kinds))}
    raise ValidationError({"kind": _("Choose a kind of rule from the list.")}, code="kind")


@transaction.atomic
def eligibility_rule_create(
    *, call: Call, actor: Any, kind: str, params: dict[str, Any]
) -> EligibilityRule:
    """A rule companies must pass to apply (draft calls only)."""
    current = call_lock(call, STRUCTURE_STATES)
    cleaned = eligibility_params_clean(kind, params)
    rule = EligibilityRule.objects.create(call=current, kind=kind, params=cleaned)
    audit_record(
        actor=actor,
        action="call.rule_create",
        obj=current,
        after={"rule": rule.pk, "kind": kind, "params": cleaned},
    )
    return rule


@transaction.atomic
def eligibility_rule_update(
    *, rule: EligibilityRule, actor: Any, params: dict[str, Any]
) -> EligibilityRule:
    """New params for a rule (its kind stays: delete it and add another to change it)."""
    current = call_lock(rule.call, STRUCTURE_STATES)
    row = EligibilityRule.objects.get(pk=rule.pk, call=current)
    cleaned = eligibility_params_clean(row.kind, params)
    if cleaned == row.params:
        return row
    before = row.params
    row.params = cleaned
    row.save(update_fields=["params"])
    audit_record(
        actor=actor,
        action="call.rule_update",
        obj=current,
        before={"rule": row.pk, "params": before},
        after={"rule": row.pk, "params": cleaned},
    )
    return row


@transaction.atomic
def eligibility_rule_delete(*, rule: EligibilityRule, actor: Any) -> None:
    current = call_lock(rule.call, STRUCTURE_STATES)
    row = EligibilityRule.objects.get(pk=rule.pk, call=current)
    before = {"rule": row.pk, "kind": row.kind, "params": row.params}
    row.delete()
    audit_record(actor=actor, action="call.rule_delete", obj=current, before=before)


# --- application form fields -------------------------------------------------------------------

FORM_FIELD_FIELDS = (
    "key",
    "kind",
    "meaning",
    "label",
    "label_en",
    "help_text",
    "help_text_en",
    "required",
    "max_length",
    "options",
    "columns",
)


def _check_form_field(call: Call, values: dict[str, Any], pk: int | None = None) -> None:
    kind = values["kind"]
    if kind not in FieldKind.values:
        raise ValidationError({"kind": _("Choose a kind of field from the list.")})
    values["label"] = check_text(values["label"], "label")
    values["label_en"] = check_text(values.get("label_en", ""), "label_en", required=False)
    values["key"] = slugify(str(values.get("key") or "")).replace("-", "_")[:50]
    if not values["key"]:
        raise ValidationError(
            {"key": _("Give the field a short key in Latin letters, e.g. team_size.")}
        )
    others = FormField.objects.filter(call=call)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(key=values["key"]).exists():
        raise ValidationError({"key": _("Another field of this form has this key.")})
    meaning = values.get("meaning") or ""
    if meaning:
        if meaning not in FieldMeaning.values:
            raise ValidationError({"meaning": _("Choose a meaning from the list.")})
        if kind not in MEANING_KINDS[FieldMeaning(meaning)]:
            raise ValidationError(
                {
                    "meaning": _(
                        "A field with this meaning must be of one of these kinds: %(kinds)s."
                    )
                    % {
                        "kinds": ", ".join(
                            str(FieldKind(k).label) for k in MEANING_KINDS[FieldMeaning(meaning)]
                        )
                    }
                }
            )
        if others.filter(meaning=meaning).exists():
            raise ValidationError({"meaning": _("Another field of this form has this meaning.")})
    values["meaning"] = meaning
    values["required"] = bool(values.get("required"))
    values["help_text"] = str(values.get("help_text") or "").strip()
    values["help_text_en"] = str(values.get("help_text_en") or "").strip()
    if values.get("max_length") is not None:
        check_small_int(values["max_length"], "max_length", 1, 100_000)
    options = values.get("options") or []
    columns = values.get("columns") or []
    if kind == FieldKind.CHOICE:
        if not options or not all(
            isinstance(o, dict)
            and str(o.get("value", "")).strip()
            and str(o.get("label", "")).strip()
            for o in options
        ):
            raise ValidationError(
                {"options": _("A choice needs options, each with a value and a label.")}
            )
        if len({o["value"] for o in options}) != len(options):
            raise ValidationError({"options": _("Two options have the same value.")})
    else:
        options = []
    if kind == FieldKind.ROWS:
        if not columns or not all(
            isinstance(c, dict)
            and str(c.get("key", "")).strip()
            and str(c.get("label", "")).strip()
            and c.get("kind") in ROW_COLUMN_KINDS
            for c in columns
        ):
            raise ValidationError(
                {
                    "columns": _(
                        "A table needs columns, each with a key, a label and a kind "
                        "(short text, number, amount or date)."
                    )
                }
            )
        if len({c["key"] for c in columns}) != len(columns):
            raise ValidationError({"columns": _("Two columns have the same key.")})
    else:
        columns = []
    values["options"], values["columns"] = options, columns


@transaction.atomic
def form_field_create(
    *,
    call: Call,
    actor: Any,
    key: str,
    kind: str,
    label: str,
    label_en: str = "",
    meaning: str = "",
    help_text: str = "",
    help_text_en: str = "",
    required: bool = False,
    max_length: int | None = None,
    options: list[dict[str, Any]] | None = None,
    columns: list[dict[str, Any]] | None = None,
) -> FormField:
    """A new field, last on the call's application form (draft calls only)."""
    current = call_lock(call, STRUCTURE_STATES)
    values: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "meaning": meaning,
        "label": label,
        "label_en": label_en,
        "help_text": help_text,
        "help_text_en": help_text_en,
        "required": required,
        "max_length": max_length,
        "options": options or [],
        "columns": columns or [],
    }
    _check_form_field(current, values)
    last = current.form_fields.aggregate(last=Max("order"))["last"] or 0
    field = FormField.objects.create(call=current, order=last + 1, **values)
    audit_record(
        actor=actor,
        action="call.field_create",
        obj=current,
        after={"field": field.pk, **values},
    )
    return field


@transaction.atomic
def form_field_update(*, field: FormField, actor: Any, **changes: Any) -> FormField:
    unknown = set(changes) - set(FORM_FIELD_FIELDS)
    if unknown:
        raise TypeError(f"form_field_update() got unknown fields: {sorted(unknown)}")
    current = call_lock(field.call, STRUCTURE_STATES)
    row = FormField.objects.get(pk=field.pk, call=current)
    before = {name: getattr(row, name) for name in FORM_FIELD_FIELDS}
    after = {**before, **changes}
    _check_form_field(current, after, pk=row.pk)
    part_save(
        call=current,
        row=row,
        part="field",
        fields=FORM_FIELD_FIELDS,
        before=before,
        after=after,
        action="call.field_update",
        actor=actor,
    )
    return row


@transaction.atomic
def form_field_delete(*, field: FormField, actor: Any) -> None:
    current = call_lock(field.call, STRUCTURE_STATES)
    row = FormField.objects.get(pk=field.pk, call=current)
    before = {"field": row.pk, "key": row.key, "label": row.label}
    row.delete()
    audit_record(actor=actor, action="call.field_delete", obj=current, before=before)


@transaction.atomic
def form_field_reorder(*, call: Call, actor: Any, field_ids: Sequence[int]) -> None:
    current = call_lock(call, STRUCTURE_STATES)
    before, after = reorder_rows(list(current.form_fields.order_by("order", "pk")), field_ids)
    if before != after:
        audit_record(
            actor=actor,
            action="call.field_reorder",
            obj=current,
            before={"order": before},
            after={"order": after},
        )
