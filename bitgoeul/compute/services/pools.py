"""Writes of the pools area: pools (with their tariff), maintenance windows and discounts.

Each write is one transaction with one audit event; an edit locks the row it changes and reads
"before" from it, listing only what changed. A maintenance window's writes lock its pool, so
that two windows added at once, or a window and a cut in the pool's GPUs, cannot together take
out more GPUs than the pool has. Who may call these is `compute.access.can_manage_pools`; these
functions check the data and say what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bitgoeul.accounts.enums import OrganizationKind
from bitgoeul.audit.services import audit_record
from bitgoeul.compute.models import Discount, MaintenanceWindow, Pool
from bitgoeul.core.changes import changed_fields, changes_save, field_values

POOL_FIELDS = (
    "name",
    "model",
    "gpus",
    "nodes",
    "gpu_memory_gb",
    "reserved_share",
    "krw_per_gpu_hour",
    "description",
    "is_active",
)
WINDOW_FIELDS = ("starts_at", "ends_at", "gpus", "reason")
DISCOUNT_FIELDS = ("name", "pool", "stage", "chapter", "percent", "is_active")

# Slurm's GRES type and Kueue's ResourceFlavor name: lower-case letters, digits, "-" and "_"
MODEL_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# kept back from rounds: at most half, else the pool offers next to nothing
MAX_RESERVED_SHARE = Decimal("0.5")


# --- helpers -----------------------------------------------------------------------------------


def _pks(obj: models.Model | None) -> list[Any]:
    """The row itself when it exists, to leave it out of "another one like it" checks."""
    return [] if obj is None else [obj.pk]


# --- pools -------------------------------------------------------------------------------------


def check_pool(data: dict[str, Any], pool: Pool | None = None) -> None:
    """The whole pool as it would be after the write; every problem at once."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not str(data.get("name") or "").strip():
        add("name", _("Give the pool a name, e.g. “NVIDIA H100 80GB”."))
    model = str(data.get("model") or "")
    if not MODEL_CODE.match(model):
        add(
            "model",
            _(
                "Write the GPU model code as Slurm's GRES type names it: lower-case letters, "
                "digits, “-” or “_”, e.g. h100."
            ),
        )
    elif Pool.objects.filter(model=model).exclude(pk__in=_pks(pool)).exists():
        add("model", _("Another pool already has the GPU model code %(model)s.") % {"model": model})
    gpus, nodes = data.get("gpus") or 0, data.get("nodes") or 0
    if gpus < 1:
        add("gpus", _("A pool has at least one GPU."))
    if nodes < 1:
        add("nodes", _("A pool has at least one node."))
    elif gpus >= 1 and nodes > gpus:
        add("nodes", _("A pool cannot have more nodes than GPUs: each node holds at least one."))
    if (data.get("gpu_memory_gb") or 0) < 1:
        add("gpu_memory_gb", _("Give each GPU's memory in GB, e.g. 80."))
    share = data.get("reserved_share")
    if share is None or share < 0 or share > MAX_RESERVED_SHARE:
        add("reserved_share", _("The reserved share is between 0% and 50%."))
    if (data.get("krw_per_gpu_hour") or 0) < 0:
        add("krw_per_gpu_hour", _("The tariff is a whole number of won, 0 or more."))
    if pool is not None and gpus >= 1:
        too_many = MaintenanceWindow.objects.filter(
            pool=pool, ends_at__gt=timezone.now(), gpus__gt=gpus
        ).count()
        if too_many:
            add(
                "gpus",
                _(
                    "%(count)d planned maintenance windows take more GPUs out of service than "
                    "%(gpus)d: change them first."
                )
                % {"count": too_many, "gpus": gpus},
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def pool_create(*, data: dict[str, Any], actor: Any) -> Pool:
    check_pool(data)
    pool = Pool(**{name: data[name] for name in POOL_FIELDS if name in data})
    pool.full_clean()
    pool.save()
    audit_record(
        actor=actor,
        action="compute_pool.create",
        obj=pool,
        after=field_values(pool, [n for n in POOL_FIELDS if n in data]),
    )
    return pool


@transaction.atomic
def pool_update(*, pool: Pool, data: dict[str, Any], actor: Any) -> Pool:
    """Change the fields of `data` that differ from the locked row. A new tariff applies to
    statements made after it (charges are computed when a statement is made)."""
    current = Pool.objects.select_for_update(of=("self",)).get(pk=pool.pk)
    check_pool({**field_values(current, POOL_FIELDS), **data}, current)
    changed = changed_fields(current, data, POOL_FIELDS)
    if not changed:
        return current
    before = field_values(current, changed)
    changes_save(current, changed)
    audit_record(
        actor=actor,
        action="compute_pool.update",
        obj=current,
        before=before,
        after=field_values(current, changed),
    )
    return current


# --- maintenance windows -----------------------------------------------------------------------


def _most_out_at_once(windows: Sequence[MaintenanceWindow], start: Any, end: Any) -> int:
    """The most GPUs the windows take out of service at one instant within [start, end)."""
    instants = [start] + [w.starts_at for w in windows if start < w.starts_at < end]
    return max(
        sum(w.gpus for w in windows if w.starts_at <= moment < w.ends_at) for moment in instants
    )


def check_window(pool: Pool, data: dict[str, Any], window: MaintenanceWindow | None) -> None:
    errors: dict[str, list[str]] = {}
    start, end = data.get("starts_at"), data.get("ends_at")
    gpus = data.get("gpus") or 0
    if start is None:
        errors["starts_at"] = [_("Give the start (Korea time).")]
    if end is None:
        errors["ends_at"] = [_("Give the end (Korea time).")]
    elif start is not None and end <= start:
        errors["ends_at"] = [_("The end must be after the start.")]
    if gpus < 1:
        errors["gpus"] = [_("Take at least one GPU out of service.")]
    elif gpus > pool.gpus:
        errors["gpus"] = [
            _("The pool has %(gpus)d GPUs: take at most that many out of service.")
            % {"gpus": pool.gpus}
        ]
    if not str(data.get("reason") or "").strip():
        errors["reason"] = [_("Say why, e.g. “cooling maintenance”.")]
    if not errors and start is not None and end is not None:
        others = list(
            MaintenanceWindow.objects.filter(pool=pool, starts_at__lt=end, ends_at__gt=start)
            .exclude(pk__in=_pks(window))
            .only("starts_at", "ends_at", "gpus")
        )
        probe = MaintenanceWindow(pool=pool, starts_at=start, ends_at=end, gpus=gpus)
        if _most_out_at_once([*others, probe], start, end) > pool.gpus:
            errors["gpus"] = [
                _(
                    "With the windows that overlap this one, more than the pool's %(gpus)d GPUs "
                    "would be out of service at once: take fewer out or move the window."
                )
                % {"gpus": pool.gpus}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def maintenance_create(*, pool: Pool, data: dict[str, Any], actor: Any) -> MaintenanceWindow:
    """A window of `pool`; times are aware datetimes (the form reads them in Asia/Seoul)."""
    locked = Pool.objects.select_for_update(of=("self",)).get(pk=pool.pk)
    check_window(locked, data, None)
    window = MaintenanceWindow(
        pool=locked,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: data[name] for name in WINDOW_FIELDS},
    )
    window.full_clean(exclude=["created_by"])
    window.save()
    audit_record(
        actor=actor,
        action="compute_maintenance.create",
        obj=locked,
        after={"window": window.pk, **field_values(window, WINDOW_FIELDS)},
    )
    return window


@transaction.atomic
def maintenance_update(
    *, window: MaintenanceWindow, data: dict[str, Any], actor: Any
) -> MaintenanceWindow:
    pool = Pool.objects.select_for_update(of=("self",)).get(pk=window.pool_id)
    current = MaintenanceWindow.objects.select_for_update(of=("self",)).get(pk=window.pk)
    check_window(pool, {**field_values(current, WINDOW_FIELDS), **data}, current)
    changed = changed_fields(current, data, WINDOW_FIELDS)
    if not changed:
        return current
    before = {"window": current.pk, **field_values(current, changed)}
    changes_save(current, changed, exclude=["created_by"])
    audit_record(
        actor=actor,
        action="compute_maintenance.update",
        obj=pool,
        before=before,
        after={"window": current.pk, **field_values(current, changed)},
    )
    return current


@transaction.atomic
def maintenance_delete(*, window: MaintenanceWindow, actor: Any) -> None:
    pool = Pool.objects.select_for_update(of=("self",)).get(pk=window.pool_id)
    current = MaintenanceWindow.objects.select_for_update(of=("self",)).get(pk=window.pk)
    before = {"window": current.pk, **field_values(current, WINDOW_FIELDS)}
    current.delete()
    audit_record(
        actor=actor, action="compute_maintenance.delete", obj=pool, before=before, after={}
    )


# --- discounts ---------------------------------------------------------------------------------


def check_discount(data: dict[str, Any], discount: Discount | None) -> None:
    errors: dict[str, list[str]] = {}
    stage, chapter = data.get("stage") or "", data.get("chapter")
    if not str(data.get("name") or "").strip():
        errors["name"] = [_("Give the discount a name companies will understand.")]
    if bool(stage) == (chapter is not None):
        errors["stage"] = [
            _("Choose either a company stage or a chapter: a discount applies by one of them.")
        ]
    elif chapter is not None and chapter.kind != OrganizationKind.CHAPTER:
        errors["chapter"] = [_("Choose a chapter of the association.")]
    percent = data.get("percent")
    if percent is None or not 1 <= percent <= 100:
        errors["percent"] = [_("The discount is a whole percentage from 1 to 100.")]
    if not errors and data.get("is_active", True):
        pool = data.get("pool")
        same = Discount.objects.filter(
            is_active=True, pool=pool, stage=stage, chapter=chapter
        ).exclude(pk__in=_pks(discount))
        if same.exists():
            errors["percent"] = [
                _(
                    "An active discount for the same companies and pools exists already: "
                    "change that one, or deactivate it first."
                )
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def discount_create(*, data: dict[str, Any], actor: Any) -> Discount:
    check_discount(data, None)
    discount = Discount(**{name: data[name] for name in DISCOUNT_FIELDS if name in data})
    discount.stage = discount.stage or ""
    discount.full_clean()
    discount.save()
    audit_record(
        actor=actor,
        action="compute_discount.create",
        obj=discount,
        after=field_values(discount, DISCOUNT_FIELDS),
    )
    return discount


@transaction.atomic
def discount_update(*, discount: Discount, data: dict[str, Any], actor: Any) -> Discount:
    """Change a discount; `{"is_active": False}` deactivates it (statements already made keep
    the discount they applied)."""
    current = Discount.objects.select_for_update(of=("self",)).get(pk=discount.pk)
    data = {**data, "stage": data["stage"] or ""} if "stage" in data else data
    check_discount({**_values_objects(current), **data}, current)
    changed = changed_fields(current, data, DISCOUNT_FIELDS)
    if not changed:
        return current
    before = field_values(current, changed)
    changes_save(current, changed)
    audit_record(
        actor=actor,
        action="compute_discount.update",
        obj=current,
        before=before,
        after=field_values(current, changed),
    )
    return current


def _values_objects(discount: Discount) -> dict[str, Any]:
    """The discount's fields as a form gives them (related rows as objects)."""
    return {name: getattr(discount, name) for name in DISCOUNT_FIELDS}


def discount_deactivate(*, discount: Discount, actor: Any) -> Discount:
    """Stop a discount applying to statements made from now on."""
    return discount_update(discount=discount, data={"is_active": False}, actor=actor)
