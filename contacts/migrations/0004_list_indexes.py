"""Indexes for the contact lists at production size (issue 17).

- `contact_list_order`: the lists' and pickers' ORDER BY (last name, first name, id).
- Trigram GIN indexes on the columns the contact searches read with `column ILIKE '%text%'`
  (staff.lookups.contains). The global search (search/migrations/0001_search_indexes.py)
  needs the very same indexes; both migrations create them under the same names with
  IF NOT EXISTS, so whichever runs first makes them and the table carries each index once
  (every trigram index costs on every write). Reversing this migration leaves them to the
  global search's.
"""

from django.db import migrations, models

TRIGRAM_INDEXES = {
    "search_contact_first_name_trgm": "first_name",
    "search_contact_last_name_trgm": "last_name",
    "search_contact_email_trgm": "email",
    "search_contact_phone_trgm": "phone",
}


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_pg_trgm"),
        ("contacts", "0003_version_and_control_characters"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["last_name", "first_name", "id"], name="contact_list_order"),
        ),
        *(
            migrations.RunSQL(
                sql=f"CREATE INDEX IF NOT EXISTS {name} ON contacts_contact USING gin ({column} gin_trgm_ops)",
                reverse_sql=migrations.RunSQL.noop,
            )
            for name, column in TRIGRAM_INDEXES.items()
        ),
    ]
