"""factory-boy factories for the tenant apps. Create rows in whatever schema the connection is on."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from relations.models import Relation
from subscriptions.models import Subscription
from tasks.models import Task, TaskLink


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relation

    kind = Relation.Kind.COMPANY
    customer_number = factory.Sequence(lambda n: f"T{n:05d}")
    coc_number = factory.Sequence(lambda n: f"{10000000 + n}")
    name = factory.Sequence(lambda n: f"Relatie {n} B.V.")
    street = "Stationsplein"
    house_number = "1"
    postcode = "3511 CE"
    city = "Utrecht"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    relation = factory.SubFactory(RelationFactory)
    product = "MaxCC Payroll"
    start_date = datetime.date(2024, 1, 1)
    is_active = True


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task
        skip_postgeneration_save = True

    subject = factory.Sequence(lambda n: f"Melding {n}")
    status = Task.Status.OPEN
    closed_at = factory.LazyAttribute(lambda task: timezone.now() if task.status == Task.Status.CLOSED else None)

    @factory.post_generation
    def relations(self, create, extracted, **kwargs):
        for relation in extracted or []:
            TaskLink.objects.create(task=self, relation=relation, task_created_at=self.created_at)


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact row as create_contact would leave it: username = the trimmed, lower-cased e-mail."""

    class Meta:
        model = "contacts.Contact"

    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    email = factory.Sequence(lambda n: f"contact{n}@voorbeeld.test")
    username = factory.LazyAttribute(lambda contact: contact.email.strip().lower())


class ContactLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contacts.ContactLink"

    contact = factory.SubFactory(ContactFactory)
    relation = factory.SubFactory(RelationFactory)
    from_date = factory.LazyFunction(timezone.localdate)
