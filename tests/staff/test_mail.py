"""E-mails to people (staff.mail): one set of templates, a subject that is always one line."""

from __future__ import annotations

from types import SimpleNamespace

from staff.mail import send_templated_mail


def test_a_line_break_stored_in_a_name_never_breaks_the_subject_header(mailoutbox):
    # As a name saved before names refused control characters would arrive.
    contact = SimpleNamespace(full_name="Eva\r\nBcc: iedereen@example.test", email="eva@example.test")
    link = SimpleNamespace(contact=contact, relation=SimpleNamespace(name="Bakkerij\nJansen"))

    send_templated_mail("portal/email/request", {"link": link, "members_url": "http://x.test/"}, "beheer@example.test")

    [message] = mailoutbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.to == ["beheer@example.test"] and message.bcc == []
