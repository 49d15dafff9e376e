"""Portal personas, all customers of the supplier (SUPPLIER.host/portal/):

- Anneke, a bookkeeper: approved member of three organisations with support access all / own / none;
- Bert, administrator of Bakkerij Jansen (support access all);
- Piet (P) and Quinten (Q), each the person of his own private person-relation;
- Sanne, a stranger: a portal login but no membership of anything.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from contacts.models import Contact, ContactLink
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from portal.services import grant_portal_login
from relations.models import Relation
from relations.services import create_person_relation
from tests.conftest import SUPPLIER, Persona, client_for, logged_in_staff
from tests.factories import RelationFactory

PORTAL_PASSWORD = "Portaal-wachtwoord-2026!"
ALL, OWN, NONE = ContactLink.SupportAccess.ALL, ContactLink.SupportAccess.OWN, ContactLink.SupportAccess.NONE


@pytest.fixture(autouse=True)
def _english():
    """Service messages and e-mails in English, whatever language an earlier request left active."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """The membership throttle counts in the cache: every test starts with no attempts."""
    cache.clear()
    yield
    cache.clear()


# --- Clients ------------------------------------------------------------------------------


def anonymous_client(persona: Persona = SUPPLIER) -> Client:
    client = client_for(persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def portal_client(contact: Contact, persona: Persona = SUPPLIER, password: str = PORTAL_PASSWORD) -> Client:
    """The contact, logged in at the portal the way a customer does (its e-mail and password)."""
    client = anonymous_client(persona)
    response = client.post("/portal/login/", {"username": contact.email, "password": password})
    assert response.status_code == 302, f"portal login of {contact.email} failed"
    return client


@pytest.fixture
def staff_en(in_supplier) -> Client:
    """A supplier's staff member, English UI; the connection stays on the supplier's schema."""
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


# --- Page helpers ---------------------------------------------------------------------------


def page(response) -> str:
    return response.content.decode()


def switcher(html: str) -> list[str]:
    """The organisation names in the header's switcher, in order."""
    select = re.search(r'<select id="org-select".*?</select>', html, re.S)
    return re.findall(r"<option [^>]*>([^<]*)</option>", select.group(0)) if select else []


def form_errors(html: str) -> list[str]:
    """The texts of the non-field error block(s) of a page."""
    blocks = re.findall(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    return [text.strip() for block in blocks for text in re.findall(r"<p>(.*?)</p>", block, re.S)]


def org_url(relation: Relation, rest: str = "") -> str:
    return f"/portal/o/{relation.code}/{rest}"


# --- Personas -------------------------------------------------------------------------------


def portal_person(actor, *, first_name: str, last_name: str, email: str, memberships=()) -> Contact:
    """A contact made by the staff services, linked as given, with a portal login and password."""
    contact = create_contact(actor=actor, first_name=first_name, last_name=last_name, email=email)
    for relation, link in memberships:
        link_contact(contact=contact, relation=relation, actor=actor, **link)
    grant_portal_login(contact=contact, password=PORTAL_PASSWORD)
    return contact


@pytest.fixture
def bakkerij(in_supplier) -> Relation:
    return RelationFactory(name="Bakkerij Jansen", customer_number="K1001", coc_number="12345678")


@pytest.fixture
def bouwbedrijf(in_supplier) -> Relation:
    return RelationFactory(name="Bouwbedrijf De Boer", customer_number="K1002", coc_number="23456789")


@pytest.fixture
def cafe(in_supplier) -> Relation:
    return RelationFactory(name="Café Het Hoekje", customer_number="K1003", coc_number="34567890")


@pytest.fixture
def accountant(supplier_user, bakkerij, bouwbedrijf, cafe) -> Contact:
    """Anneke, bookkeeper for three organisations: support access all, own and none; admin of none."""
    return portal_person(
        supplier_user,
        first_name="Anneke",
        last_name="Visser",
        email="anneke@visser-accountants.test",
        memberships=[(bakkerij, {"support_access": ALL}), (bouwbedrijf, {"support_access": OWN}), (cafe, {})],
    )


@pytest.fixture
def org_admin(supplier_user, bakkerij) -> Contact:
    """Bert, administrator of Bakkerij Jansen, sees all its tickets."""
    return portal_person(
        supplier_user,
        first_name="Bert",
        last_name="Jansen",
        email="bert@bakkerij-jansen.test",
        memberships=[(bakkerij, {"is_admin": True, "support_access": ALL})],
    )


def private_person(actor, *, first_name: str, last_name: str, email: str, customer_number: str) -> Contact:
    relation = create_person_relation(
        actor=actor,
        relation_data={"name": f"{first_name} {last_name} (privé)", "customer_number": customer_number},
        contact_data={"first_name": first_name, "last_name": last_name, "email": email},
    )
    grant_portal_login(contact=relation.person, password=PORTAL_PASSWORD)
    return Contact.objects.get(pk=relation.person_id)


@pytest.fixture
def person_p(supplier_user) -> Contact:
    """Piet, the person of his own private relation (and of nothing else)."""
    return private_person(
        supplier_user, first_name="Piet", last_name="Pieters", email="piet@thuis.test", customer_number="P2001"
    )


@pytest.fixture
def person_q(supplier_user) -> Contact:
    """Quinten, the person of another private relation."""
    return private_person(
        supplier_user, first_name="Quinten", last_name="Quist", email="quinten@thuis.test", customer_number="P2002"
    )


@pytest.fixture
def stranger(supplier_user) -> Contact:
    """Sanne: may log in, but no organisation knows her yet."""
    return portal_person(supplier_user, first_name="Sanne", last_name="Vreemd", email="sanne@elders.test")
