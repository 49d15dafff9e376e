from django.apps import AppConfig


class MailinConfig(AppConfig):
    """E-mail in: the SMTP receiver (`manage.py receive_mail`), the handling every source of
    inbound mail feeds (mailin.services.receive_message), and the staff queue of mail from
    unknown senders."""

    name = "mailin"
    verbose_name = "E-mail in"
