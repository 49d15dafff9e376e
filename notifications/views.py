"""The bell's pages: a staff member's notifications, marking them read, the e-mail preference."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from notifications import services
from notifications.access import get_notification_for_recipient
from notifications.forms import PreferenceForm
from notifications.selectors import email_choices, notifications_for, unread_count
from staff.access import staff_required
from staff.ui import error_text, paginate, query_without_page, safe_next_url


@staff_required
@require_GET
def notification_list(request):
    page = paginate(request, notifications_for(user=request.user))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "query_string": query_without_page(request), "unread": unread_count(user=request.user)},
    )


@staff_required
@require_GET
def notification_open(request, pk: int):
    """Follow a notification's link from its page: it is read from then on. A GET on purpose, so
    the link is a real link (open in a new tab, copy); marking one's own notification read twice
    changes nothing (docs/decisions.md)."""
    notification = get_notification_for_recipient(request, pk)
    services.mark_read(notification=notification, actor=request.user)
    target = notification.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/"):
        target = "/notifications/"
    return redirect(target)


@staff_required
@require_POST
def notification_mark_read(request, pk: int):
    notification = get_notification_for_recipient(request, pk)
    try:
        services.mark_read(notification=notification, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    if request.htmx:
        context = {"notification": notification, "unread": unread_count(user=request.user), "oob": True}
        return render(request, "notifications/list.html#item", context)
    return redirect(safe_next_url(request, request.POST.get("next"), under="/notifications/") or "notifications:list")


@staff_required
@require_POST
def notification_mark_all_read(request):
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)s notification marked read.", "%(count)s notifications marked read.", count)
            % {"count": count},
        )
    return redirect("notifications:list")


@staff_required
def notification_preferences(request):
    choices = email_choices(user=request.user)
    if request.method == "POST":
        form = PreferenceForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                services.set_email_preferences(actor=request.user, email_kinds=form.email_kinds())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return redirect("notifications:preferences")
        return render(request, "notifications/preferences.html", {"form": form}, status=400)
    return render(request, "notifications/preferences.html", {"form": PreferenceForm(choices=choices)})
