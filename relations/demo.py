"""Demo relations, subscriptions, bindings and tasks for the supplier (seed_demo).

Runs inside the supplier's schema (tenants.crossing.seed_supplier_demo); goes through the
same services as the staff pages. Idempotent: does nothing when the demo relations exist.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from relations.models import Relation
from relations.services import relation_create
from subscriptions.services import bind_technical_setup, subscription_create
from tasks.models import Task
from tasks.services import task_change_status, task_create

# (customer number, name, kind, KvK, street, number, postcode, city, binds schema, active subscription)
DEMO_RELATIONS = [
    (
        "K1001",
        "Bakkerij Jansen V.O.F.",
        "company",
        "12345678",
        "Dorpsstraat",
        "12",
        "3811 AB",
        "Amersfoort",
        "bakkerij_jansen",
        True,
    ),
    (
        "K1002",
        "Jansen Brood & Banket B.V.",
        "company",
        "23456789",
        "Industrieweg",
        "4",
        "3812 CD",
        "Amersfoort",
        None,
        True,
    ),
    (
        "K1003",
        "Van Dijk Bouw B.V.",
        "company",
        "34567890",
        "Havenkade",
        "88",
        "1013 BA",
        "Amsterdam",
        "van_dijk_bouw",
        True,
    ),
    (
        "K1004",
        "Van Dijk Bouwgroep Holding B.V.",
        "company",
        "45678901",
        "Keizersgracht",
        "200",
        "1016 DZ",
        "Amsterdam",
        None,
        True,
    ),
    (
        "K1005",
        "Stichting Zorggroep De Linde",
        "company",
        "56789012",
        "Lindelaan",
        "1",
        "5611 AZ",
        "Eindhoven",
        "zorggroep_de_linde",
        True,
    ),
    ("K1006", "Hoveniersbedrijf Groen", "company", "67890123", "Tuinpad", "7", "9711 LM", "Groningen", None, True),
    ("K1007", "J. de Vries", "person", "", "Kerkstraat", "3", "2011 HP", "Haarlem", None, True),
    ("K1008", "Drukkerij Oud & Nieuw", "company", "78901234", "Spuistraat", "19", "2511 BD", "Den Haag", None, False),
]

SUBJECTS = [
    "Loonstrook toont verkeerde vakantiedagen",
    "Inloggen op de portal lukt niet",
    "Export naar boekhouding faalt",
    "Nieuwe medewerker toevoegen",
    "Verlofaanvraag blijft hangen",
    "Rapport urenregistratie leeg",
    "Factuur dubbel verstuurd",
    "Wachtwoord reset komt niet aan",
    "Koppeling met bank geeft foutmelding",
    "Vraag over jaaropgave",
    "Rechten van beheerder aanpassen",
    "Planning toont oude roosters",
]


@transaction.atomic
def seed_supplier_demo(*, actor_email: str, customers: dict, task_count: int = 300) -> bool:
    if Relation.objects.filter(customer_number="K1001").exists():
        return False
    actor = get_user_model().objects.get(username=actor_email)
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    relations = []
    for number, name, kind, coc, street, house, postcode, city, binds, active in DEMO_RELATIONS:
        relation = relation_create(
            actor=actor,
            kind=kind,
            customer_number=number,
            name=name,
            coc_number=coc,
            street=street,
            house_number=house,
            postcode=postcode,
            city=city,
            country="NL",
        )
        subscription_create(
            relation=relation,
            product="MaxCC Payroll",
            start_date=datetime.date(2021, 1, 1),
            end_date=None if active else datetime.date(2024, 12, 31),
            is_active=active,
            actor=actor,
        )
        if binds and binds in customers:
            subscription = relation.subscriptions.get()
            contractant = customers[binds]
            bind_technical_setup(
                subscription=subscription, contractant=contractant, database=contractant.database, actor=actor
            )
        relations.append(relation)
    weights = [30, 2, 25, 2, 25, 8, 5, 3]
    statuses = [Task.Status.NEW, Task.Status.OPEN, Task.Status.OPEN, Task.Status.WAITING, Task.Status.CLOSED]
    for index in range(task_count):
        relation = rng.choices(relations, weights=weights)[0]
        task = task_create(
            actor=actor,
            subject=f"{rng.choice(SUBJECTS)} ({index + 1})",
            description="Gemeld via de telefoon; klant vraagt om terugkoppeling per e-mail.",
            priority=rng.choice(list(Task.Priority.values)),
            assignee=actor if rng.random() < 0.5 else None,
            relations=[relation],
        )
        status = rng.choice(statuses)
        if status != Task.Status.NEW:
            task_change_status(task=task, status=status, actor=actor)
    return True
