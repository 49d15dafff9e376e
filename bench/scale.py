"""Every staff and portal page at demo size and at production size, side by side (issue 17).

Builds (or reuses) the database `bench_scale` on the configured (or embedded) PostgreSQL server:
the demo contractants of `manage.py seed_demo` (300 tasks, for comparison) and one
production-size supplier contractant, schema `scale` at `scale.localhost`: 1,000,000 tasks (20%
open), 1.4M task links, 1.5M messages, 100,000 relations, 250,000 contacts with 400,300 contact
links, 1.9M history rows, a bound customer contractant (`scale_customer`), 300 portal logins, an
accountant who is an approved member of 30 organisations, Client Online records for the synced
relations, teams, saved views, notifications and a bulk job. The schema is provisioned the way
the app does it (a clone of the template), then filled with INSERT ... SELECT over
generate_series (values are hashes of the row number, so every build is the same), its indexes
rebuilt and the tables analysed. The build takes a few minutes and is kept: the next run reuses
it while DATA_VERSION (a COMMENT on the database) matches, after `migrate_all` (so new
migrations, such as new indexes, reach the big tables).

Then measures, in process (django.test.Client, logged in as staff or as the portal
accountant), every list, search, picker, detail and fragment at both sizes: 3 warm-up requests,
then 30; server time median and p95 (wall time of client.get) and the number of SQL statements
(CaptureQueriesContext, without the `SET search_path` django-tenants sends before each one).
Growth is production median / demo median. Budgets (issue 17, item 2): lists and details p95
<= 150 ms, searches <= 300 ms, pickers and the duplicate check <= 100 ms, growth <= 2x; a page
that sends one statement more often at production size than at demo size (an N+1) fails too,
one that sends other statements (it shows other things) is noted "other SQL". Also times relink, its undo and its
preview of a relation with 50,000 open tasks (<= 5 s, <= 5 s, <= 500 ms), inside a transaction
that is rolled back, so the dataset stays as built.

    .venv/bin/python bench/scale.py                       # build or reuse, then measure
    .venv/bin/python bench/scale.py --build-only          # only build (or update) the data
    .venv/bin/python bench/scale.py --rebuild             # drop and build again
    .venv/bin/python bench/scale.py --pages task,search --requests 10
    .venv/bin/python bench/scale.py --pages sync --requests 3 --statements   # what a count differs by

The last line reads `worst p95 <ms> ms (<page>); worst growth <x>x (<page>)`.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE = "bench_scale"
# Raise when what the build makes changes: an older database is then built again.
DATA_VERSION = "bench_scale data v2"  # v2: contacts have a tussenvoegsel (infix)
SCHEMA = "scale"
CUSTOMER_SCHEMA = "scale_customer"
STAFF_EMAIL = "staff@scale.test"

N_RELATIONS = 100_000
N_CONTACTS = 250_000
N_LINKS = 400_000
N_TASKS = 1_000_000
BIG_RELATION_OPEN_TASKS = 50_000
N_PORTAL_USERS = 300
N_AGENTS = 8

FIRST_NAMES = [
    "Jan", "Anna", "Pieter", "Sanne", "Mohamed", "Eva", "Kees", "Fatima", "Lars", "Sophie", "Daan", "Emma",
    "Bram", "Lotte", "Ahmed", "Julia", "Thijs", "Noor", "Ruben", "Iris", "Willem", "Fleur", "Sem", "Lisa",
]  # fmt: skip
LAST_NAMES = [
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel",
    "van der Veen", "van den Broek", "de Bruijn", "de Jong", "van Dijk", "Kramer", "Schouten", "Willems",
]  # fmt: skip
TRADES = [
    "Bouw", "Advies", "Techniek", "Transport", "Bakkerij", "Zorg", "Installatie", "Accountants", "Logistiek",
    "Horeca", "Schilders", "Metaal", "Groep", "ICT", "Juristen", "Kinderopvang",
]  # fmt: skip
SUFFIXES = [" B.V.", " B.V.", " B.V.", " Holding B.V.", " V.O.F.", " & Zonen", " Groep B.V.", ""]
CITIES = [
    "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda",
    "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaanstad", "Zwolle", "Leiden",
    "Maastricht", "Dordrecht", "Ede", "Alkmaar", "Emmen", "Delft", "Venlo", "Deventer", "Sittard", "Helmond",
]  # fmt: skip
STREETS = [
    "Hoofdstraat", "Kerkstraat", "Dorpsstraat", "Stationsweg", "Schoolstraat", "Molenweg", "Industrieweg",
    "Julianastraat", "Beatrixlaan", "Nieuwstraat", "Marktplein", "Parallelweg", "Havenkade", "Kanaalweg",
]  # fmt: skip
POSTCODE_LETTERS = list("ABCEGHJKLMNPRTVWXZ")
DOMAINS = ["ondernemer.nl", "bedrijfsmail.nl", "kantoor.nl", "zakelijk.nl", "werkplek.nl", "mailbox.nl"]
JOB_TITLES = ["Salarisadministrateur", "HR-adviseur", "Eigenaar", "Directeur", "Boekhouder", "Office manager", ""]
PRODUCTS = ["MaxCC Payroll", "MaxCC HR", "MaxCC Uren", "MaxCC Verlof", "MaxCC Portal"]
SUBJECTS = [
    "Loonstrook toont verkeerde vakantiedagen", "Inloggen op de portal lukt niet", "Export naar boekhouding faalt",
    "Nieuwe medewerker toevoegen", "Verlofaanvraag blijft hangen", "Rapport urenregistratie leeg",
    "Factuur dubbel verstuurd", "Wachtwoord reset komt niet aan", "Koppeling met bank geeft foutmelding",
    "Vraag over jaaropgave", "Rechten van beheerder aanpassen", "Planning toont oude roosters",
    "Pensioenaangifte afgekeurd", "Reiskostenvergoeding klopt niet", "Ziekmelding niet verwerkt",
    "Contract verlengen", "Import van uren mislukt", "Loonheffing berekend met verkeerde tabel",
    "Dubbele medewerker in overzicht", "Vraag over nieuwe functionaliteit",
]  # fmt: skip
DESCRIPTIONS = [
    "Gemeld via de telefoon; klant vraagt om terugkoppeling per e-mail.",
    "Sinds de laatste update gaat het mis bij het openen van het overzicht.",
    "Klant heeft een schermafdruk gestuurd; de foutmelding verschijnt bij elke poging.",
    "Urgent: de salarisrun staat morgen gepland.",
    "De betaling is via de bank teruggestort met de melding 'rekening onbekend'.",
    "Graag even bellen met de contactpersoon voor meer uitleg.",
]
BODIES = [
    "Dank voor uw melding. We kijken ernaar en komen er vandaag op terug.",
    "Kunt u aangeven bij welke medewerker dit speelt en sinds wanneer?",
    "Het bestand van de bank wordt geweigerd met code AC01; het IBAN lijkt niet te kloppen.",
    "Opgelost in de nieuwe versie; wilt u het nog eens proberen?",
    "Intern: dit lijkt op het probleem van vorige week, zie de gekoppelde taak.",
    "Ik heb de rechten aangepast. U kunt nu opnieuw inloggen.",
    "De export is opnieuw gestart; u ontvangt vanmiddag het bestand.",
    "Wij hebben de gegevens gecontroleerd en alles lijkt in orde.",
    "Bedankt, het werkt weer!",
    "Helaas gaat het nog steeds mis bij het versturen naar de bank.",
]


# ---------------------------------------------------------------------------------------------
# SQL helpers: deterministic pseudo-random values from the series number


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def rnd(n: str, salt: int, modulo: int) -> str:
    """SQL: an integer in [0, modulo) that looks random but depends only on (n, salt)."""
    return f"pg_temp.rnd(({n})::bigint, {salt}, {modulo})"


def pick(values: list[str], n: str, salt: int) -> str:
    """SQL: one of `values`, chosen by (n, salt)."""
    array = "ARRAY[" + ", ".join(_quote(value) for value in values) + "]::text[]"
    return f"({array})[1 + {rnd(n, salt, len(values))}]"


HELPERS = """
CREATE OR REPLACE FUNCTION pg_temp.rnd(n bigint, salt int, modulo int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((((n * 2654435761 + salt * 1000003) # ((n * 40503 + salt * 7919) << 9)) % 2147483629) % modulo)::int
$$;
"""


def _shared_box(c: str) -> str:
    """SQL: contact `c` is an office's shared mailbox ("Administratie Jansen"): 3 in 100."""
    return f"{rnd(c, 3, 100)} < 3"


def _contact_first(c: str) -> str:
    return f"(CASE WHEN {_shared_box(c)} THEN '' ELSE {pick(FIRST_NAMES, c, 1)} END)"


# "van den Berg" is infix "van den" and last name "Berg", as the contact form stores it.
INFIXES = [name.rpartition(" ")[0] for name in LAST_NAMES]
SURNAMES = [name.rpartition(" ")[2] for name in LAST_NAMES]


def _contact_family(c: str) -> str:
    """The family name as one shows it ("van den Berg"; "Administratie Jansen" for a shared box)."""
    return f"(CASE WHEN {_shared_box(c)} THEN 'Administratie ' ELSE '' END || {pick(LAST_NAMES, c, 2)})"


def _contact_infix(c: str) -> str:
    return f"(CASE WHEN {_shared_box(c)} THEN '' ELSE {pick(INFIXES, c, 2)} END)"


def _contact_last(c: str) -> str:
    office = f"'Administratie ' || {pick(LAST_NAMES, c, 2)}"
    return f"(CASE WHEN {_shared_box(c)} THEN {office} ELSE {pick(SURNAMES, c, 2)} END)"


def _contact_email(c: str) -> str:
    return (
        f"(lower(CASE WHEN {_shared_box(c)} THEN 'administratie' ELSE {pick(FIRST_NAMES, c, 1)} END)"
        f" || '.' || replace(lower({pick(LAST_NAMES, c, 2)}), ' ', '') || ({c})::text || '@' || {pick(DOMAINS, c, 4)})"
    )


class Builder:
    """Fills the `scale` schema, one table at a time, with timings."""

    def __init__(self, conn, ids: dict):
        self.conn = conn
        self.ids = ids  # what exists already (the demo seed in the schema) and who acts

    def step(self, label: str, sql: str) -> None:
        """Run one statement (no parameters: values are inlined, `%` is SQL's modulo)."""
        started = time.perf_counter()
        with self.conn.cursor() as cursor:
            cursor.execute(sql)
            rows = cursor.rowcount
        self.conn.commit()
        print(f"  {label:<44} {rows:>10,} rows {time.perf_counter() - started:>7.1f} s", flush=True)

    def build(self) -> None:
        ids = self.ids
        cb, rb, tb = ids["contact"], ids["relation"], ids["task"]
        actor, agents, teams = ids["actor"], ids["agents"], ids["teams"]
        staff_ids = [actor, *agents]
        staff_array = "ARRAY[" + ",".join(str(pk) for pk in staff_ids) + "]::int[]"
        team_array = "ARRAY[" + ",".join(str(pk) for pk in teams) + "]::bigint[]"
        n_persons = N_RELATIONS // 12

        c = "g"
        self.step(
            "contacts_contact",
            f"""
            INSERT INTO contacts_contact (id, code, first_name, infix, last_name, job_title, email, username, phone,
                kind, status, created_at, updated_at, notify_scope, notify_trigger, version)
            SELECT {cb} + g, md5('scale-contact-' || g)::uuid, {_contact_first(c)}, {_contact_infix(c)},
                {_contact_last(c)},
                {pick(JOB_TITLES, c, 5)}, {_contact_email(c)}, {_contact_email(c)},
                CASE WHEN {rnd(c, 6, 10)} < 3 THEN '' ELSE '+316' || lpad({rnd(c, 7, 100000000)}::text, 8, '0') END,
                CASE WHEN {_shared_box(c)} AND g > {n_persons} THEN 'shared' ELSE 'person' END,
                CASE WHEN {rnd(c, 8, 100)} < 4 AND g > {n_persons} THEN 'inactive' ELSE 'active' END,
                now() - ({N_CONTACTS} - g) * interval '10 minutes', now() - ({N_CONTACTS} - g) * interval '10 minutes',
                'own', 'every_change', 1
            FROM generate_series(1, {N_CONTACTS}) AS g
            """,
        )
        n = "g"
        person = "(g % 12 = 0 AND g > 2)"
        company_name = f"({pick(LAST_NAMES, n, 11)} || ' ' || {pick(TRADES, n, 12)} || {pick(SUFFIXES, n, 13)})"
        person_name = f"(trim({_contact_first('g / 12')} || ' ' || {_contact_family('g / 12')}))"
        letters = f"{pick(POSTCODE_LETTERS, n, 17)} || {pick(POSTCODE_LETTERS, n, 18)}"
        self.step(
            "relations_relation",
            f"""
            INSERT INTO relations_relation (id, code, kind, customer_number, coc_number, name, street, house_number,
                postcode, city, country, is_active, sync_client_online, person_id, created_at, updated_at, version)
            SELECT {rb} + g, md5('scale-relation-' || g)::uuid,
                CASE WHEN {person} THEN 'person' ELSE 'company' END,
                'K' || lpad(g::text, 6, '0'),
                CASE WHEN {person} THEN '' ELSE lpad(((g::bigint * 7919) % 90000000 + 10000000)::text, 8, '0') END,
                CASE WHEN g = 1 THEN 'Groot Salarisbureau Noord B.V.'
                     WHEN g = 2 THEN 'Salarisbureau Noord Nieuw B.V.'
                     WHEN {person} THEN {person_name} ELSE {company_name} END,
                {pick(STREETS, n, 14)}, (1 + {rnd(n, 15, 200)})::text,
                (1000 + {rnd(n, 16, 9000)})::text || ' ' || {letters},
                {pick(CITIES, n, 19)}, 'NL', g <= 2 OR {rnd(n, 20, 100)} >= 5, {rnd(n, 21, 100)} < 30,
                CASE WHEN {person} THEN {cb} + g / 12 END,
                now() - ({N_RELATIONS} - g) * interval '25 minutes',
                now() - ({N_RELATIONS} - g) * interval '25 minutes', 1
            FROM generate_series(1, {N_RELATIONS}) AS g
            """,
        )
        self.step(
            "subscriptions_subscription",
            f"""
            INSERT INTO subscriptions_subscription (relation_id, product, start_date, end_date, is_active, created_at)
            SELECT r.id, CASE WHEN r.id <= {rb} + 2 THEN 'MaxCC Payroll' ELSE {pick(PRODUCTS, "r.id", 22)} END,
                d.start_date, CASE WHEN r.is_active THEN NULL ELSE d.start_date + 365 END, r.is_active, r.created_at
            FROM relations_relation r
            CROSS JOIN LATERAL (SELECT date '2016-01-01' + {rnd("r.id", 23, 3000)} AS start_date) d
            WHERE r.id > {rb}
            """,
        )
        # Each contact one link, the first 150,000 a second one (to another relation), and 300 of
        # them also with the demo's K1001, where the accountant and the portal logins meet.
        link_relation = (
            f"CASE WHEN g <= {N_CONTACTS} THEN {rb} + 3 + (((g - 1) % {N_CONTACTS} + 1) * 37) % {N_RELATIONS - 2}"
            f" ELSE {rb} + 3 + ((((g - 1) % {N_CONTACTS} + 1) * 37 + 50000) % {N_RELATIONS - 2}) END"
        )
        self.step(
            "contacts_contactlink",
            f"""
            INSERT INTO contacts_contactlink (contact_id, relation_id, job_title, is_admin, is_approver, status,
                support_access, sync_client_online, created_at)
            SELECT {cb} + (g - 1) % {N_CONTACTS} + 1, {link_relation}, {pick(JOB_TITLES, "g", 24)},
                {rnd("g", 25, 100)} < 10, {rnd("g", 26, 100)} < 10,
                CASE WHEN {rnd("g", 27, 100)} < 2 THEN 'requested' ELSE 'approved' END,
                {pick(["own", "own", "own", "own", "own", "all", "all", "none", "none", "none"], "g", 28)},
                {rnd("g", 29, 100)} < 40, now() - ({N_LINKS} - g) * interval '6 minutes'
            FROM generate_series(1, {N_LINKS}) AS g
            UNION ALL
            SELECT {cb} + 800 * k + 500, {ids["k1001"]}, 'Medewerker', false, false, 'approved', 'own', false, now()
            FROM generate_series(1, {N_PORTAL_USERS}) AS k
            """,
        )

        n = "g"
        recent = f"(g > {N_TASKS - N_TASKS // 10})"
        is_open = f"(({recent} AND {rnd(n, 30, 100)} < 80) OR (NOT {recent} AND {rnd(n, 30, 1000)} < 133))"
        status = (
            f"CASE WHEN NOT {is_open} THEN 'closed' WHEN {rnd(n, 31, 10)} < 3 THEN 'new'"
            f" WHEN {rnd(n, 31, 10)} < 8 THEN 'open' ELSE 'waiting' END"
        )
        priority = (
            f"CASE WHEN {rnd(n, 32, 100)} < 20 THEN 1 WHEN {rnd(n, 32, 100)} < 70 THEN 2"
            f" WHEN {rnd(n, 32, 100)} < 92 THEN 3 ELSE 4 END"
        )
        self.step(
            "tasks_task",
            f"""
            INSERT INTO tasks_task (id, code, subject, description, status, priority, assignee_id, team_id,
                reporter_id, created_at, updated_at, closed_at, reply_token, version, response_due_at,
                resolution_due_at, first_response_at, sla_paused_at, sla_paused_minutes, sla_breached_at)
            SELECT id, code, subject, description, status, priority, assignee_id, team_id, reporter_id, created_at,
                least(now(), coalesce(closed_at, created_at + interval '2 hours')), closed_at, reply_token, 1,
                created_at + response, created_at + resolution,
                CASE WHEN status = 'closed' THEN created_at + response / 2
                     WHEN status <> 'new' AND created_at + interval '30 minutes' < now()
                     THEN created_at + interval '30 minutes' END,
                CASE WHEN status = 'waiting' THEN least(now(), created_at + interval '2 hours') END, 0,
                CASE WHEN status IN ('new', 'open') AND created_at + resolution < now()
                     THEN created_at + resolution END
            FROM (
                SELECT {tb} + g AS id, md5('scale-task-' || g)::uuid AS code, {pick(SUBJECTS, n, 33)} AS subject,
                    {pick(DESCRIPTIONS, n, 34)} AS description, {status} AS status, {priority} AS priority,
                    CASE WHEN {rnd(n, 35, 100)} < 30 THEN ({staff_array})[1 + {rnd(n, 36, len(staff_ids))}] END
                        AS assignee_id,
                    CASE WHEN {rnd(n, 37, 100)} < 20 THEN ({team_array})[1 + {rnd(n, 38, len(teams))}] END AS team_id,
                    CASE WHEN {rnd(n, 39, 100)} < 85 THEN {cb} + 1 + {rnd(n, 40, N_CONTACTS)} END AS reporter_id,
                    now() - ({N_TASKS} - g) * interval '150 seconds' AS created_at,
                    CASE WHEN NOT {is_open}
                         THEN now() - ({N_TASKS} - g) * interval '150 seconds'
                              + (1 + {rnd(n, 41, 72)}) * interval '1 hour' END AS closed_at,
                    substr(md5('scale-reply-' || g), 1, 20) AS reply_token,
                    g AS n
                FROM generate_series(1, {N_TASKS}) AS g
            ) t
            CROSS JOIN LATERAL (
                SELECT (ARRAY[16, 8, 4, 1])[t.priority] * interval '1 hour' AS response,
                       (ARRAY[240, 120, 48, 8])[t.priority] * interval '1 hour' AS resolution
            ) sla
            """,
        )
        # A closed task is closed in the past: move closed_at of the newest ones back to now.
        self.step(
            "tasks_task (closed_at not in the future)",
            f"UPDATE tasks_task SET closed_at = now(), updated_at = now() WHERE id > {tb} AND closed_at > now()",
        )
        self.step(
            "big relation: its 50,000 open tasks",
            f"""
            CREATE TABLE pg_temp.big_tasks AS
            SELECT id FROM tasks_task WHERE id > {tb} AND status <> 'closed' ORDER BY id LIMIT {BIG_RELATION_OPEN_TASKS}
            """,
        )
        first = f"{rb} + 3 + {rnd('t.id', 42, N_RELATIONS - 2)}"
        # task_open as the database's trigger sets it (tasks 0019), which session_replication_role
        # = replica skips while loading.
        self.step(
            "tasks_tasklink",
            f"""
            INSERT INTO tasks_tasklink (task_id, relation_id, created_at, task_created_at, task_open)
            SELECT t.id, CASE WHEN b.id IS NOT NULL THEN {rb} + 1 ELSE {first} END, t.created_at, t.created_at,
                t.status <> 'closed'
            FROM tasks_task t LEFT JOIN pg_temp.big_tasks b ON b.id = t.id
            WHERE t.id > {tb}
            UNION ALL
            SELECT t.id,
                {rb} + 3 + ({rnd("t.id", 42, N_RELATIONS - 2)} + 1 + {rnd("t.id", 43, N_RELATIONS - 3)})
                    % {N_RELATIONS - 2},
                t.created_at, t.created_at, t.status <> 'closed'
            FROM tasks_task t
            WHERE t.id > {tb} AND {rnd("t.id", 44, 100)} < 40
            """,
        )
        message = f"""
            SELECT t.id, {pick(BODIES, "t.id * 2 + k", 45)},
                CASE WHEN {rnd("t.id * 2 + k", 46, 100)} < 70 OR t.reporter_id IS NULL THEN 'reply' ELSE 'note' END,
                t.reporter_id, t.assignee_id, t.created_at + k * interval '1 hour',
                md5('scale-msg-' || t.id || '-' || k)
            FROM tasks_task t CROSS JOIN generate_series(1, 2) AS k
            WHERE t.id > {tb} AND (k = 1 OR t.id % 2 = 0)
        """
        channel = (
            f"CASE WHEN kind = 'reply' AND reporter_id IS NOT NULL AND {rnd('task_id', 47, 100)} < 40"
            f" THEN (ARRAY['email', 'portal'])[1 + {rnd('task_id', 48, 2)}] ELSE 'staff' END"
        )
        self.step(
            "tasks_taskmessage",
            f"""
            INSERT INTO tasks_taskmessage (task_id, body, kind, channel, author_id, author_contact_id, author_label,
                held_for_review, email_message_id, created_at, code)
            SELECT task_id, body, kind, channel,
                CASE WHEN channel = 'staff' THEN coalesce(assignee_id, {actor}) END,
                CASE WHEN channel <> 'staff' THEN reporter_id END,
                '', false, '', least(created_at, now()), code::uuid
            FROM (
                SELECT m.*, {channel} AS channel
                FROM ({message}) AS m (task_id, body, kind, reporter_id, assignee_id, created_at, code)
            ) x
            """,
        )
        self._history()
        self._portal_and_desk()
        self._client_online()

    def _columns(self, table: str) -> list[str]:
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s"
                " ORDER BY ordinal_position",
                (SCHEMA, table),
            )
            return [row[0] for row in cursor.fetchall()]

    def _history(self) -> None:
        """One "created" row per object, as simple-history leaves it, by the acting staff member."""
        ids = self.ids
        plan = [
            ("relations_historicalrelation", "relations_relation", f"id > {ids['relation']}"),
            ("subscriptions_historicalsubscription", "subscriptions_subscription", f"id > {ids['subscription']}"),
            ("contacts_historicalcontact", "contacts_contact", f"id > {ids['contact']}"),
            ("contacts_historicalcontactlink", "contacts_contactlink", f"id > {ids['contactlink']}"),
            ("tasks_historicaltask", "tasks_task", f"id > {ids['task']}"),
            ("tasks_historicaltasklink", "tasks_tasklink", f"relation_id = {ids['relation'] + 1}"),
        ]
        for history, table, where in plan:
            own = set(self._columns(table))
            columns = [col for col in self._columns(history) if col in own]
            listed = ", ".join(columns)
            self.step(
                history,
                f"""
                INSERT INTO {history} ({listed}, history_date, history_type, history_user_id)
                SELECT {listed}, created_at, '+', {ids["actor"]} FROM {table} WHERE {where}
                """,
            )

    def _portal_and_desk(self) -> None:
        ids = self.ids
        cb, rb, tb, actor = ids["contact"], ids["relation"], ids["task"], ids["actor"]
        self.step(
            "auth_user (portal logins)",
            f"""
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                is_active, date_joined)
            SELECT {_quote(ids["password"])}, false, c.username, '', '', c.email, false, true, now()
            FROM contacts_contact c
            WHERE c.id IN (SELECT {cb} + 800 * k + 500 FROM generate_series(1, {N_PORTAL_USERS}) k)
            """,
        )
        self.step(
            "contacts_contact (portal logins)",
            "UPDATE contacts_contact c SET user_id = u.id FROM auth_user u WHERE u.username = c.username"
            " AND c.user_id IS NULL AND NOT u.is_staff",
        )
        self.step(
            "contacts_contactlink (accountant in 30)",
            f"""
            INSERT INTO contacts_contactlink (contact_id, relation_id, job_title, is_admin, is_approver, status,
                support_access, sync_client_online, created_at)
            SELECT {ids["accountant"]}, {rb} + 2 + k, 'Boekhouder', k % 9 = 0, false, 'approved', 'all', false,
                now()
            FROM generate_series(1, 30 - {ids["accountant_links"]}) AS k
            """,
        )
        self.step(
            "notifications_notification",
            f"""
            INSERT INTO notifications_notification (recipient_id, kind, params, url, key, created_at, read_at)
            SELECT {actor}, (ARRAY['assigned', 'customer_reply', 'sla_warning'])[1 + g % 3],
                jsonb_build_object('number', t.id, 'subject', t.subject, 'actor', 'Agent 1', 'author', 'Klant'),
                '/tasks/' || t.id || '/', '', now() - g * interval '20 minutes',
                CASE WHEN g > 40 THEN now() - g * interval '19 minutes' END
            FROM generate_series(1, 5000) AS g JOIN tasks_task t ON t.id = {tb} + {N_TASKS} - g * 7
            """,
        )
        self.step(
            "tasks_savedview",
            f"""
            INSERT INTO tasks_savedview (owner_id, name, query, shared, created_at)
            SELECT u, 'Weergave ' || g, (ARRAY['queue=open&priority=4', 'queue=unassigned&sort=-sla',
                'queue=all&q=bank', 'queue=waiting&sort=priority'])[1 + g % 4], g % 3 = 0, now()
            FROM unnest(ARRAY[{actor}, {ids["agents"][0]}]) AS u, generate_series(1, 6) AS g
            """,
        )
        self.step(
            "tasks_bulkjob",
            f"""
            INSERT INTO tasks_bulkjob (code, actor_id, action, params, total, done, state, created_at, finished_at)
            VALUES (md5('scale-bulk-1')::uuid, {actor}, 'priority', '{{"priority": 3}}', 5000, 5000, 'done',
                now() - interval '1 day', now() - interval '1 day')
            """,
        )
        self.step(
            "tasks_bulkjobitem",
            f"""
            INSERT INTO tasks_bulkjobitem (job_id, task_id, outcome, message)
            SELECT j.id, t.id, CASE WHEN t.priority = 3 THEN 'unchanged' ELSE 'changed' END, ''
            FROM tasks_bulkjob j, tasks_task t
            WHERE j.code = md5('scale-bulk-1')::uuid AND t.id > {tb} + {N_TASKS} - 5000
            """,
        )

    def _client_online(self) -> None:
        """What Client Online acknowledged: the desired state of the synced relations, except
        for one in a hundred relations, so the status page has something pending."""
        prefix = _quote(f"{SCHEMA}.")
        self.step(
            "portal_sync_remoteclient",
            f"""
            INSERT INTO portal_sync_remoteclient (external_id, data)
            SELECT {prefix} || r.code,
                jsonb_build_object('name', r.name, 'kind', r.kind, 'customer_number', r.customer_number)
            FROM relations_relation r WHERE r.sync_client_online AND r.is_active AND r.id % 100 <> 0
            ON CONFLICT DO NOTHING
            """,
        )
        self.step(
            "portal_sync_remoteuser",
            f"""
            INSERT INTO portal_sync_remoteuser (external_id, data)
            SELECT DISTINCT {prefix} || c.code,
                jsonb_build_object('email', c.username,
                    'name', concat_ws(' ', nullif(c.first_name, ''), nullif(c.infix, ''), c.last_name))
            FROM contacts_contactlink l JOIN contacts_contact c ON c.id = l.contact_id
            JOIN relations_relation r ON r.id = l.relation_id
            WHERE l.sync_client_online AND r.sync_client_online AND r.is_active AND c.status = 'active'
            ON CONFLICT DO NOTHING
            """,
        )
        self.step(
            "portal_sync_remotemembership",
            f"""
            INSERT INTO portal_sync_remotemembership (user_id, client_id)
            SELECT {prefix} || c.code, {prefix} || r.code
            FROM contacts_contactlink l JOIN contacts_contact c ON c.id = l.contact_id
            JOIN relations_relation r ON r.id = l.relation_id
            WHERE l.sync_client_online AND r.sync_client_online AND r.is_active AND c.status = 'active'
                AND r.id % 100 <> 0
            ON CONFLICT DO NOTHING
            """,
        )


# ---------------------------------------------------------------------------------------------
# Build or reuse


def server_urls() -> tuple[str, str]:
    from config import embedded

    base = os.environ.get("DATABASE_URL") or embedded.postgres_url()
    return base.rsplit("/", 1)[0] + "/postgres", base.rsplit("/", 1)[0] + f"/{DATABASE}"


def data_version(admin_url: str) -> str | None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", (DATABASE,)
        ).fetchone()
    if row is None:
        return None
    return row[0] or ""


def create_database(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (DATABASE,),
        )
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def set_data_version(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"COMMENT ON DATABASE {DATABASE} IS {_quote(DATA_VERSION)}")


def _drop_indexes(conn, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of the big tables (not primary keys or unique constraints),
    returning their definitions: building an index once over loaded rows is much faster than
    keeping it up to date row by row."""
    rows = conn.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = %s AND i.tablename = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
        """,
        (SCHEMA, tables),
    ).fetchall()
    for name, _definition in rows:
        conn.execute(f'DROP INDEX "{SCHEMA}"."{name}"')
    conn.commit()
    return [definition for _name, definition in rows]


BIG_TABLES = [
    "contacts_contact",
    "contacts_contactlink",
    "contacts_historicalcontact",
    "contacts_historicalcontactlink",
    "relations_relation",
    "relations_historicalrelation",
    "subscriptions_subscription",
    "subscriptions_historicalsubscription",
    "tasks_task",
    "tasks_historicaltask",
    "tasks_tasklink",
    "tasks_historicaltasklink",
    "tasks_taskmessage",
    "tasks_bulkjobitem",
    "notifications_notification",
    "portal_sync_remoteclient",
    "portal_sync_remoteuser",
    "portal_sync_remotemembership",
]


def build(admin_url: str, scale_url: str) -> None:
    import psycopg
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    print(f"building {DATABASE} ({DATA_VERSION}) ...", flush=True)
    create_database(admin_url)
    call_command("migrate_all", verbosity=0)
    print(f"  {'migrate_all':<44} {'':>15} {time.perf_counter() - started:>7.1f} s", flush=True)
    step = time.perf_counter()
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    print(f"  {'seed_demo (demo size, 300 tasks)':<44} {'':>15} {time.perf_counter() - step:>7.1f} s", flush=True)

    from demo.contractants import DEMO_PASSWORD, PORTAL_ACCOUNTANT
    from demo.supplier import seed_supplier_demo
    from staff.models import Team
    from tenants.models import Contractant
    from tenants.services import provision_contractant

    step = time.perf_counter()
    scale = provision_contractant(
        name="Schaal Support (productiegrootte)",
        schema_name=SCHEMA,
        domain=f"{SCHEMA}.localhost",
        admin_email=STAFF_EMAIL,
        admin_password=DEMO_PASSWORD,
        role=Contractant.Role.SUPPLIER,
    )
    customer = provision_contractant(
        name="Groot Salarisbureau Noord",
        schema_name=CUSTOMER_SCHEMA,
        domain=f"{CUSTOMER_SCHEMA.replace('_', '-')}.localhost",
        admin_email="beheer@scale-customer.test",
        admin_password=DEMO_PASSWORD,
        role=Contractant.Role.CUSTOMER,
    )
    connection.set_tenant(scale)
    # The demo's relations, contacts, portal logins and conversations, also at production size.
    seed_supplier_demo(actor_email=STAFF_EMAIL, customers={})
    User = get_user_model()
    actor = User.objects.get(username=STAFF_EMAIL)
    agents = [
        User.objects.create_user(
            username=f"agent{k}@scale.test",
            email=f"agent{k}@scale.test",
            first_name=["Bas", "Ilse", "Joost", "Maaike", "Niels", "Petra", "Rik", "Tessa"][k - 1],
            last_name="Support",
            password=DEMO_PASSWORD,
            is_staff=True,
        )
        for k in range(1, N_AGENTS + 1)
    ]
    teams = []
    for k, name in enumerate(["Salaris", "HR", "Techniek", "Eerste lijn"]):
        team = Team.objects.create(name=name, lead=agents[k])
        team.members.set([agents[k], agents[k + 4], *([actor] if k == 0 else [])])
        teams.append(team)
    print(f"  {'provision, demo seed and staff in scale':<44} {'':>15} {time.perf_counter() - step:>7.1f} s")

    from contacts.models import Contact, ContactLink
    from relations.models import Relation
    from subscriptions.models import Subscription
    from tasks.models import Task

    accountant = Contact.objects.get(username=PORTAL_ACCOUNTANT)
    ids = {
        "contact": Contact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "contactlink": ContactLink.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "relation": Relation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "subscription": Subscription.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "task": Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        "actor": actor.pk,
        "agents": [agent.pk for agent in agents],
        "teams": [team.pk for team in teams],
        "password": actor.password,
        "k1001": Relation.objects.get(customer_number="K1001").pk,
        "accountant": accountant.pk,
        "accountant_links": accountant.links.count(),
    }
    connection.set_schema_to_public()
    connection.close()

    with psycopg.connect(scale_url) as conn:
        conn.execute(f"SET search_path = {SCHEMA}, public")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET work_mem = '64MB'")
        try:
            # Skip the foreign-key triggers while loading rows that are consistent by construction
            # (needs a superuser, as the embedded server's is; otherwise they are checked).
            conn.execute("SET session_replication_role = replica")
        except psycopg.Error:
            conn.rollback()
            conn.execute(f"SET search_path = {SCHEMA}, public")
        conn.execute(HELPERS)
        conn.commit()
        definitions = _drop_indexes(conn, BIG_TABLES)
        Builder(conn, ids).build()
        conn.execute("SET session_replication_role = DEFAULT")
        step = time.perf_counter()
        for definition in definitions:
            conn.execute(definition)
        conn.commit()
        print(f"  {f'{len(definitions)} indexes rebuilt':<44} {'':>15} {time.perf_counter() - step:>7.1f} s")
        step = time.perf_counter()
        tables = conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = %s AND column_name = 'id'"
            " ORDER BY table_name",
            (SCHEMA,),
        ).fetchall()
        for (table,) in tables:
            qualified = f'"{SCHEMA}"."{table}"'
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce((SELECT max(id) FROM {qualified}), 1))"
                " WHERE pg_get_serial_sequence(%s, 'id') IS NOT NULL",
                (qualified, qualified),
            )
        conn.commit()
        print(f"  {'sequences reset':<44} {'':>15} {time.perf_counter() - step:>7.1f} s")

    # The bound customer contractant: the big relation's subscription, bound like staff do it.
    from subscriptions.services import bind_technical_setup

    connection.set_tenant(scale)
    big = Relation.objects.get(customer_number="K000001")
    bind_technical_setup(
        subscription=big.subscriptions.get(), contractant=customer, database=customer.database, actor=actor
    )
    # Past sync runs, through the ORM so fields the worker fills keep their defaults.
    from portal_sync.models import SyncRun

    runs = SyncRun.objects.bulk_create(
        SyncRun(status=SyncRun.Status.DONE, planned=300, done=300, finished_at=timezone.now()) for _ in range(40)
    )
    print(f"  {'portal_sync_syncrun':<44} {len(runs):>10,} rows")
    connection.set_schema_to_public()
    connection.close()

    step = time.perf_counter()
    with psycopg.connect(scale_url, autocommit=True) as conn:
        conn.execute(f"VACUUM (ANALYZE) {', '.join(f'{SCHEMA}.{table}' for table in BIG_TABLES)}")
        conn.execute("ANALYZE")
    print(f"  {'VACUUM ANALYZE':<44} {'':>15} {time.perf_counter() - step:>7.1f} s")
    set_data_version(admin_url)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def check_counts() -> None:
    from django.db import connection

    from contacts.models import Contact, ContactLink
    from relations.models import Relation
    from tasks.models import Task, TaskLink, TaskMessage
    from tenants.models import Contractant

    connection.set_tenant(Contractant.objects.get(schema_name=SCHEMA))
    try:
        open_tasks = Task.objects.exclude(status=Task.Status.CLOSED).count()
        big = Relation.objects.get(customer_number="K000001")
        big_open = TaskLink.objects.filter(relation=big).exclude(task__status=Task.Status.CLOSED).count()
        accountant_orgs = ContactLink.objects.filter(
            contact__username="karin@boekhoudkantoor-jansen.nl", status=ContactLink.PortalStatus.APPROVED
        ).count()
        print(
            f"scale: {Task.objects.count():,} tasks ({open_tasks:,} open), {TaskLink.objects.count():,} task links, "
            f"{TaskMessage.objects.count():,} messages, {Relation.objects.count():,} relations, "
            f"{Contact.objects.count():,} contacts, {ContactLink.objects.count():,} contact links; "
            f"{big.name}: {big_open:,} open tasks; accountant in {accountant_orgs} organisations",
            flush=True,
        )
    finally:
        connection.set_schema_to_public()


