"""TaskLink.task_open: whether the linked task is open, kept by the database (issue 17).

The relink preview counts a relation's open tasks; joining its 50,000 links with the desk's
200,000 open tasks cost 70-100 ms at production size. With the flag on the link, the count
is one range of the partial index task_link_relation_open.

Two statement-level triggers keep the flag right, whatever writes the rows (services, bulk
jobs, the relink's INSERT ... SELECT, a data fix in psql):
- after INSERT on tasks_tasklink: the new links' flag from their tasks' status, read after a
  share lock on those tasks, so a link made while its task is being closed elsewhere still
  ends with the right flag (under READ COMMITTED, Django's and PostgreSQL's default);
- after UPDATE on tasks_task: the links of each task whose status moved into or out of
  `closed`, read from the statement's transition tables (one join per statement, not one
  trigger call per row; transition tables rule out a column list, so it fires on every
  UPDATE and finds nothing to do when no status changed).
A link is never pointed at another task (its task_id never changes; no code does it), so an
UPDATE of tasks_tasklink needs no trigger: moving a link to another relation keeps the flag.
The functions live in the contractant's own schema, like its tables (the template's copy is
cloned with it, tenants.schema_clone), and name their tables through TG_TABLE_SCHEMA, so
they never depend on the connection's search path.
"""

from django.db import migrations, models

CREATE = """
CREATE FUNCTION task_link_open_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Share-lock the new links' tasks first: a task being closed or reopened by another
    -- transaction is waited for, and the UPDATE below (a new statement, so under READ
    -- COMMITTED a new snapshot) reads its committed status; a task locked here makes a
    -- concurrent status change wait until this transaction's links are committed, so that
    -- change's own trigger sees and moves them. By id: two such statements lock in one order.
    EXECUTE format(
        'SELECT 1 FROM %1$I.tasks_task AS t WHERE t.id IN (SELECT task_id FROM new_links) ORDER BY t.id FOR SHARE',
        TG_TABLE_SCHEMA);
    EXECUTE format(
        'UPDATE %1$I.tasks_tasklink AS l SET task_open = (t.status <> ''closed'') '
        'FROM new_links AS n JOIN %1$I.tasks_task AS t ON t.id = n.task_id '
        'WHERE l.id = n.id AND l.task_open IS DISTINCT FROM (t.status <> ''closed'')',
        TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

CREATE FUNCTION task_link_open_follows_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'UPDATE %1$I.tasks_tasklink AS l SET task_open = (n.status <> ''closed'') '
        'FROM new_tasks AS n JOIN old_tasks AS o ON o.id = n.id '
        'WHERE l.task_id = n.id AND (o.status = ''closed'') <> (n.status = ''closed'')',
        TG_TABLE_SCHEMA);
    RETURN NULL;
END $$;

CREATE TRIGGER task_link_open_on_insert AFTER INSERT ON tasks_tasklink
    REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION task_link_open_on_insert();

CREATE TRIGGER task_link_open_follows_task AFTER UPDATE ON tasks_task
    REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION task_link_open_follows_task();

UPDATE tasks_tasklink AS l SET task_open = false FROM tasks_task AS t WHERE t.id = l.task_id AND t.status = 'closed';
"""

DROP = """
DROP TRIGGER task_link_open_follows_task ON tasks_task;
DROP TRIGGER task_link_open_on_insert ON tasks_tasklink;
DROP FUNCTION task_link_open_follows_task();
DROP FUNCTION task_link_open_on_insert();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0018_open_newest_sla_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="tasklink",
            name="task_open",
            field=models.BooleanField(db_default=True, default=True, editable=False),
        ),
        migrations.RunSQL(CREATE, DROP),
        migrations.AddIndex(
            model_name="tasklink",
            index=models.Index(
                condition=models.Q(("task_open", True)), fields=["relation", "task"], name="task_link_relation_open"
            ),
        ),
    ]
