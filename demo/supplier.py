"""Demo relations, subscriptions, bindings and tasks for the supplier (seed_demo).

Runs inside the supplier's schema (tenants.crossing.run_in_schema, from seed_demo); goes through the
same services as the staff pages. Idempotent: does nothing when the demo relations exist.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from contacts.models import Contact
from contacts.services.attributes import attribute_define
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from demo.contractants import DEMO_PASSWORD, PORTAL_ACCOUNTANT, PORTAL_ADMIN, SUPPLIER_COLLEAGUE
from portal.services import grant_portal_login
from relations.models import Relation
from relations.services import relation_create
from subscriptions.services import bind_technical_setup, subscription_create
from tasks.conversation import hold_message_for_review, post_customer_reply, post_staff_message
from tasks.models import Task, TaskMessage
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


def colleague_email_for(actor_email: str) -> str:
    """The demo's staff member without administrator rights, at the actor's e-mail domain."""
    return SUPPLIER_COLLEAGUE.split("@")[0] + "@" + actor_email.split("@")[1]


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
    User = get_user_model()
    actor = User.objects.get(username=actor_email)
    seeded = False
    colleague = colleague_email_for(actor_email)
    if not User.objects.filter(username=colleague).exists():
        User.objects.create_user(username=colleague, email=colleague, password=DEMO_PASSWORD, is_staff=True)
        seeded = True
    if not Relation.objects.filter(customer_number="K1001").exists():
        _seed_relations_and_tasks(actor=actor, customers=customers, task_count=task_count)
        seeded = True
    if not Contact.objects.exists():
        _seed_contacts(actor=actor)
        seeded = True
    if not Contact.objects.filter(user__isnull=False).exists():
        _seed_portal(actor=actor)
        seeded = True
    if not TaskMessage.objects.exists():
        _seed_conversations(actor=actor)
        seeded = True
    return seeded


def _seed_relations_and_tasks(*, actor, customers: dict, task_count: int) -> None:
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


# (first, last, e-mail, job title, kind, [(customer number, admin, approver)])
DEMO_CONTACTS = [
    ("Anna", "de Boer", "anna@bakkerijjansen.nl", "Eigenaar", "person", [("K1001", True, True), ("K1002", True, True)]),
    ("Pieter", "Bakker", "pieter@bakkerijjansen.nl", "Salarisadministrateur", "person", [("K1001", False, True)]),
    (
        "",
        "Salarisadministratie Van Dijk",
        "salaris@vandijkbouw.nl",
        "Gedeelde mailbox",
        "shared",
        [("K1003", False, True), ("K1004", False, True)],
    ),
    ("Sanne", "Visser", "s.visser@vandijkbouw.nl", "HR-adviseur", "person", [("K1003", True, False)]),
    ("Mohamed", "El Amrani", "m.elamrani@delinde.nl", "Teamleider ICT", "person", [("K1005", True, True)]),
    ("Eva", "Smit", "eva.smit@delinde.nl", "Medewerker HR", "person", [("K1005", False, False)]),
]


def _seed_contacts(*, actor) -> None:
    relations = {relation.customer_number: relation for relation in Relation.objects.all()}
    for first, last, email, job, kind, links in DEMO_CONTACTS:
        contact = create_contact(actor=actor, first_name=first, last_name=last, email=email, job_title=job, kind=kind)
        for number, admin, approver in links:
            link_contact(
                contact=contact,
                relation=relations[number],
                actor=actor,
                job_title=job,
                is_admin=admin,
                is_approver=approver,
                support_access="all" if admin else "own",
            )
    # Seed 003: Jan de Vries is a person-relation and the director of two companies; one login.
    jan = create_contact(
        actor=actor,
        first_name="Jan",
        last_name="de Vries",
        email="jan@devries-privé.nl".replace("é", "e"),
        job_title="Directeur",
    )
    person_relation = relations["K1007"]
    person_relation.person = jan
    person_relation.save(update_fields=["person"])
    link_contact(contact=jan, relation=person_relation, actor=actor, is_admin=True, support_access="all")
    for number in ["K1006", "K1008"]:
        link_contact(
            contact=jan,
            relation=relations[number],
            actor=actor,
            job_title="Directeur",
            is_admin=True,
            support_access="all",
        )
    attribute_define(actor=actor, name="Nieuwsbrief", type="boolean", visible_in_portal=True, editable_in_portal=True)
    attribute_define(
        actor=actor,
        name="Afdeling",
        type="choice",
        choices=["Directie", "HR", "Salarisadministratie", "ICT"],
        visible_in_portal=True,
        position=1,
    )
    attribute_define(actor=actor, name="Interne notitie", type="text", position=2)
    attribute_define(actor=actor, name="Contract tot", type="date", position=3)
    # Reporters: each demo contact reported some of its relations' tasks.
    for contact in Contact.objects.prefetch_related("links"):
        relation_ids = [link.relation_id for link in contact.links.all()]
        tasks = Task.objects.filter(links__relation_id__in=relation_ids, reporter__isnull=True).order_by("pk")[:15]
        Task.objects.filter(pk__in=[task.pk for task in tasks]).update(reporter=contact)


def _seed_portal(*, actor) -> None:
    """Portal logins (issue: portal). Passwords: demo.contractants.DEMO_PASSWORD."""

    relations = {relation.customer_number: relation for relation in Relation.objects.all()}
    karin = create_contact(
        actor=actor, first_name="Karin", last_name="Jansen", email=PORTAL_ACCOUNTANT, job_title="Boekhouder"
    )
    # Member of three organisations, support access on two, administrator of one.
    for number, access, admin in [("K1001", "all", False), ("K1003", "own", False), ("K1006", "none", True)]:
        link_contact(
            contact=karin,
            relation=relations[number],
            actor=actor,
            job_title="Boekhouder",
            support_access=access,
            is_admin=admin,
        )
    lotte = create_contact(actor=actor, first_name="Lotte", last_name="Mulder", email="lotte@mulder-advies.nl")
    link_contact(contact=lotte, relation=relations["K1001"], actor=actor, status="requested")
    for contact in Contact.objects.filter(username__in=[PORTAL_ACCOUNTANT, PORTAL_ADMIN, "jan@devries-prive.nl"]):
        grant_portal_login(contact=contact, password=DEMO_PASSWORD)


def demo_pdf(text: str) -> bytes:
    """A small, valid one-page PDF showing `text` (a payslip stand-in for the demo)."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_png(width: int = 240, height: int = 120) -> bytes:
    """A small valid PNG (a grey 'screenshot' with a red bar) for the demo conversation."""
    import struct
    import zlib

    rows = b""
    for y in range(height):
        colour = b"\xd0\x20\x20" if 40 <= y < 60 else b"\xee\xee\xee"
        rows += b"\x00" + colour * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _seed_conversations(*, actor) -> None:
    """A few realistic conversations (issue 15): a payslip question with a PDF and a
    screenshot, a customer who replied by e-mail, internal notes, and a held e-mail."""
    relations = {relation.customer_number: relation for relation in Relation.objects.all()}
    karin = Contact.objects.get(username=PORTAL_ACCOUNTANT)
    anna = Contact.objects.get(username="anna@bakkerijjansen.nl")
    payslip = task_create(
        actor=actor,
        subject="Loonstrook maart: te weinig vakantiedagen",
        description="Gemeld in de portal.",
        priority=Task.Priority.HIGH,
        reporter=karin,
        relations=[relations["K1001"]],
    )
    post_customer_reply(
        task=payslip,
        body="De loonstrook van maart toont 12 vakantiedagen, volgens de cao moeten het er 16 zijn. "
        "De strook zit als PDF bij dit bericht.",
        contact=karin,
        channel=TaskMessage.Channel.PORTAL,
        files=[SimpleUploadedFile("loonstrook-maart.pdf", demo_pdf("Loonstrook maart - vakantiedagen 12"))],
    )
    post_staff_message(
        task=payslip,
        body="Gecontroleerd: de verlofregeling is na de cao-wijziging van 1 maart niet bijgewerkt. "
        "Niet aan de klant melden dat het onze fout was voordat Piet het bevestigt.",
        kind=TaskMessage.Kind.NOTE,
        actor=actor,
    )
    post_staff_message(
        task=payslip,
        body="Dank voor de loonstrook. We hebben de verlofregeling aangepast en de strook opnieuw "
        "aangemaakt; in de schermafdruk ziet u de gecorrigeerde regel. Klopt het nu?",
        kind=TaskMessage.Kind.REPLY,
        actor=actor,
        set_status=Task.Status.WAITING,
        files=[SimpleUploadedFile("schermafdruk-verlof.png", demo_png())],
    )
    by_email = task_create(
        actor=actor,
        subject="Jaaropgave 2025 ontbreekt voor twee medewerkers",
        reporter=anna,
        relations=[relations["K1001"]],
    )
    post_staff_message(
        task=by_email,
        body="De jaaropgaven zijn opnieuw klaargezet. Kunt u controleren of ze nu zichtbaar zijn?",
        kind=TaskMessage.Kind.REPLY,
        actor=actor,
        set_status=Task.Status.WAITING,
    )
    post_customer_reply(
        task=by_email,
        body="Ja, ze staan er nu allebei. Bedankt voor de snelle hulp!",
        contact=anna,
        channel=TaskMessage.Channel.EMAIL,
        email_message_id="<demo-jaaropgave-1@bakkerijjansen.nl>",
    )
    hold_message_for_review(
        task=by_email,
        body="Kunt u de jaaropgaven ook naar dit adres sturen?",
        sender="onbekend@gratismail.example",
        email_message_id="<demo-onbekend-1@gratismail.example>",
    )
