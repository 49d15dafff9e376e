"""The parts of the page shell that every page or list draws, built in Python (tenants/html.py
says why): the stylesheet and scripts, the staff top bar, the language switch (staff, portal,
logins), the options of a list's filters and the pagination under a list."""

from __future__ import annotations

from functools import cache

from django import template
from django.conf import settings
from django.template.defaulttags import CsrfTokenNode
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django_htmx.jinja import htmx_script

from staff.navigation import staff_navigation
from tenants.html import text
from tenants.routes import remembered_reverse

register = template.Library()


@cache
def _page_assets(debug: bool) -> str:
    # Static URLs do not change while the process runs (the manifest is read once at start).
    return (
        f'<link rel="stylesheet" href="{text(static("css/app.css"))}">\n  {htmx_script()}\n'
        f'  <script src="{text(static("js/app.js"))}" defer></script>'
    )


@register.simple_tag
def page_assets():
    """The stylesheet and scripts of every page (htmx served from our own static files)."""
    # Safe: our markup, the URLs escaped by text(); htmx_script() is django-htmx's own markup.
    return mark_safe(_page_assets(settings.DEBUG))  # noqa: S308


def _csrf_input(context) -> str:
    # Django's own {% csrf_token %}: the context's token, masked once per page.
    return CsrfTokenNode().render(context)


@register.simple_tag(takes_context=True)
def language_switch(context):
    """The NL/EN switch of every page: posts the choice to Django's set_language view and
    comes back to the page it was on."""
    request, current = context["request"], get_language()
    # gettext() outside the f-strings below: makemessages does not look inside f-strings.
    label, button = gettext("Language"), gettext("Switch")
    options = "".join(
        f'<option value="{text(code)}"{" selected" if code == current else ""}>{text(code.upper())}</option>'
        for code, _label in settings.LANGUAGES
    )
    # Safe: our markup, every value escaped by text().
    return mark_safe(  # noqa: S308
        f'<form class="language-switch" action="{text(remembered_reverse("set_language"))}" method="post">\n'
        f"  {_csrf_input(context)}\n"
        f'  <input type="hidden" name="next" value="{text(request.get_full_path())}">\n'
        f'  <label for="language-select" class="visually-hidden">{text(label)}</label>\n'
        f'  <select id="language-select" name="language">\n    {options}\n  </select>\n'
        f'  <button type="submit" class="button button-small">{text(button)}</button>\n'
        "</form>"
    )


@register.simple_tag(takes_context=True)
def staff_topbar(context):
    """The staff pages' header: the contractant, the navigation (the current section marked),
    the language switch, who is logged in, and the log-out button."""
    request = context["request"]
    user = request.user
    current = ' aria-current="page"'
    items = "\n".join(
        f'      <li><a href="{text(item["url"])}"{current if item["active"] else ""}>{text(item["label"])}</a></li>'
        for item in staff_navigation(request.path, user)
    )
    contractant = context.get("contractant")
    navigation, logged_in_as, log_out = gettext("Main navigation"), gettext("Logged in as"), gettext("Log out")
    # Safe: our markup, every value escaped by text().
    return mark_safe(  # noqa: S308
        '<header class="topbar">\n'
        f'  <a class="brand" href="{text(remembered_reverse("staff:home"))}">\n'
        '    <span class="brand-mark" aria-hidden="true">◆</span>\n'
        f"    <span>{text(contractant.name if contractant else '')}</span>\n"
        "  </a>\n"
        f'  <nav class="mainnav" aria-label="{text(navigation)}">\n'
        f"    <ul>\n{items}\n    </ul>\n"
        "  </nav>\n"
        '  <div class="userbox">\n'
        f"    {language_switch(context)}\n"
        f'    <span class="username" title="{text(logged_in_as)}">'
        f"{text(user.email or user.username)}</span>\n"
        f'    <form action="{text(remembered_reverse("staff:logout"))}" method="post">{_csrf_input(context)}\n'
        f'      <button type="submit" class="button button-small button-quiet">{text(log_out)}</button>\n'
        "    </form>\n"
        "  </div>\n"
        "</header>"
    )


@register.simple_tag
def options(choices, chosen):
    """The <option> elements of a filter's select, the one whose value is chosen (compared as
    text, the way a submitted value arrives) selected; nothing chosen (None or "") marks none,
    so the browser shows the first. Filters are drawn on every visit of a list: a template loop
    spent a tenth of the task list's rendering on two of them."""
    chosen = None if chosen is None or chosen == "" else str(chosen)
    # Safe: our markup, every value escaped by text().
    return mark_safe(  # noqa: S308
        "".join(
            f'<option value="{text(value)}"{" selected" if str(value) == chosen else ""}>{text(label)}</option>'
            for value, label in choices
        )
    )


@register.simple_tag(takes_context=True)
def pagination(context):
    """Previous / "Page n of m" / next under a list (the context's page and query_string, the
    filters to keep): drawn under every list, only when there is more than one page."""
    page = context["page"]
    pages = page.paginator.num_pages
    if pages <= 1:
        return ""
    query_string = context.get("query_string")
    pages_label, previous_label, next_label = gettext("Pages"), gettext("Previous"), gettext("Next")
    prefix = f"?{text(query_string)}&amp;page=" if query_string else "?page="
    previous = (
        f'<a class="button button-small" href="{prefix}{page.previous_page_number()}">‹ {text(previous_label)}</a>'
        if page.has_previous()
        else ""
    )
    following = (
        f'<a class="button button-small" href="{prefix}{page.next_page_number()}">{text(next_label)} ›</a>'
        if page.has_next()
        else ""
    )
    position = gettext("Page %(number)s of %(total)s") % {"number": page.number, "total": pages}
    # Safe: our markup, every value escaped by text().
    return mark_safe(  # noqa: S308
        f'<nav class="pagination" aria-label="{text(pages_label)}">\n'
        f"  {previous}\n  <span>{text(position)}</span>\n  {following}\n</nav>"
    )
