"""RelinkRecord moves to subscriptions with the relink (state only: the table stays as it is,
subscriptions/migrations/0002_relinkrecord takes it over under its old name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0006_sync_client_online"),
        ("subscriptions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="RelinkRecord")]),
    ]
