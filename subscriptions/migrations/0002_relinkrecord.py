"""RelinkRecord, moved here from relations with the relink: the same table, taken over as it is
(state only; relations/migrations/0007 removed it from relations' state)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0001_initial"),
        ("relations", "0007_relinkrecord_to_subscriptions"),
        ("tenants", "0003_syncoutbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RelinkRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("database", models.CharField(max_length=63)),
                        ("moved_task_ids", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "contractant",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="tenants.contractant",
                            ),
                        ),
                        (
                            "from_relation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="relinks_out",
                                to="relations.relation",
                            ),
                        ),
                        (
                            "to_relation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="relinks_in",
                                to="relations.relation",
                            ),
                        ),
                        (
                            "from_subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="subscriptions.subscription"
                            ),
                        ),
                        (
                            "to_subscription",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="subscriptions.subscription"
                            ),
                        ),
                        (
                            "undo_of",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="undone_by",
                                to="subscriptions.relinkrecord",
                            ),
                        ),
                    ],
                    options={"db_table": "relations_relinkrecord", "ordering": ["-created_at", "-pk"]},
                ),
            ]
        ),
    ]
