"""How a task's e-mails are addressed, threaded and sent once.

Every e-mail about a task belongs to one thread: its References start with the task's own
root id, `<task-{reply_token}@{domain}>` (never sent itself; mail clients thread on it all
the same), followed by the last e-mail the customer sent about it, so their client files our
answer under their own message. Each e-mail's Message-ID is stable for (what it reports,
address): a retry that does reach the recipient twice is recognisably the same e-mail. Ids
are made from the task's random reply token and an HMAC, never from a counter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.headerregistry import Address

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from staff.mail import Attachment, templated_mail
from tasks.models import Task, TaskEmail, TaskMessage
from tasks.reply_address import contractant_mail_domain, reply_address, support_address

# A Message-ID as we accept one from an incoming e-mail's header, to repeat in ours.
MESSAGE_ID_RE = re.compile(r"^<[^<>\s]{1,900}>$")
SUBJECT_MAX = TaskEmail._meta.get_field("subject").max_length or 300


def thread_root_id(task: Task, domain: str) -> str:
    return f"<task-{task.reply_token}@{domain}>"


def message_id_for(task: Task, domain: str, *what: object) -> str:
    """`<task-{reply_token}.{hmac}@{domain}>` for one e-mail: `what` names what it reports and
    to whom (("reply", message code, address), ("change", history id, address), ...)."""
    digest = salted_hmac("tasks.notifications.message-id", ":".join(str(part) for part in what)).hexdigest()[:24]
    return f"<task-{task.reply_token}.{digest}@{domain}>"


def _as_message_id(value: str) -> str | None:
    value = value.strip()
    if value and not value.startswith("<"):
        value = f"<{value}>"
    return value if MESSAGE_ID_RE.match(value) else None


def last_customer_message_id(task: Task) -> str | None:
    """The Message-ID of the last e-mail received on the task, if it is a usable one."""
    received = (
        TaskEmail.objects.filter(task=task, direction=TaskEmail.Direction.IN)
        .exclude(header_message_id="")
        .order_by("-created_at", "-pk")
        .values_list("header_message_id", flat=True)
        .first()
    )
    return _as_message_id(received) if received else None


class TaskMailer:
    """The addressing of one task's e-mails, worked out once for all its recipients."""

    def __init__(self, task: Task, contractant) -> None:
        self.task = task
        self.domain = contractant_mail_domain(contractant)
        # The contractant's own name and support address: customers know their supplier, not us.
        display_name = " ".join(str(contractant.name).split())
        self.from_email = str(Address(display_name=display_name, addr_spec=support_address(contractant)))
        self.reply_to = reply_address(task, contractant)
        self.root = thread_root_id(task, self.domain)
        self.customer_message_id = last_customer_message_id(task)

    def headers(self, *what: object, automatic: bool) -> dict[str, str]:
        """Threading headers for one e-mail. `automatic`: written by the system, not by a
        person (a status change, a notice to staff): RFC 3834 asks auto-responders not to answer it."""
        references = [self.root] + ([self.customer_message_id] if self.customer_message_id else [])
        headers = {
            "Message-ID": message_id_for(self.task, self.domain, *what),
            "In-Reply-To": references[-1],
            "References": " ".join(references),
            # Exchange's own way of asking for no out-of-office answers.
            "X-Auto-Response-Suppress": "OOF, AutoReply",
        }
        if automatic:
            headers["Auto-Submitted"] = "auto-generated"
        return headers

    def send_once(
        self,
        *,
        template: str,
        context: dict,
        address: str,
        headers: dict[str, str],
        contact=None,
        message: TaskMessage | None = None,
        change_id: int | None = None,
        reply_to: bool = True,
        attachments: Sequence[Attachment] = (),
    ) -> bool:
        """Send one e-mail and record it, in one transaction: its TaskEmail row's unique key
        ((message, address) or (change_id, address)) lets only one worker through, however
        often the job runs; a send that fails rolls the row back, so a retry sends it then.
        False when it had been sent already."""
        mail = templated_mail(
            template,
            context,
            address,
            from_email=self.from_email,
            reply_to=[self.reply_to] if reply_to else [],
            headers=headers,
            attachments=attachments,
        )
        try:
            with transaction.atomic():
                TaskEmail.objects.create(
                    task=self.task,
                    direction=TaskEmail.Direction.OUT,
                    message=message,
                    change_id=change_id,
                    contact=contact,
                    address=address,
                    subject=mail.subject[:SUBJECT_MAX],
                    header_message_id=headers["Message-ID"],
                )
                mail.send()
        except IntegrityError:
            return False  # sent already: a retry, or a second delivery of the job
        return True
