from django.db import migrations, models


class Migration(migrations.Migration):
    """Relinks at production size (issue 17) and their exact undo (issue 18)."""

    dependencies = [
        ("subscriptions", "0003_product_control_characters"),
    ]

    operations = [
        migrations.AddField(
            model_name="relinkrecord",
            name="moved_task_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="relinkrecord",
            name="kept_link_task_ids",
            field=models.JSONField(default=list),
        ),
        migrations.RunSQL(
            "UPDATE relations_relinkrecord SET moved_task_count = jsonb_array_length(moved_task_ids) "
            "WHERE jsonb_typeof(moved_task_ids) = 'array'",
            migrations.RunSQL.noop,
        ),
    ]
