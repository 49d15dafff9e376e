"""The outbox: one row and one queued sync per transaction that changes Client Online state."""

from __future__ import annotations

from django.db import transaction

from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from tenants.models import SyncOutbox
from tests.factories import RelationFactory


def test_one_transaction_with_several_changes_queues_one_sync(
    in_supplier, settings, django_capture_on_commit_callbacks
):
    settings.CLIENT_ONLINE_SYNC_ON_COMMIT = True
    company = RelationFactory(sync_client_online=True)
    before = SyncOutbox.objects.count()

    with django_capture_on_commit_callbacks() as callbacks:
        anna = create_contact(actor=None, first_name="Anna", last_name="Smit", email="anna@outbox.test")
        link_contact(contact=anna, relation=company, actor=None, sync_client_online=True)
        link_contact(
            contact=create_contact(actor=None, last_name="Bos", email="bos@outbox.test"),
            relation=company,
            actor=None,
            sync_client_online=True,
        )

    queued = [callback for callback in callbacks if getattr(callback, "sync_outbox_schema", None)]
    assert [callback.sync_outbox_schema for callback in queued] == ["supplier"]
    assert SyncOutbox.objects.count() - before == 1


def test_a_rolled_back_savepoint_takes_its_row_away_and_the_next_change_records_again(in_supplier):
    company = RelationFactory(sync_client_online=True)
    before = SyncOutbox.objects.count()
    anna = create_contact(actor=None, first_name="Anna", last_name="Smit", email="anna@outbox.test")
    try:
        with transaction.atomic():
            link_contact(contact=anna, relation=company, actor=None, sync_client_online=True)
            raise RuntimeError("refused")
    except RuntimeError:
        pass

    link_contact(contact=anna, relation=company, actor=None, sync_client_online=True)

    assert SyncOutbox.objects.count() > before
