"""Public UUID codes for portal URLs, unique per row (filled for existing rows)."""

import uuid

from django.db import migrations, models


def fill_codes(apps, schema_editor):
    model = apps.get_model("tasks", "task")
    for pk in model.objects.values_list("pk", flat=True):
        model.objects.filter(pk=pk).update(code=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("tasks", "0002_historicaltask_reporter_task_reporter_and_more")]

    operations = [
        migrations.AddField(model_name="task", name="code", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="task", name="code", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AddField(
            model_name="historicaltask",
            name="code",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
