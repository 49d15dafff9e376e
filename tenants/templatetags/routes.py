"""{% url %} that remembers what it reversed.

Loaded as a template builtin (config/settings.py), so every template's {% url %} is this one.
Django reverses on every render, about 20 microseconds a link, and a page has a dozen links
that never change while the process runs: a list's "new" and search links, a relation's six
tabs (docs/decisions.md, load). Remembered only when every argument is a plain int or str (a
model instance could print differently with the same key); anything else, and
{% url ... as name %}, is reversed as Django does.
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


_PLAIN = (int, str)


@lru_cache(maxsize=4096)
def _reverse(view_name, args: tuple, kwargs: tuple, current_app, urlconf, script_prefix: str, language) -> str:
    # Everything reverse() depends on is in the key: the route and its arguments, the URL conf
    # (the public host has its own), the script prefix, the application namespace, the language.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app, urlconf=urlconf)


class RouteURLNode(URLNode):
    def render(self, context):
        if self.asvar:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((key, value.resolve(context)) for key, value in self.kwargs.items())
        if not all(type(value) in _PLAIN for value in (*args, *(value for _key, value in kwargs))):
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = _reverse(view_name, args, kwargs, current_app, get_urlconf(), get_script_prefix(), get_language())
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return RouteURLNode(node.view_name, node.args, node.kwargs, node.asvar)
