"""Each company's AI weight (`search_index.ai_weight`) is stored with its search terms, so that
an AI search reads two numbers per candidate instead of scoring each candidate's description
(issue 8 item 9); existing companies get theirs from the terms they already have, as
`_rerank_keys` computed it on every AI search until now."""

from django.db import migrations, models
from django.db.models import Count

from bitgoeul.companies.search_index import ai_central, ai_weight

BATCH = 500


def forwards(apps, schema_editor):
    Company = apps.get_model("companies", "Company")
    ids = list(Company.objects.order_by("pk").values_list("pk", flat=True))
    # read and written a batch at a time (no cursor left open on the table being written)
    for start in range(0, len(ids), BATCH):
        rows = list(
            Company.objects.filter(pk__in=ids[start : start + BATCH])
            .annotate(technology_count=Count("technologies"))
            .select_related("organization")
        )
        for company in rows:
            names = (company.organization.name, company.organization.name_en)
            weight = ai_weight(names, company.search_body.split(), company.technology_count)
            company.search_ai_weight = weight
            company.search_ai_central = ai_central(weight, company.technology_count)
        Company.objects.bulk_update(rows, ["search_ai_weight", "search_ai_central"])


class Migration(migrations.Migration):
    dependencies = [
        ("companies", "0007_import_row_count_and_preview"),
    ]

    operations = [
        migrations.AddField(
            model_name="company",
            name="search_ai_central",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="company",
            name="search_ai_weight",
            field=models.FloatField(default=0.0, editable=False),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
