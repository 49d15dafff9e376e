from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0015_task_link_task_created_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="taskmessage",
            index=models.Index(fields=["created_at"], name="task_message_created"),
        ),
    ]
