"""How apps above contacts take part when a contact's things move to another contact.

A merge moves everything of the duplicate to the contact that stays; an out-of-service hands
what the leaving contact still has open to its successor. Some of those things live in apps that
import contacts (the tasks a contact reported), so contacts cannot move them itself: such an app
registers a `Handover` from its AppConfig.ready (tasks/apps.py), as it registers its panels
(contacts.panels). Dependencies point one way (STYLE 16).

The services call every handover inside their own transaction, so what moves commits or rolls
back with the merge or the out-of-service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contacts.models import Contact


@dataclass(frozen=True)
class Handover:
    # What moves, as the key in MergeRecord.moved and in OutOfServicePlan.handed_over ("tasks").
    name: str
    # merge(survivor=, duplicate=, actor=) -> how many moved: everything of duplicate to survivor.
    merge: Callable[..., int]
    # pending(contact) -> what contact.successor will take over, as the out-of-service preview lists it.
    pending: Callable[[Contact], list]
    # hand_over(contact=, actor=) -> how many moved: what is pending, to contact.successor.
    hand_over: Callable[..., int]
    # merged_ids(duplicate) -> the ids merge() will move, kept on the MergeRecord so that
    # unmerge(ids=, contact=, actor=) can move exactly those back when the merge is undone.
    merged_ids: Callable[[Contact], list[int]] | None = None
    unmerge: Callable[..., int] | None = None


_handovers: list[Handover] = []


def register_handover(handover: Handover) -> Handover:
    """Take part in merges and out-of-services (once, however often AppConfig.ready runs)."""
    if handover not in _handovers:
        _handovers.append(handover)
    return handover


def handovers() -> list[Handover]:
    return list(_handovers)
