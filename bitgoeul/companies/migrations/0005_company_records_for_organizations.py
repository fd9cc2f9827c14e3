"""Every company organisation has a company record (issue 8 item 3): companies that signed up
before sign-up created one get an empty record now, findable by name. Sign-up creates it since
(`companies.subscribers`), so access checks only read."""

from django.db import migrations

from bitgoeul.search.terms import name_terms


def forwards(apps, schema_editor):
    Organization = apps.get_model("accounts", "Organization")
    Company = apps.get_model("companies", "Company")
    missing = Organization.objects.filter(kind="company", company__isnull=True).order_by("pk")
    created = Company.objects.bulk_create(
        [
            Company(organization_id=org.pk, search_name=name_terms(f"{org.name} {org.name_en}"))
            for org in missing
        ],
        batch_size=500,
    )
    if created and schema_editor.connection.vendor == "sqlite":
        ids = [company.organization_id for company in created]
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join(["%s"] * len(batch))
            schema_editor.execute(
                "INSERT INTO companies_company_fts (rowid, name, body, tags) "
                "SELECT organization_id, search_name, search_body, search_tags "
                f"FROM companies_company WHERE organization_id IN ({marks})",
                batch,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("companies", "0004_move_notifications_to_notifications_app"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
