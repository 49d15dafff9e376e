"""What a contractant's domain apps tell the surfaces above them, without importing them.

Domain apps (relations, contacts) send `data_changed` inside the transaction of a write that
Client Online must follow; `portal_sync` connects the receiver that writes the outbox row and
queues the sync (portal_sync/apps.py). Dependencies point one way (STYLE 16): tenants ← domain
apps ← surfaces. Receivers run inside the sender's transaction, so their writes commit or roll
back with it.
"""

from django.dispatch import Signal

# sender: the model class whose rows changed.
data_changed = Signal()
