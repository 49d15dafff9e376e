"""Staff pages of e-mail in: the queue of mail from unknown senders, each made into a task or
discarded. Served in the staff shell (staff/base.html), listed in its navigation."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mailin import services
from mailin.access import get_queued_mail_for_staff
from mailin.forms import MailTaskForm
from mailin.selectors import unknown_sender_queue
from relations.access import get_relation_for_staff
from relations.selectors import relation_search
from staff.access import staff_required
from staff.ui import error_text, paginate, parse_id, query_without_page, search_text


@staff_required
def queue(request):
    page = paginate(request, unknown_sender_queue())
    return render(request, "mailin/queue.html", {"page": page, "query_string": query_without_page(request)})


def _detail(request, mail, form: MailTaskForm, *, status: int = 200):
    query = search_text(request.GET.get("q") or request.POST.get("q"))
    context = {
        "mail": mail,
        "form": form,
        "relation_query": query,
        "relation_results": relation_search(query=query) if query else None,
    }
    if request.htmx and request.htmx.target == "relation-results":
        return render(request, "mailin/detail.html#relation_results", context)
    return render(request, "mailin/detail.html", context, status=status)


@staff_required
def mail_detail(request, pk: int):
    mail = get_queued_mail_for_staff(request, pk)
    subject = search_text(request.GET.get("subject"), 200) or mail.subject[:200]
    return _detail(request, mail, MailTaskForm(initial={"subject": subject}))


@staff_required
@require_POST
def mail_create_task(request, pk: int):
    mail = get_queued_mail_for_staff(request, pk)
    form = MailTaskForm(request.POST)
    relation_pk = parse_id(request.POST.get("relation"))
    query = search_text(request.POST.get("q"))
    if relation_pk is None and query:
        # The relation search, sent without JavaScript: answered on the mail's page.
        params = urlencode({"q": query, "subject": request.POST.get("subject", "")})
        return redirect(f"{reverse('mailin:detail', args=[mail.pk])}?{params}#create-task")
    if not form.is_valid():
        return _detail(request, mail, form, status=400)
    relation = get_relation_for_staff(request, relation_pk) if relation_pk is not None else None
    try:
        task = services.mail_create_task(
            mail=mail, relation=relation, subject=form.cleaned_data["subject"], actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("mailin:queue")
    messages.success(
        request,
        _("Task #%(number)s created from the e-mail of %(sender)s.")
        % {
            "number": task.pk,
            "sender": mail.sender,
        },
    )
    return redirect("tasks:detail", pk=task.pk)


@staff_required
@require_POST
def mail_discard(request, pk: int):
    mail = get_queued_mail_for_staff(request, pk)
    try:
        services.mail_discard(mail=mail, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The e-mail of %(sender)s is discarded.") % {"sender": mail.sender})
    return redirect("mailin:queue")
