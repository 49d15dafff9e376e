from django import template

from tenants.navigation import staff_navigation as build_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_navigation(context):
    request = context["request"]
    return build_navigation(request.path, getattr(request, "user", None))
