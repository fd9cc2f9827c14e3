"""The official Korean public holidays of 2025–2027 (`equipment.holidays_kr`), which items with
`closed_on_holidays` cannot be booked on."""

import datetime as dt

from django.db import migrations

from bitgoeul.equipment.holidays_kr import KOREAN_PUBLIC_HOLIDAYS


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    PublicHoliday = apps.get_model("equipment", "PublicHoliday")
    for day, name, name_en in KOREAN_PUBLIC_HOLIDAYS:
        PublicHoliday.objects.update_or_create(
            date=dt.date.fromisoformat(day), defaults={"name": name, "name_en": name_en}
        )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    PublicHoliday = apps.get_model("equipment", "PublicHoliday")
    PublicHoliday.objects.filter(
        date__in=[dt.date.fromisoformat(day) for day, _, _ in KOREAN_PUBLIC_HOLIDAYS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("equipment", "0002_no_overlap_on_postgresql")]

    operations = [migrations.RunPython(load, unload)]
