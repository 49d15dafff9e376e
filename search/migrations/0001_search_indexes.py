"""The global search's indexes, on other apps' tables (see docs/decisions.md, issue 16).

Trigram GIN indexes for the names and numbers (ILIKE and word similarity), functional
full-text GIN indexes with the Dutch configuration for task subjects and message bodies. The
expressions match search/selectors.py exactly, or the planner would not use them.
"""

from django.db import migrations

INDEXES = {
    "search_relation_name_trgm": "relations_relation USING gin (name gin_trgm_ops)",
    "search_relation_customer_number_trgm": "relations_relation USING gin (customer_number gin_trgm_ops)",
    "search_relation_coc_number_trgm": "relations_relation USING gin (coc_number gin_trgm_ops)",
    "search_relation_city_trgm": "relations_relation USING gin (city gin_trgm_ops)",
    "search_contact_first_name_trgm": "contacts_contact USING gin (first_name gin_trgm_ops)",
    "search_contact_last_name_trgm": "contacts_contact USING gin (last_name gin_trgm_ops)",
    "search_contact_email_trgm": "contacts_contact USING gin (email gin_trgm_ops)",
    "search_contact_phone_trgm": "contacts_contact USING gin (phone gin_trgm_ops)",
    "search_task_subject_fts": "tasks_task USING gin (to_tsvector('dutch'::regconfig, subject))",
    "search_taskmessage_body_fts": "tasks_taskmessage USING gin (to_tsvector('dutch'::regconfig, body))",
}


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0005_pg_trgm"),
        ("relations", "0008_version_and_control_characters"),
        ("contacts", "0003_version_and_control_characters"),
        ("tasks", "0010_message_author_optional"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {definition}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, definition in INDEXES.items()
    ]
