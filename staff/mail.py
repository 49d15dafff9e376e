"""E-mails to people: plain text and HTML from one set of templates."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

# (file name, content, MIME type), as EmailMessage.attach takes them.
Attachment = tuple[str, bytes, str]


def templated_mail(
    template: str,
    context: dict,
    to: str,
    *,
    from_email: str | None = None,
    reply_to: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMultiAlternatives:
    """`<template>_subject.txt`, `<template>.txt` and `<template>.html` as one e-mail to one
    address, not sent yet. `from_email` None is settings.DEFAULT_FROM_EMAIL; `headers` may set
    Message-ID, In-Reply-To and References (Django then makes no Message-ID of its own).

    The HTML version is autoescaped; the plain text one is not (it is not HTML)."""
    # A subject is one header line: a line break from a name stored before names refused
    # them would otherwise raise BadHeaderError in the worker, after the user was told "sent".
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    mail = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=from_email,
        to=[to],
        reply_to=list(reply_to),
        headers=dict(headers or {}),
    )
    mail.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    for name, content, mimetype in attachments:
        mail.attach(name, content, mimetype)
    return mail


def send_templated_mail(
    template: str,
    context: dict,
    to: str,
    *,
    from_email: str | None = None,
    reply_to: Sequence[str] = (),
    headers: dict[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> EmailMultiAlternatives:
    """Send templated_mail(...) at once; the e-mail sent is returned (its subject, its headers)."""
    mail = templated_mail(
        template, context, to, from_email=from_email, reply_to=reply_to, headers=headers, attachments=attachments
    )
    mail.send()
    return mail
