"""The name key in byte order, then first name and id (issue 17): the duplicate check and the
contact picker read the contacts whose last name starts with what was typed ("jans%") as a
range of this index, already in name order, and stop at the first page; the plain name_key
index it replaces served the equal key only, and the matches were sorted (every "Jansen" of
250,000 contacts for the first ten)."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0005_dutch_names_and_merge"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="contact",
            name="contact_name_key",
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(
                django.db.models.functions.comparison.Collate("name_key", "C"),
                models.F("first_name"),
                models.F("id"),
                name="contact_name_key_order",
            ),
        ),
    ]
