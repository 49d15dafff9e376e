"""{% url %} (tenants/routes.py, tenants/templatetags/routes.py): a route is reversed once per
process, and gives what Django's own {% url %} gives in every URL conf it is rendered in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_urlconf


def render(source: str, context: dict | None = None) -> str:
    return engines["django"].from_string(source).render(context or {})


@pytest.fixture
def urlconf():
    def use(name):
        set_urlconf(name)

    yield use
    set_urlconf(None)


def test_a_route_without_arguments_follows_the_url_conf_of_the_host(urlconf):
    urlconf(settings.ROOT_URLCONF)  # a contractant's host
    assert render("{% url 'tasks:list' %}") == reverse("tasks:list", urlconf=settings.ROOT_URLCONF) == "/tasks/"

    urlconf(settings.PUBLIC_SCHEMA_URLCONF)  # the platform admin's host has no staff pages
    assert render("{% url 'admin:index' %}") == "/admin/"
    with pytest.raises(NoReverseMatch):
        render("{% url 'tasks:list' %}")

    urlconf(settings.ROOT_URLCONF)
    assert render("{% url 'tasks:list' %}") == "/tasks/"


def test_arguments_and_as_work_as_in_django(urlconf):
    urlconf(settings.ROOT_URLCONF)

    assert render("{% url 'tasks:detail' pk %}", {"pk": 7}) == "/tasks/7/"
    assert render("{% url 'tasks:detail' pk=pk %}", {"pk": 8}) == "/tasks/8/"
    assert render("{% url 'no-such-route' as link %}[{{ link }}]") == "[]"
    assert render("{% url name %}", {"name": "tasks:create"}) == "/tasks/new/"


def test_an_argument_that_is_not_a_plain_value_is_reversed_every_time(urlconf):
    class Code:
        """Prints differently later under the same identity, as a renamed model instance can."""

        def __init__(self, text):
            self.text = text

        def __str__(self):
            return self.text

        def __hash__(self):
            return 1

        def __eq__(self, other):
            return True

    urlconf(settings.ROOT_URLCONF)
    code = Code("ABC123")
    first = render("{% url 'portal:organisation' code %}", {"code": code})
    code.text = "XYZ789"
    second = render("{% url 'portal:organisation' code %}", {"code": code})

    assert (first, second) == ("/portal/o/ABC123/", "/portal/o/XYZ789/")
    assert render("{% url 'portal:organisation' 'ABC123' %}") == "/portal/o/ABC123/"