def ensure_data(rebuild: bool) -> None:
    from django.core.management import call_command

    admin_url, scale_url = server_urls()
    version = data_version(admin_url)
    if rebuild or version != DATA_VERSION:
        reason = "--rebuild" if rebuild else ("no database" if version is None else f"data version {version!r}")
        print(f"{DATABASE}: building ({reason})", flush=True)
        build(admin_url, scale_url)
    else:
        started = time.perf_counter()
        call_command("migrate_all", verbosity=0)
        print(f"{DATABASE}: reused ({DATA_VERSION}); migrate_all {time.perf_counter() - started:.1f} s", flush=True)
    check_counts()


# ---------------------------------------------------------------------------------------------


def configure_environment() -> None:
    """Settings for the bench process: its own database and Redis numbers, no debug, eager Celery."""
    from config import embedded

    _admin_url, scale_url = server_urls()
    os.environ["DATABASE_URL"] = scale_url
    os.environ.setdefault("REDIS_URL", embedded.redis_url())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("REDIS_BROKER_DB", "10")
    os.environ.setdefault("REDIS_CACHE_DB", "11")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.setdefault("AXES_FAILURE_LIMIT", "100000")


# ---------------------------------------------------------------------------------------------
# Measure

# Server-time budgets at production size, p95 in ms (issue 17, item 2), by the kind of page.
BUDGETS = {"list": 150, "detail": 150, "search": 300, "picker": 100, "preview": 500}
MAX_GROWTH = 2.0
# Statuses other than 200 that are right: the portal's start page sends a member with
# organisations on to one, and readiness answers 503 because the bench runs no Celery worker
# and no mail receiver.
ALLOWED_STATUS = {"portal-home": {302}, "health-ready": {200, 503}}
WARM_UP = 3


