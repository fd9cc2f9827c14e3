"""No two holding bookings of one item overlap, enforced by PostgreSQL (see `equipment.guard`).

`btree_gist` lets the exclusion constraint compare the item id with `=` beside the range's
`&&`; it is a trusted extension, so the database's owner may create it. SQLite has no exclusion
constraints: there `BookingSlot`'s unique constraint gives the same guarantee.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE equipment_booking ADD CONSTRAINT equipment_booking_no_overlap
    EXCLUDE USING gist (item_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
    WHERE (state IN ('pending', 'confirmed', 'checked_in'));
"""
DROP = "ALTER TABLE equipment_booking DROP CONSTRAINT IF EXISTS equipment_booking_no_overlap;"


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_catalogue_and_bookings")]

    operations = [migrations.RunPython(create, drop)]
