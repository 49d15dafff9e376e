"""Remove personal data of closed tasks past the contractant's retention period.

Runs in one contractant's schema: `manage.py tenant_command apply_retention --schema=<name>`,
or for all of them `manage.py all_tenants_command apply_retention` (django-tenants). Running
it twice changes nothing more (privacy.services.apply_retention)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Remove personal data of closed tasks older than the retention period (one contractant)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        from privacy.services import apply_retention

        if connection.schema_name == "public":
            raise CommandError("Run it in a contractant: tenant_command apply_retention --schema=<name>.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        count = apply_retention(batch_size=batch_size)
        self.stdout.write(f"{connection.schema_name}: {count} task(s) anonymised.")
