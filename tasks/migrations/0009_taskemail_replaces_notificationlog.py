"""Status-change e-mails are recorded as TaskEmail rows (direction out, change_id, address),
like every other e-mail of a task; NotificationLog goes. Its rows are copied first, so a job
still in the queue when this runs does not e-mail a change a second time."""

from django.db import migrations


def copy_sent_status_emails(apps, schema_editor):
    log = apps.get_model("tasks", "NotificationLog")._meta.db_table
    email = apps.get_model("tasks", "TaskEmail")._meta.db_table
    contact = apps.get_model("contacts", "Contact")._meta.db_table
    schema_editor.execute(
        f'INSERT INTO "{email}" (task_id, direction, message_id, change_id, contact_id, address, subject, '
        "header_message_id, created_at) "
        f"SELECT log.task_id, 'out', NULL, log.change_id, log.contact_id, TRIM(contact.email), '', '', log.sent_at "
        f'FROM "{log}" AS log JOIN "{contact}" AS contact ON contact.id = log.contact_id '
        "WHERE TRIM(contact.email) <> '' "
        "ON CONFLICT DO NOTHING"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0003_version_and_control_characters"),
        ("tasks", "0008_conversation"),
    ]

    operations = [
        migrations.RunPython(copy_sent_status_emails, migrations.RunPython.noop),
        migrations.DeleteModel(name="NotificationLog"),
    ]
