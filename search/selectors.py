"""The global search's reads: tasks, relations and contacts matching one typed query.

Full-text search with the Dutch configuration (stemming: "loonstroken" finds "loonstrook") for
task subjects and message bodies; ILIKE and trigram word similarity (pg_trgm) for names and
numbers. Every expression here matches an index in search/migrations/0001_search_indexes.py.
One query per group; each group reads one row past its limit to know whether there are more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchQuery, TrigramWordSimilarity
from django.db.models import CharField, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Contact
from contacts.selectors import MATCH_ORDER, NAME_KEY_ORDER, contact_matches, name_key_starts
from relations.models import Relation
from relations.selectors import ACTIVE_NAME_PREFIX, active_name_starts
from staff.lookups import AnyOf, Operator, contains, starting_first
from staff.ui import parse_id, search_text
from tasks.models import Task, TaskLink, TaskMessage

GROUP_LIMIT = 10
# Shorter queries match too much to be useful (and trigram indexes need three characters).
MIN_LENGTH = 2


class DutchVector(Func):
    """to_tsvector('dutch', column): the expression of the functional full-text indexes."""

    template = "to_tsvector('dutch'::regconfig, %(expressions)s)"
    output_field = TextField()


class Matches(Operator):
    """vector @@ query: full-text match, served by the functional full-text indexes."""

    lookup_name = "matches"
    prepare_rhs = True
    sql = "{column} @@ {value}"


class WordSimilar(Operator):
    """query <% column: the query resembles a word sequence in the column (pg_trgm word similarity)."""

    lookup_name = "word_similar"
    sql = "{value} <%% {column}"


def _resembles(column: str, text: str) -> WordSimilar:
    return WordSimilar(F(column), Value(text, output_field=CharField()))


@dataclass
class Group:
    items: list = field(default_factory=list)
    more: bool = False


@dataclass
class SearchResults:
    query: str
    tasks: Group = field(default_factory=Group)
    relations: Group = field(default_factory=Group)
    contacts: Group = field(default_factory=Group)
    # The relation whose customer or KvK number the query is, when its tasks fill more than a group.
    numbered_relation_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.tasks.items or self.relations.items or self.contacts.items)


def _group(rows, limit: int) -> Group:
    rows = list(rows[: limit + 1])
    return Group(items=rows[:limit], more=len(rows) > limit)


def _group_starting_first(starting, others, limit: int) -> Group:
    """A group of the names that start with the query, then the other matches (staff.lookups.starting_first)."""
    return _group(starting_first(starting, others, limit + 1), limit)


# The tasks of this recent window are searched first: a common word ("bank") matches a third of
# a million tasks, and their newest ones are nearly always recent.
RECENT_WINDOW = timedelta(days=30)


def search_tasks(query: str, *, limit: int = GROUP_LIMIT) -> Group:
    """By number ("123", "#123"), by the words of the subject or of any message (notes too:
    staff only), or by the exact customer or KvK number of a linked relation; newest first.

    The matching task ids are one UNION of index-served reads (the full-text indexes, the
    relations' number indexes), and only those tasks are sorted: an OR of the conditions would
    let PostgreSQL walk every task newest first and compute each subject's vector, seconds
    over a million tasks when a word is rare. The tasks created in RECENT_WINDOW are read first
    (each branch and-ed with a date index): when they fill the group they are exactly the newest
    matches, since every older task sorts after them; otherwise all tasks are read."""
    since = timezone.now() - RECENT_WINDOW
    recent = _group(_tasks_matching(query, limit=limit, since=since), limit)
    if recent.more:
        return recent
    return _group(_tasks_matching(query, limit=limit, since=None), limit)


def _tasks_matching(query: str, *, limit: int, since: datetime | None) -> QuerySet[Task]:
    words = SearchQuery(query, config="dutch", search_type="websearch")
    # No default ordering inside the UNION: only the numbered branch needs an order (its limit).
    subjects = Task.objects.filter(Matches(DutchVector(F("subject")), words)).order_by()
    messages = TaskMessage.objects.filter(Matches(DutchVector(F("body")), words)).order_by()
    # A customer's KvK or customer number, typed whole, finds that customer's tasks too: its
    # newest ones only (task_link_relation_newest), as only those can be among the newest.
    numbered = TaskLink.objects.filter(relation_id__in=_relations_numbered(query)).order_by(
        "-task_created_at", "-task_id"
    )
    tasks = Task.objects.select_related("assignee")
    if since is not None:
        # A task's messages are never older than the task, so a task created since `since` has
        # all its messages in the window too.
        subjects = subjects.filter(created_at__gte=since)
        messages = messages.filter(created_at__gte=since)
        numbered = numbered.filter(task_created_at__gte=since)
        tasks = tasks.filter(created_at__gte=since)
    candidates = [subjects.values("pk"), messages.values("task_id"), numbered.values("task_id")[: limit + 1]]
    if (number := parse_id(query.lstrip("#"))) is not None:
        candidates.append(Task.objects.filter(pk=number).order_by().values("pk"))
    matching = candidates[0].union(*candidates[1:])
    if since is not None:
        # The window bounds the join: a plain IN lets PostgreSQL hash the window's tasks.
        return tasks.filter(pk__in=matching).order_by("-created_at", "-pk")
    # Over all tasks the full-text estimates are guesses (5,000 rows for any rare word), and a
    # plain IN is planned as a hash join over every task; = ANY(ARRAY(...)) fetches the few
    # matching tasks by primary key instead.
    return tasks.filter(AnyOf(F("pk"), ArraySubquery(matching))).order_by("-created_at", "-pk")


def _relations_numbered(query: str):
    """The relation whose customer number (any case) or KvK number is exactly the query."""
    numbered = Q(customer_number_lower=query.lower()) | Q(coc_number=query)
    return Relation.objects.alias(customer_number_lower=Lower("customer_number")).filter(numbered).values("pk")


def search_relations(query: str, *, limit: int = GROUP_LIMIT) -> Group:
    """By name (also with a typo: trigram word similarity), customer number, KvK number or city:
    the active relations whose name starts with the query first, by name; then the others,
    active first, the most alike first."""
    matches = (
        Q(contains("name", query))
        | Q(_resembles("name", query))
        | Q(contains("customer_number", query))
        | Q(contains("coc_number", query))
        | Q(contains("city", query))
    )
    starting = active_name_starts(query)
    others = (
        Relation.objects.filter(matches)
        .exclude(starting)
        .annotate(likeness=TrigramWordSimilarity(query, "name"))
        .order_by("-is_active", "-likeness", "name", "pk")
    )
    return _group_starting_first(Relation.objects.filter(starting).order_by(ACTIVE_NAME_PREFIX, "pk"), others, limit)


def search_contacts(query: str, *, limit: int = GROUP_LIMIT) -> Group:
    """What the contact list's search finds (name with or without its prefix, any e-mail address,
    phone number in any usual form), and a last name with a typo; in the list's order, spelled
    so that PostgreSQL sorts the matches instead of walking every name (contacts.selectors).
    Those whose last name starts with the query come first, read in name order from the index."""
    starting = name_key_starts(query)
    matches = contact_matches(query) | Q(_resembles("last_name", query))
    others = Contact.objects.filter(matches).exclude(starting).order_by(*MATCH_ORDER)
    return _group_starting_first(Contact.objects.filter(starting).order_by(*NAME_KEY_ORDER), others, limit)


def global_search(*, query: str | None, limit: int = GROUP_LIMIT) -> SearchResults:
    """Everything the staff search box finds for `query` (cleaned with search_text): three queries at most."""
    query = search_text(query)
    results = SearchResults(query=query)
    if len(query) < MIN_LENGTH and parse_id(query.lstrip("#")) is None:
        return results
    results.tasks = search_tasks(query, limit=limit)
    results.relations = search_relations(query, limit=limit)
    # "More tasks" of a customer named by number: that relation's task list, not a text search.
    if results.tasks.more:
        results.numbered_relation_id = _relations_numbered(query).values_list("pk", flat=True).first()
    results.contacts = search_contacts(query, limit=limit)
    return results
