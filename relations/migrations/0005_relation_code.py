"""Public UUID codes for portal URLs, unique per row (filled for existing rows)."""

import uuid

from django.db import migrations, models


def fill_codes(apps, schema_editor):
    model = apps.get_model("relations", "relation")
    for pk in model.objects.values_list("pk", flat=True):
        model.objects.filter(pk=pk).update(code=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("relations", "0004_historicalrelation_person_relation_person_and_more")]

    operations = [
        migrations.AddField(model_name="relation", name="code", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="relation", name="code", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AddField(
            model_name="historicalrelation",
            name="code",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