class Size:
    """One side of the comparison: a supplier contractant, its logins and the objects its pages show."""

    def __init__(self, label: str, schema: str, staff_email: str, customer_schema: str, customer_email: str):
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from contacts.models import Contact, ContactLink
        from demo.contractants import DEMO_PASSWORD, PORTAL_ACCOUNTANT
        from relations.models import Relation
        from subscriptions.models import TechnicalSetup
        from tasks.models import BulkJob, BulkJobItem, Task
        from tenants.models import Contractant
        from tenants.services import default_domain_for

        self.label = label
        self.host = default_domain_for(schema)
        self.customer_host = default_domain_for(customer_schema)
        connection.set_tenant(Contractant.objects.get(schema_name=schema))
        try:
            self.relation = Relation.objects.get(customer_number="K1001")
            setup = TechnicalSetup.objects.select_related("subscription__relation").order_by("-pk").first()
            # The relation whose relink is previewed: at production size the one with 50,000 open
            # tasks; the relation it would move to is another active one without a setup.
            self.bound = setup.subscription.relation if setup else self.relation
            target = Relation.objects.filter(is_active=True, subscriptions__is_active=True).exclude(
                pk__in=TechnicalSetup.objects.values("subscription__relation")
            )
            self.target = (target.filter(customer_number="K000002").first() or target.order_by("pk").first()).pk
            self.contact = Contact.objects.order_by("pk").first()
            self.email = Contact.objects.filter(status="active").order_by("-pk").values_list("email", flat=True)[0]
            self.coc = Relation.objects.exclude(coc_number="").order_by("-pk").values_list("coc_number", flat=True)[0]
            self.customer_number = Relation.objects.order_by("-pk").values_list("customer_number", flat=True)[0]
            self.task = Task.objects.filter(status="open").order_by("-pk").first()
            job = BulkJob.objects.filter(actor__isnull=False).order_by("-pk").first()
            if job is None:
                # The demo has no bulk action yet: one like staff leave, on 25 tasks.
                tasks = list(Task.objects.order_by("pk")[:25])
                job = BulkJob.objects.create(
                    actor=get_user_model().objects.get(username=staff_email),
                    action="priority",
                    params={"priority": 3},
                    total=25,
                    done=25,
                    state="done",
                )
                BulkJobItem.objects.bulk_create(BulkJobItem(job=job, task=task, outcome="changed") for task in tasks)
            self.bulk_job = job.code
            self.portal_org = self.relation.code
            # The members page is for the organisation's administrators: the accountant is one at K1006.
            self.portal_admin_org = Relation.objects.get(customer_number="K1006").code
            link = ContactLink.objects.get(contact__username=PORTAL_ACCOUNTANT, relation=self.relation)
            from portal.access import visible_tasks

            self.portal_task = visible_tasks(link).order_by("-pk").values_list("code", flat=True).first()
        finally:
            connection.set_schema_to_public()
        self.clients = {}
        for who, host, path, username in [
            ("staff", self.host, "/login/", staff_email),
            ("customer-staff", self.customer_host, "/login/", customer_email),
            ("portal", self.host, "/portal/login/", PORTAL_ACCOUNTANT),
        ]:
            client = Client(HTTP_HOST=host)
            response = client.post(path, {"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 302, f"{label}: login of {who} failed ({response.status_code})"
            self.clients[who] = (client, host)


# The queues whose demo-size page would otherwise be empty (the demo's tasks are all new).
SLA_AND_TEAM_QUEUES = ("breached", "due_today", "team")


def queue_rows(schema: str, staff_email: str) -> dict[str, int]:
    """How many rows the first page of each of SLA_AND_TEAM_QUEUES shows in `schema`."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from staff.ui import PAGE_SIZE
    from tasks.selectors import queue_filters, task_list

    with schema_context(schema):
        user = get_user_model().objects.get(username=staff_email)
        return {queue: task_list(**queue_filters(queue, user))[:PAGE_SIZE].count() for queue in SLA_AND_TEAM_QUEUES}


def fill_demo_queues(schema: str, staff_email: str, rows: dict[str, int]) -> None:
    """Give the demo's breached, due-today and my-teams queues as many rows as the production-size
    contractant's first pages show. The demo's tasks were all created a moment ago, so those
    queues are empty, and growth would compare an empty page with a full one: what the table
    should show is what grows with the data, not with the rows drawn. Only the bench database
    changes (its copy of the demo), and only once: a filled queue is left as it is."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from staff.models import Team
    from tasks.models import Task
    from tasks.selectors import desk_midnight

    have = queue_rows(schema, staff_email)
    with schema_context(schema):
        now = timezone.now()
        running = Task.objects.filter(status__in=[Task.Status.NEW, Task.Status.OPEN], sla_breached_at__isnull=True)
        if (missing := rows["breached"] - have["breached"]) > 0:
            ids = list(running.order_by("-pk").values_list("pk", flat=True)[:missing])
            late = now - timedelta(days=3)
            Task.objects.filter(pk__in=ids).update(resolution_due_at=late, response_due_at=late, sla_breached_at=late)
        if (missing := rows["due_today"] - have["due_today"]) > 0:
            # Halfway between now and midnight: still due today while the bench runs.
            due = now + (desk_midnight(now) - now) / 2
            ids = list(running.order_by("pk").values_list("pk", flat=True)[:missing])
            Task.objects.filter(pk__in=ids).update(resolution_due_at=due, response_due_at=due, first_response_at=None)
        if (missing := rows["team"] - have["team"]) > 0:
            team, _created = Team.objects.get_or_create(name="Salaris")
            team.members.add(get_user_model().objects.get(username=staff_email))
            open_without_team = Task.objects.exclude(status=Task.Status.CLOSED).filter(team__isnull=True)
            ids = list(open_without_team.order_by("-pk").values_list("pk", flat=True)[:missing])
            Task.objects.filter(pk__in=ids).update(team=team)


# The most rows a contact or relation page, picker or search group of the table shows: the API's
# page (50), a picker's (contacts.selectors.PICKER_LIMIT, 20), the relation picker's and the
# duplicate check's (10), plus one to tell "more" from "all".
DEMO_MATCHES = 51


def fill_demo_names(schema: str) -> None:
    """Give the demo as many contacts, and contacts and relations named "Jansen" (the bench's
    query), as the production-size contractant's first pages show. The demo seed has a handful
    of contacts, so the contact API and the pickers would compare a page of 9 rows with one of
    50: growth should follow the data, not the rows drawn (as with fill_demo_queues). Only the
    bench database changes (its copy of the demo), and only once (all or nothing): each contact
    is linked to the demo's first relation, so its tabs and searches show them too."""
    from django.db import transaction
    from django_tenants.utils import schema_context

    from contacts.models import Contact, ContactLink
    from relations.models import Relation

    with schema_context(schema), transaction.atomic():
        have = Contact.objects.filter(last_name="Jansen", email__endswith="@jansen.demo.test").count()
        if have >= DEMO_MATCHES:
            return
        relation = Relation.objects.order_by("pk").first()
        if relation is None:
            raise SystemExit(f"the demo schema {schema} has no relation: run manage.py seed_demo")
        contacts = Contact.objects.bulk_create(
            Contact(
                first_name=FIRST_NAMES[k % len(FIRST_NAMES)],
                last_name="Jansen",
                email=f"{FIRST_NAMES[k % len(FIRST_NAMES)].lower()}.{k}@jansen.demo.test",
                username=f"{FIRST_NAMES[k % len(FIRST_NAMES)].lower()}.{k}@jansen.demo.test",
            )
            for k in range(have, DEMO_MATCHES)
        )
        ContactLink.objects.bulk_create(ContactLink(contact=contact, relation=relation) for contact in contacts)
        Relation.objects.bulk_create(
            Relation(
                name=f"Jansen {TRADES[k % len(TRADES)]} {k}{SUFFIXES[k % len(SUFFIXES)]}",
                customer_number=f"DJ{k:05d}",
                city=CITIES[k % len(CITIES)],
            )
            for k in range(have, DEMO_MATCHES)
        )


# (page, kind, who, URL name, args from the size, query string, htmx fragment)
PAGES = [
    ("staff-home", "list", "staff", "staff:home", None, "", False),
    ("relations", "list", "staff", "relations:list", None, "", False),
    ("relations-search-jansen", "search", "staff", "relations:list", None, "q=jansen", False),
    ("relation", "detail", "staff", "relations:detail", "relation", "", False),
    ("relation-subscriptions", "detail", "staff", "subscriptions:relation_tab", "relation", "", False),
    ("relation-contacts", "list", "staff", "relations:contacts", "relation", "", False),
    ("relation-tasks", "list", "staff", "tasks:relation_tab", "relation", "", False),
    ("relation-history", "list", "staff", "relations:history", "relation", "", False),
    ("bound-relation-tasks", "list", "staff", "tasks:relation_tab", "bound", "", False),
    ("bound-relation-history", "list", "staff", "relations:history", "bound", "", False),
    ("relink-start", "detail", "staff", "subscriptions:relink", "bound", "", False),
    ("relink-preview", "preview", "staff", "subscriptions:relink", "bound", "to={target}", False),
    ("contacts", "list", "staff", "contacts:list", None, "", False),
    ("contacts-search-email", "search", "staff", "contacts:list", None, "q={email}", False),
    ("contact", "detail", "staff", "contacts:detail", "contact", "", False),
    ("attributes", "list", "staff", "contacts:attributes", None, "", False),
    ("tasks", "list", "staff", "tasks:list", None, "", False),
    ("tasks-page-2", "list", "staff", "tasks:list", None, "page=2", False),
    ("tasks-status-open", "list", "staff", "tasks:list", None, "status=open", False),
    ("tasks-queue-mine", "list", "staff", "tasks:list", None, "queue=mine", False),
    ("tasks-queue-unassigned", "list", "staff", "tasks:list", None, "queue=unassigned", False),
    ("tasks-queue-waiting", "list", "staff", "tasks:list", None, "queue=waiting", False),
    ("tasks-queue-breached", "list", "staff", "tasks:list", None, "queue=breached", False),
    ("tasks-queue-due_today", "list", "staff", "tasks:list", None, "queue=due_today", False),
    ("tasks-queue-team", "list", "staff", "tasks:list", None, "queue=team", False),
    ("tasks-queue-all", "list", "staff", "tasks:list", None, "queue=all", False),
    ("tasks-sort-priority", "list", "staff", "tasks:list", None, "sort=priority", False),
    ("tasks-sort--sla", "list", "staff", "tasks:list", None, "sort=-sla", False),
    ("tasks-search-bank", "search", "staff", "tasks:list", None, "q=bank", False),
    ("task", "detail", "staff", "tasks:detail", "task", "", False),
    ("task-new", "detail", "staff", "tasks:create", None, "", False),
    ("task-link-search", "picker", "staff", "tasks:link_search", "task", "q=jansen", True),
    ("relation-picker", "picker", "staff", "relations:picker", None, "q=jansen", True),
    ("contact-picker", "picker", "staff", "contacts:picker", None, "q=jansen", True),
    ("duplicate-check", "picker", "staff", "contacts:duplicates", None, "email={email}&last_name=Jansen", True),
    ("sync-status", "detail", "staff", "portal_sync:status", None, "", False),
    ("sync-progress", "picker", "staff", "portal_sync:status", None, "", True),
    ("search-kvk", "search", "staff", "search:results", None, "q={coc}", False),
    ("search-customer-number", "search", "staff", "search:results", None, "q={customer_number}", False),
    ("search-name", "search", "staff", "search:results", None, "q=jansen", False),
    ("search-email", "search", "staff", "search:results", None, "q={email}", False),
    ("notifications", "list", "staff", "notifications:list", None, "", False),
    ("bulk-job", "list", "staff", "tasks:bulk_job", "bulk_job", "", False),
    ("teams", "list", "staff", "staff:teams", None, "", False),
    ("security-log", "list", "staff", "staff:security_log", None, "", False),
    ("unknown-senders", "list", "staff", "mailin:queue", None, "", False),
    ("portal-requests-staff", "list", "staff", "portal_staff:claims", None, "", False),
    ("support-tasks", "list", "customer-staff", "tasks:support", None, "", False),
    ("portal-home", "detail", "portal", "portal:home", None, "", False),
    ("portal-organisation", "detail", "portal", "portal:organisation", "portal_org", "", False),
    ("portal-contacts", "list", "portal", "portal:contacts", "portal_org", "", False),
    ("portal-members", "list", "portal", "portal:members", "portal_admin_org", "", False),
    ("portal-tasks", "list", "portal", "portal:tasks", "portal_org", "", False),
    ("portal-task", "detail", "portal", "portal:task", "portal_org,portal_task", "", False),
    ("portal-task-new", "detail", "portal", "portal:task_new", "portal_org", "", False),
    ("portal-my-requests", "list", "portal", "portal:requests", None, "", False),
    ("portal-add-organisation", "detail", "portal", "portal:add_organisation", None, "", False),
    # Issue 19: the API (as a logged-in staff member's session), webhooks, import, privacy, 2FA, health.
    ("api-relations", "list", "staff", "api:relation_list", None, "", False),
    ("api-relations-search", "search", "staff", "api:relation_list", None, "q=jansen", False),
    ("api-contacts", "list", "staff", "api:contact_list", None, "", False),
    ("api-tasks", "list", "staff", "api:task_list", None, "", False),
    ("api-tasks-open", "list", "staff", "api:task_list", None, "status=open", False),
    ("api-task", "detail", "staff", "api:task_detail", "task", "", False),
    ("api-task-messages", "list", "staff", "api:task_messages", "task", "", False),
    ("api-relation", "detail", "staff", "api:relation_detail", "bound", "", False),
    ("api-relink-preview", "preview", "staff", "api:relink", "bound", "to={target}", False),
    ("api-sync", "detail", "staff", "api:sync", None, "", False),
    ("api-tokens", "list", "staff", "api:tokens", None, "", False),
    ("webhooks", "list", "staff", "webhooks:list", None, "", False),
    ("import-start", "detail", "staff", "transfer:import", None, "", False),
    ("import-log", "list", "staff", "transfer:import_log", None, "", False),
    ("privacy-person", "detail", "staff", "privacy:person", "contact", "", False),
    ("privacy-settings", "detail", "staff", "privacy:settings", None, "", False),
    ("two-factor", "detail", "staff", "staff:two_factor", None, "", False),
    ("health-ready", "detail", "staff", "ops:ready", None, "", False),
    ("metrics", "detail", "staff", "ops:metrics", None, "", False),
]


def _url(size: Size, name: str, args: str | None, query: str) -> str:
    from django.urls import reverse

    values = []
    for arg in (args or "").split(","):
        if arg:
            value = getattr(size, arg)
            values.append(getattr(value, "pk", value))
    path = reverse(name, args=values)
    if query:
        path += "?" + query.format(**{key: getattr(size, key) for key in ("target", "email", "coc", "customer_number")})
    return path


def _time_page(size: Size, who: str, path: str, htmx: bool, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, host = size.clients[who]
    headers = {"HTTP_HOST": host}
    if htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    for _ in range(WARM_UP - 1):
        client.get(path, **headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    # django-tenants sends "SET search_path" before statements; those are not counted.
    statements = [query["sql"] for query in captured.captured_queries if not query["sql"].startswith("SET search_path")]
    queries = len(statements)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path, **headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
    return {
        "median": statistics.median(times),
        "p95": p95,
        "queries": queries,
        "statements": statements,
        "status": response.status_code,
        "kb": len(response.content) / 1024,
    }


def measure_pages(sizes: list[Size], selected: list[str] | None, requests: int) -> list[dict]:
    from django.urls import NoReverseMatch

    rows = []
    for page, kind, who, name, args, query, htmx in PAGES:
        if selected and not any(part in page for part in selected):
            continue
        row = {"page": page, "kind": kind, "budget": BUDGETS[kind]}
        for size in sizes:
            try:
                path = _url(size, name, args, query)
            except NoReverseMatch:
                row["skipped"] = f"no URL {name}"
                break
            except Exception as exc:  # noqa: BLE001 - a page the data cannot reach is reported, not fatal
                row[size.label] = {"error": f"{type(exc).__name__}: {exc}"}
                continue
            try:
                row[size.label] = _time_page(size, who, path, htmx, requests)
                row[size.label]["path"] = path
            except Exception as exc:  # noqa: BLE001 - an error on a page is a row of the table
                row[size.label] = {"error": f"{type(exc).__name__}: {str(exc)[:100]}", "path": path}
        rows.append(row)
        _print_row(row)
    return rows


HEADER = (
    f"{'page':<26} {'demo ms':>8} {'prod ms':>8} {'p95 ms':>8} {'queries':>9} {'growth':>7} {'budget':>7}  "
    f"{'verdict':<8} {'KB':>6} status"
)


def _print_row(row: dict) -> None:
    if "skipped" in row:
        print(f"{row['page']:<26} skipped ({row['skipped']})", flush=True)
        return
    demo, prod = row.get("demo", {}), row.get("prod", {})
    errors = [f"{label}: {side['error']}" for label, side in (("demo", demo), ("prod", prod)) if "error" in side]
    if errors:
        row["verdict"] = "ERROR"
        print(f"{row['page']:<26} ERROR {'; '.join(errors)}", flush=True)
        return
    growth = prod["median"] / demo["median"] if demo["median"] else 0.0
    row["growth"] = growth
    flags = []
    if prod["p95"] > row["budget"]:
        flags.append("p95")
    if growth > MAX_GROWTH:
        flags.append("growth")
    # An N+1 repeats one statement per row shown, so more often at production size; a page
    # that shows other things at the two sizes (a bound relation, a sync run, a reporter) sends
    # other statements instead: noted ("other SQL"), not a failure (--statements lists them).
    if _repeated_more(demo["statements"], prod["statements"]):
        flags.append("queries")
    elif demo["queries"] != prod["queries"]:
        row["other_statements"] = True
    allowed = ALLOWED_STATUS.get(row["page"], {200})
    if prod["status"] not in allowed or demo["status"] not in allowed:
        flags.append("status")
    row["verdict"] = "OK" if not flags else "OVER"
    row["flags"] = flags
    queries = f"{demo['queries']}/{prod['queries']}"
    status = "" if demo["status"] == prod["status"] == 200 else f"{demo['status']}/{prod['status']}"
    line = (
        f"{row['page']:<26} {demo['median']:>8.1f} {prod['median']:>8.1f} {prod['p95']:>8.1f} {queries:>9} "
        f"{growth:>6.1f}x {row['budget']:>7}  {row['verdict'] + ('' if not flags else ' ' + ','.join(flags)):<8} "
        f"{prod['kb']:>6.0f} {status}{' other SQL' if row.get('other_statements') else ''}"
    )
    print(line.rstrip(), flush=True)
    if SHOW_STATEMENTS and demo["queries"] != prod["queries"]:
        _print_statement_difference(demo["statements"], prod["statements"])


# --statements: for a page whose query count differs, the statements one size sends and the
# other does not (literals as N), to tell an N+1 from a page that shows other things.
SHOW_STATEMENTS = False


def _statement_shape(sql: str) -> str:
    import re

    return re.sub(r"'[^']*'|\b\d+\b", "N", sql)


def _repeated_more(demo: list[str], prod: list[str]) -> bool:
    """A statement sent three times or more, and more often at production size than at demo size
    (a page's few reads of one table, a sync status's running and last runs, are not a loop),
    or sent LOOP_REPEATS times or more."""
    from collections import Counter

    demo_shapes, prod_shapes = Counter(map(_statement_shape, demo)), Counter(map(_statement_shape, prod))
    # Or ten times or more whatever the demo does: the demo draws full pages too (fill_demo_names,
    # fill_demo_queues), so a loop over a page's rows runs as often at both sizes.
    return any(
        count >= LOOP_REPEATS or (count >= 3 and count > demo_shapes[shape]) for shape, count in prod_shapes.items()
    )


# A statement sent this often for one page is a loop over its rows (an N+1).
LOOP_REPEATS = 10


def _print_statement_difference(demo: list[str], prod: list[str]) -> None:
    from collections import Counter

    demo_shapes, prod_shapes = Counter(map(_statement_shape, demo)), Counter(map(_statement_shape, prod))
    for label, extra in (("demo only", demo_shapes - prod_shapes), ("prod only", prod_shapes - demo_shapes)):
        for shape, count in extra.items():
            print(f"    {label} x{count}: {shape[:220]}", flush=True)


def _ok(seconds: float, budget: float) -> str:
    return " OK" if seconds <= budget else " OVER"


def measure_relink() -> list[str]:
    """Relink, undo and preview of the relation with 50,000 open tasks, through the services, in
    a transaction rolled back at the end (the dataset stays as built)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from relations.models import Relation
    from subscriptions import relink as relink_module
    from tenants.models import Contractant

    class Rollback(Exception):
        pass

    lines = []
    connection.set_tenant(Contractant.objects.get(schema_name=SCHEMA))
    try:
        big = Relation.objects.get(customer_number="K000001")
        target = Relation.objects.get(customer_number="K000002")
        actor = get_user_model().objects.get(username=STAFF_EMAIL)
        started = time.perf_counter()
        plan = relink_module.relink_plan(from_relation=big, to_relation=target)
        preview = time.perf_counter() - started
        count = getattr(plan, "task_count", None) or len(getattr(plan, "tasks", []))
        lines.append(
            f"relink preview (service), {count:,} open tasks: {preview * 1000:.0f} ms "
            f"(budget 500 ms){_ok(preview, 0.5)}"
        )
        try:
            with transaction.atomic():
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    result = relink_module.relink(from_relation=big, to_relation=target, actor=actor)
                relinked = time.perf_counter() - started
                queries = sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET search_path"))
                lines.append(
                    f"relink, {result.moved_task_count:,} open tasks: {relinked:.2f} s, {queries} queries "
                    f"(budget 5 s){_ok(relinked, 5)}"
                )
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as captured:
                    undone = relink_module.relink_undo(record=result.record, actor=actor)
                undo = time.perf_counter() - started
                queries = sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET search_path"))
                lines.append(
                    f"relink undo, {undone.moved_task_count:,} tasks: {undo:.2f} s, {queries} queries "
                    f"(budget 5 s){_ok(undo, 5)}"
                )
                raise Rollback
        except Rollback:
            pass
    except Exception as exc:  # noqa: BLE001 - reported in the output
        lines.append(f"relink: ERROR {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        connection.set_schema_to_public()
    return lines


def measure(args) -> None:
    from django.test.utils import setup_test_environment

    from demo.contractants import DEMO_CONTRACTANTS

    setup_test_environment()  # the test client's ALLOWED_HOSTS; nothing else changes
    # A page's 4xx/5xx is a row of the table, not a log line (and the eager worker stays quiet).
    for name in ("django.request", "celery", "celery.app.trace"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    supplier = next(demo for demo in DEMO_CONTRACTANTS if demo.is_supplier)
    customer = next(demo for demo in DEMO_CONTRACTANTS if not demo.is_supplier)
    fill_demo_queues(supplier.schema_name, supplier.staff_email, queue_rows(SCHEMA, STAFF_EMAIL))
    fill_demo_names(supplier.schema_name)
    sizes = [
        Size("demo", supplier.schema_name, supplier.staff_email, customer.schema_name, customer.staff_email),
        Size("prod", SCHEMA, STAFF_EMAIL, CUSTOMER_SCHEMA, "beheer@scale-customer.test"),
    ]
    selected = [part.strip() for part in args.pages.split(",")] if args.pages else None
    print(
        f"\n{args.requests} requests per page after {WARM_UP} warm-up; server time in process; "
        "queries exclude SET search_path"
    )
    print(HEADER)
    rows = measure_pages(sizes, selected, args.requests)
    relink_lines = measure_relink() if not selected or any("relink" in part for part in selected) else []
    if relink_lines:
        print()
        for line in relink_lines:
            print(line)
    measured = [row for row in rows if row.get("verdict") in ("OK", "OVER")]
    over = [row for row in measured if row["verdict"] == "OVER"]
    errors = [row for row in rows if row.get("verdict") == "ERROR"]
    skipped = [row for row in rows if "skipped" in row]
    print(
        f"\n{len(measured)} pages measured: {len(measured) - len(over)} OK, {len(over)} OVER; "
        f"{len(errors)} ERROR; {len(skipped)} skipped"
    )
    if other := [row["page"] for row in measured if row.get("other_statements")]:
        print(
            f"{len(other)} pages send other statements at the two sizes, none repeated more often at production "
            f"size (no N+1; --statements shows them): {', '.join(other)}"
        )
    print(
        "budgets: p95 lists/details <= 150 ms, searches <= 300 ms, pickers/fragments <= 100 ms, relink preview "
        f"<= 500 ms; growth (prod median / demo median) <= {MAX_GROWTH:.0f}x; no statement repeated more often "
        "at production size"
    )
    if not measured:
        print("worst p95 0 ms (none); worst growth 0.0x (none)")
        return
    worst_p95 = max(measured, key=lambda row: row["prod"]["p95"])
    worst_growth = max(measured, key=lambda row: row["growth"])
    print(
        f"worst p95 {worst_p95['prod']['p95']:.0f} ms ({worst_p95['page']}); "
        f"worst growth {worst_growth['growth']:.1f}x ({worst_growth['page']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", help="measure only pages whose name contains one of these (comma-separated)")
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page (default 30)")
    parser.add_argument("--rebuild", action="store_true", help="drop and build the dataset again")
    parser.add_argument("--build-only", action="store_true", help="build or update the dataset, measure nothing")
    parser.add_argument(
        "--statements", action="store_true", help="under a page whose query count differs, the statements that differ"
    )
    args = parser.parse_args()
    os.chdir(BASE_DIR)
    configure_environment()
    import django

    django.setup()
    global SHOW_STATEMENTS
    SHOW_STATEMENTS = args.statements
    ensure_data(args.rebuild)
    if args.build_only:
        return
    measure(args)


if __name__ == "__main__":
    main()
