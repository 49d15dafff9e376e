"""E-mails to people: plain text and HTML from one set of templates."""

from __future__ import annotations

from django.core.mail import send_mail
from django.template.loader import render_to_string


def send_templated_mail(template: str, context: dict, to: str) -> None:
    """Send `<template>_subject.txt`, `<template>.txt` and `<template>.html` to one address.

    The HTML version is autoescaped; the plain text one is not (it is not HTML)."""
    # A subject is one header line: a line break from a name stored before names refused
    # them would otherwise raise BadHeaderError in the worker, after the user was told "sent".
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    send_mail(
        subject=subject,
        message=render_to_string(f"{template}.txt", context),
        from_email=None,
        recipient_list=[to],
        html_message=render_to_string(f"{template}.html", context),
    )
