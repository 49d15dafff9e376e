"""{% staff_navigation as items %}: the staff navigation's entries for the page being drawn
(templates/staff/_topbar.html draws them)."""

from __future__ import annotations

from django import template

from staff.navigation import staff_navigation as navigation_entries

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_navigation(context) -> list[dict]:
    """The entries (label, url, active) the logged-in user sees, the current section marked."""
    request = context["request"]
    return navigation_entries(request.path, request.user)
