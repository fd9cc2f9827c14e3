"""Notifications moved to the foundation app `bitgoeul.notifications`: copy every notice into its
table (the company becomes the object the notice names, the kind gets its namespaced code), then
drop the companies table. The copies are checked against visibility again when shown, so notices
that leaked private data to a watcher before this change stay hidden from that watcher."""

from typing import Any

from django.db import migrations

KIND_CODES = {
    "score_jump": "companies.score_jump",
    "nominated": "companies.nominated",
    "applied": "companies.applied",
}


def copy_notices(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("companies", "Notification")
    new = apps.get_model("notifications", "Notification")
    batch = []
    for notice in old.objects.order_by("pk").iterator(chunk_size=2000):
        batch.append(
            new(
                recipient_id=notice.recipient_id,
                kind=KIND_CODES.get(notice.kind, f"companies.{notice.kind}"),
                object_type="companies.company",
                object_id=str(notice.company_id),
                params=notice.params,
                created_at=notice.created_at,
                read_at=notice.read_at,
            )
        )
        if len(batch) >= 2000:
            new.objects.bulk_create(batch)
            batch = []
    new.objects.bulk_create(batch)


def copy_notices_back(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("companies", "Notification")
    new = apps.get_model("notifications", "Notification")
    codes = {code: kind for kind, code in KIND_CODES.items()}
    company = apps.get_model("companies", "Company")
    existing = set(company.objects.values_list("pk", flat=True))
    old.objects.bulk_create(
        old(
            recipient_id=notice.recipient_id,
            company_id=int(notice.object_id),
            kind=codes[notice.kind],
            params=notice.params,
            created_at=notice.created_at,
            read_at=notice.read_at,
        )
        for notice in new.objects.filter(
            object_type="companies.company", kind__in=list(codes)
        ).order_by("pk")
        if int(notice.object_id) in existing
    )
    new.objects.filter(object_type="companies.company", kind__in=list(codes)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0003_default_technologies_and_weights"),
        ("notifications", "0001_notifications"),
    ]

    operations = [
        migrations.RunPython(copy_notices, copy_notices_back),
        migrations.DeleteModel(name="Notification"),
    ]
