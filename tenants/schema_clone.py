"""Clone the migrated template schema into a new contractant schema, fast.

django-tenants' generic `clone_schema` PL/pgSQL function walks the catalog object by object
and costs about as much as replaying our migrations. The template's structure only changes
when migrations change, so we read it once per process and keep the DDL as one script:
the schema's own functions, tables with their columns, defaults and identities (`LIKE ...
INCLUDING`), then every constraint and index under its original name (later migrations drop
them by name) and the triggers, then the template's rows (migration records, content types,
permissions) with identities moved past them. Every name in the script is
schema-qualified, so it never touches the connection's search path.
"""

from __future__ import annotations

from django.db import connection, transaction

PLACEHOLDER = '"__NEW_SCHEMA__"'
_script_cache: dict[tuple[str, int], str] = {}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _template_version(template: str) -> int:
    """Changes whenever a migration is applied to the template."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(max(id), 0) FROM {_quote(template)}.django_migrations")
        count, last = cursor.fetchone()
    return count * 1_000_000 + last


def _requalify(definition: str, template: str) -> str:
    """The catalog prints template objects as `template.name` (the template is never on the
    search path); point them at the new schema instead."""
    return definition.replace(f"{_quote(template)}.", f"{PLACEHOLDER}.").replace(f"{template}.", f"{PLACEHOLDER}.")


def build_clone_script(template: str) -> str:
    """The DDL and data statements that recreate `template` in the schema PLACEHOLDER."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [template],
        )
        tables = [row[0] for row in cursor.fetchall()]
        # Primary keys and unique constraints first: foreign keys need them.
        cursor.execute(
            "SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) "
            "FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid "
            "JOIN pg_namespace n ON n.oid = rel.relnamespace WHERE n.nspname = %s AND con.contype <> 'n' "
            "ORDER BY CASE con.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'c' THEN 2 ELSE 3 END, "
            "rel.relname, con.conname",
            [template],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class idx ON idx.oid = i.indexrelid JOIN pg_namespace n ON n.oid = idx.relnamespace "
            "WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid "
            "AND con.contype IN ('p', 'u', 'x')) ORDER BY idx.relname",
            [template],
        )
        indexes = [row[0] for row in cursor.fetchall()]
        # The schema's own functions and the triggers that call them (tasks' task_open flag).
        cursor.execute(
            # Plain functions and procedures (pg_get_functiondef refuses aggregates), not those an
            # extension owns (it makes them itself).
            "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = %s AND p.prokind IN ('f', 'p') AND NOT EXISTS (SELECT 1 FROM pg_depend d "
            "WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') ORDER BY p.proname",
            [template],
        )
        functions = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND NOT t.tgisinternal "
            "ORDER BY t.tgname",
            [template],
        )
        triggers = [row[0] for row in cursor.fetchall()]
        with_rows = []
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {_quote(template)}.{_quote(table)})")
            if cursor.fetchone()[0]:
                with_rows.append(table)
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND a.attidentity <> '' "
            "AND NOT a.attisdropped",
            [template],
        )
        identities = [(table, column) for table, column in cursor.fetchall() if table in with_rows]

    source, new = _quote(template), PLACEHOLDER
    statements = [f"CREATE SCHEMA {new}"]
    # Functions first: a later default or check may call one (PL/pgSQL bodies are checked when run).
    statements += [_requalify(definition, template) for definition in functions]
    statements += [
        f"CREATE TABLE {new}.{_quote(table)} (LIKE {source}.{_quote(table)} "
        "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED)"
        for table in tables
    ]
    statements += [
        f"ALTER TABLE {new}.{_quote(table)} ADD CONSTRAINT {_quote(name)} {_requalify(definition, template)}"
        for table, name, definition in constraints
    ]
    statements += [_requalify(definition, template) for definition in indexes]
    statements += [_requalify(definition, template) for definition in triggers]
    statements += [f"INSERT INTO {new}.{_quote(table)} SELECT * FROM {source}.{_quote(table)}" for table in with_rows]
    statements += [
        f"SELECT setval(pg_get_serial_sequence('{new}.{_quote(table)}', '{column}'), "
        f"(SELECT max({_quote(column)}) FROM {new}.{_quote(table)}))"
        for table, column in identities
    ]
    return ";\n".join(statements) + ";"


def clone_template_schema(*, template: str, new_schema: str) -> None:
    """Create `new_schema` as a copy of `template`; all or nothing, in the caller's transaction."""
    key = (template, _template_version(template))
    if key not in _script_cache:
        _script_cache.clear()
        _script_cache[key] = build_clone_script(template)
    script = _script_cache[key].replace(PLACEHOLDER, _quote(new_schema))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(script)
