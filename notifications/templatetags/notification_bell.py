"""{% notification_bell %}: the bell in the staff top bar (templates/staff/_topbar.html), with the
logged-in user's unread count; one small capped query (notifications.selectors.unread_count)."""

from __future__ import annotations

from django import template

from notifications.selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"unread": 0}
    return {"unread": unread_count(user=user)}
