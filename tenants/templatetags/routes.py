"""{% url %} that reverses a route without arguments once per process.

Loaded as a template builtin (config/settings.py), so every template's {% url %} is this one.
Django reverses on every render, about 20 microseconds a link; the top of a list page has a
handful of links that never change while the process runs (docs/decisions.md, load). A route
with arguments, or {% url ... as name %}, is reversed as Django does.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=512)
def _reverse(view_name: str, current_app: str | None, urlconf, script_prefix: str, language: str | None) -> str:
    # Everything reverse() depends on is in the key: the URL conf (the public host has its
    # own), the script prefix, the application namespace and the language.
    return reverse(view_name, current_app=current_app, urlconf=urlconf)


class RouteURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs or self.asvar:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = _reverse(view_name, current_app, get_urlconf(), get_script_prefix(), get_language())
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return RouteURLNode(node.view_name, node.args, node.kwargs, node.asvar)
