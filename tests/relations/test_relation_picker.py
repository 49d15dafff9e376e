"""The relation pickers (relink, task links, the mail queue): names that start with what was typed first."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from relations.selectors import relation_search
from tests.factories import RelationFactory


def names(relations) -> list[str]:
    return [relation.name for relation in relations]


def test_active_names_starting_with_the_query_come_first_then_the_other_matches(in_supplier):
    RelationFactory(name="Bakkerij Jansen V.O.F.")
    RelationFactory(name="Jansen Oud B.V.", is_active=False)
    RelationFactory(name="Jansen Bouw B.V.")
    RelationFactory(name="jansen advies")
    RelationFactory(name="Visser Transport", customer_number="JANSEN1")
    RelationFactory(name="Smit Zorg")

    assert names(relation_search(query="Jansen")) == [
        "jansen advies",
        "Jansen Bouw B.V.",
        "Bakkerij Jansen V.O.F.",
        "Visser Transport",
        "Jansen Oud B.V.",
    ]


def test_a_full_page_of_names_starting_with_the_query_is_one_read(in_supplier):
    for n in range(12):
        RelationFactory(name=f"Kiezer {n:02d} B.V.")
    RelationFactory(name="De Kiezer Groep")

    with CaptureQueriesContext(connection) as queries:
        found = relation_search(query="kiezer", limit=10)

    assert names(found) == [f"Kiezer {n:02d} B.V." for n in range(10)]
    assert len([query for query in queries if not query["sql"].startswith("SET")]) == 1


def test_the_excluded_relation_and_percent_signs_are_not_matched(in_supplier):
    kept = RelationFactory(name="Jansen 100% B.V.")
    RelationFactory(name="Jansen 1000 B.V.")
    excluded = RelationFactory(name="Jansen 100% Zorg")

    assert relation_search(query="jansen 100%", exclude_pk=excluded.pk) == [kept]
