"""pg_trgm in the public schema (a shared app's migration runs there only). Every contractant's
schema sees it, since django-tenants puts public on the search_path; the search app's trigram
indexes (a tenant migration, per schema) depend on this one."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_contractant_role")]

    operations = [TrigramExtension()]
