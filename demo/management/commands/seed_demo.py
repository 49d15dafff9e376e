"""Demo data for a newcomer. Idempotent: a second run changes nothing."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from demo.contractants import DEMO_CONTRACTANTS, DEMO_PASSWORD, PLATFORM_ADMIN
from demo.supplier import seed_supplier_demo
from tenants.crossing import run_in_schema
from tenants.models import Contractant
from tenants.services import default_domain_for, provision_contractant


class Command(BaseCommand):
    help = "Create the platform admin and the demo contractants (supplier and customers)."

    def handle(self, *args, **options):
        created = 0
        with transaction.atomic():
            username, email = PLATFORM_ADMIN
            User = get_user_model()
            if not User.objects.filter(username=username).exists():
                User.objects.create_superuser(username=username, email=email, password=DEMO_PASSWORD)
                created += 1
        for demo in DEMO_CONTRACTANTS:
            if Contractant.objects.filter(schema_name=demo.schema_name).exists():
                continue
            provision_contractant(
                name=demo.name,
                schema_name=demo.schema_name,
                domain=default_domain_for(demo.schema_name),
                admin_email=demo.staff_email,
                admin_password=DEMO_PASSWORD,
                role=Contractant.Role.SUPPLIER if demo.is_supplier else Contractant.Role.CUSTOMER,
            )
            created += 1
        supplier = next(demo for demo in DEMO_CONTRACTANTS if demo.is_supplier)
        customers = {c.schema_name: c for c in Contractant.objects.exclude(schema_name=supplier.schema_name)}
        if run_in_schema(
            supplier.schema_name,
            lambda: seed_supplier_demo(actor_email=supplier.staff_email, customers=customers),
        ):
            created += 1
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data: {created} item(s) created."))
        else:
            self.stdout.write("Demo data already present; nothing changed.")
