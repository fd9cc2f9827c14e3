"""Each company's name keys (`search_index.name_keys`) are stored with its search terms, so that
a search compares the text typed with one stored column per candidate instead of deriving the
keys from each candidate's names (issue 8 item 9); existing companies get theirs from their
organisation's names, as `_rerank_keys` derived them on every search until now."""

from django.db import migrations, models

from bitgoeul.companies.search_index import name_keys

BATCH = 500


def forwards(apps, schema_editor):
    Company = apps.get_model("companies", "Company")
    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    # read and written a batch at a time (no cursor left open on the table being written)
    for start in range(0, len(ids), BATCH):
        rows = list(
            Company.objects.filter(pk__in=ids[start : start + BATCH]).select_related(
                "organization"
            )
        )
        for company in rows:
            names = (company.organization.name, company.organization.name_en)
            company.search_name_keys = name_keys(names)
        Company.objects.bulk_update(rows, ["search_name_keys"])


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0008_company_ai_weight"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="search_name_keys",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
