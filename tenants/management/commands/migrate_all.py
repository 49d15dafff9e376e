from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.template_schema import migrate_template_schema


class Command(BaseCommand):
    help = "Migrate the public schema, every contractant schema and the template schema for new contractants."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate_schemas", interactive=False, verbosity=verbosity)
        migrate_template_schema(verbosity=verbosity)
        self.stdout.write(self.style.SUCCESS("All schemas are up to date."))
