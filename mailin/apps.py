from django.apps import AppConfig


class MailinConfig(AppConfig):
    """E-mail in: the SMTP receiver (`manage.py receive_mail`), the handling every source of
    inbound mail feeds (mailin.services.receive_message), and the staff queue of mail from
    unknown senders."""

    name = "mailin"
    verbose_name = "E-mail in"

    def ready(self) -> None:
        # Unknown senders waiting on the staff home page (staff.worklist; STYLE 16).
        from mailin.worklist import unknown_sender_work
        from staff.worklist import register_work

        register_work(unknown_sender_work)
