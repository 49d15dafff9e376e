"""{% url %} through tenants.routes.remembered_reverse (loaded as a template builtin in
config/settings.py, so every template's {% url %} is this one). Arguments that are not plain
int or str values, and {% url ... as name %}, are reversed as Django does."""

from __future__ import annotations

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.utils.html import conditional_escape

from tenants.routes import is_plain, remembered_reverse

register = template.Library()


class RouteURLNode(URLNode):
    def render(self, context):
        if self.asvar:
            return super().render(context)
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((key, value.resolve(context)) for key, value in self.kwargs.items())
        if not is_plain((*args, *(value for _key, value in kwargs))):
            return super().render(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = remembered_reverse(self.view_name.resolve(context), args, kwargs, current_app)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return RouteURLNode(node.view_name, node.args, node.kwargs, node.asvar)
