"""Each task link carries its task's created_at, so a relation's tasks are listed newest first by
one index read (issue 17). Filled from the tasks in one statement, then required."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0014_open_task_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="tasklink",
            name="task_created_at",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunSQL(
            "UPDATE tasks_tasklink AS link SET task_created_at = task.created_at "
            "FROM tasks_task AS task WHERE task.id = link.task_id",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="tasklink",
            name="task_created_at",
            field=models.DateTimeField(editable=False),
        ),
        migrations.AddIndex(
            model_name="tasklink",
            index=models.Index(
                fields=["relation", "-task_created_at", "-task"], name="task_link_relation_newest"
            ),
        ),
    ]
