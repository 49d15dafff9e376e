"""E-mails about tasks, sent by the worker after commit (tasks/tasks.py), each once.

- customers: a staff member's public reply and a status change, to the contacts whose
  preference matches (DESIGN.md rule 8), threaded, with the task's reply address;
- staff: a customer's reply, to the assignee or (nobody assigned) the team;
- mail: addressing, threading headers and the send-once record (TaskEmail);
- recipients: who is told.
"""

from tasks.notifications.customers import notify_public_reply, notify_status_change
from tasks.notifications.recipients import recipients_for
from tasks.notifications.staff import notify_assignment, notify_customer_reply

__all__ = [
    "notify_assignment",
    "notify_customer_reply",
    "notify_public_reply",
    "notify_status_change",
    "recipients_for",
]
