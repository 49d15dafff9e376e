from django.db import migrations, models


def suppliers_are_those_holding_bindings(apps, schema_editor):
    # Before roles existed, a contractant that bound another acted as its supplier; keep
    # exactly those as suppliers (the demo's and production's supplier), everyone else a customer.
    Contractant = apps.get_model("tenants", "Contractant")
    ContractantBinding = apps.get_model("tenants", "ContractantBinding")
    holders = ContractantBinding.objects.values("holder_id")
    Contractant.objects.filter(pk__in=holders).update(role="supplier")


class Migration(migrations.Migration):
    dependencies = [("tenants", "0003_syncoutbox")]

    operations = [
        migrations.AddField(
            model_name="contractant",
            name="role",
            field=models.CharField(
                choices=[("supplier", "Supplier (binds customer contractants)"), ("customer", "Customer")],
                default="customer",
                help_text="A supplier's staff bind customer contractants to their relations; a customer is bound.",
                max_length=16,
                verbose_name="role",
            ),
        ),
        migrations.RunPython(suppliers_are_those_holding_bindings, migrations.RunPython.noop),
    ]
