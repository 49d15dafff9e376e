from django.core.management.base import BaseCommand, CommandError

from tenants.migrating import SchemaMigrationError, migrate_everything


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the template schema for new contractants and every contractant "
        "schema whose applied migrations differ from the code (in parallel)."
    )

    def handle(self, *args, **options):
        try:
            run = migrate_everything(verbosity=options["verbosity"])
        except SchemaMigrationError as error:
            self.stderr.write(self._summary(error.run))
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(self._summary(run)))

    @staticmethod
    def _summary(run) -> str:
        template = "migrated" if run.template_migrated else "up to date"
        failed = f", {len(run.failures)} failed" if run.failures else ""
        return (
            f"Public schema migrated; template schema {template}; contractant schemas: "
            f"{len(run.up_to_date)} up to date, {len(run.migrated)} migrated{failed}."
        )
