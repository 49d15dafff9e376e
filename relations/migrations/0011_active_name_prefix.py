"""The relation pickers' first tier (issue 17): the active relations whose name starts with what
was typed, read as a range of this index (lower case, byte order, so LIKE 'jansen%' is a range
whatever the database's collation) in name order, cut at the first page instead of sorting
every relation whose name contains the word."""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0010_history_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="relation",
            index=models.Index(
                django.db.models.functions.comparison.Collate(django.db.models.functions.text.Lower("name"), "C"),
                models.F("id"),
                condition=models.Q(("is_active", True)),
                name="relation_active_name_prefix",
            ),
        ),
    ]
