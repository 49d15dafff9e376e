"""The addresses customers write to: `support@<domain>` for a new task, `reply+<token>@<domain>`
for a reply to one. The domain is the contractant's own; the token is the task's random
reply_token (tasks.models.new_reply_token), so an address names a task without an id anyone
could count or guess.
"""

from __future__ import annotations

import re

from tasks.models import Task
from tasks.selectors import desk_settings
from tenants.urls_for import primary_domain

REPLY_PREFIX = "reply+"
TOKEN_RE = re.compile(r"^reply\+([0-9a-f]{20})$")


def contractant_mail_domain(contractant) -> str:
    """The part after the @ of the contractant's addresses: its primary domain."""
    return primary_domain(contractant)


def reply_address(task: Task, contractant) -> str:
    return f"{REPLY_PREFIX}{task.reply_token}@{contractant_mail_domain(contractant)}"


def support_address(contractant) -> str:
    return f"{desk_settings().support_address_local_part}@{contractant_mail_domain(contractant)}"


def reply_token_of(local_part: str) -> str | None:
    """The task token in a reply address's local part (case ignored, as mail systems do)."""
    match = TOKEN_RE.match(local_part.strip().lower())
    return match.group(1) if match else None
