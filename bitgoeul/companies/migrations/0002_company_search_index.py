"""The full-text index of companies: an FTS5 table on SQLite, a generated tsvector column with
a GIN index on PostgreSQL. Both index the terms in search_name, search_body and search_tags."""

from django.db import migrations


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE companies_company_fts USING fts5("
            "name, body, tags, tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3')"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE companies_company ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('simple'::regconfig, search_name), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, search_tags), 'B') || "
            "setweight(to_tsvector('simple'::regconfig, search_body), 'C')) STORED"
        )
        schema_editor.execute(
            "CREATE INDEX companies_company_search_gin ON companies_company "
            "USING gin (search_vector)"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS companies_company_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS companies_company_search_gin")
        schema_editor.execute("ALTER TABLE companies_company DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("companies", "0001_company_profiles")]
    operations = [migrations.RunPython(forwards, backwards)]
