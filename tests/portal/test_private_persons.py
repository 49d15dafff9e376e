"""Person-relations (seed 003): one login for a person's private and business data; P never sees Q's."""

from __future__ import annotations

from contacts.models import ContactLink
from contacts.services.links import link_contact
from tests.factories import TaskFactory
from tests.portal.conftest import ALL, anonymous_client, org_url, page, portal_client, switcher


def test_person_logs_in_and_lands_on_their_own_private_organisation_as_its_admin(person_p):
    private = person_p.person_relation

    response = portal_client(person_p).get("/portal/", follow=True)

    assert response.redirect_chain == [(org_url(private), 302)]
    html = page(response)
    assert switcher(html) == ["Piet Pieters (privé)"]
    assert "administrator" in html


def test_p_never_sees_qs_private_organisation(person_p, person_q):
    q_private = person_q.person_relation
    client = portal_client(person_p)

    assert "Quinten Quist (privé)" not in switcher(page(client.get("/portal/", follow=True)))
    for rest in ["", "contacts/", f"contacts/{person_q.code}/", "members/", "tasks/", "tasks/new/"]:
        assert client.get(org_url(q_private, rest)).status_code == 404, rest
    assert client.post(org_url(q_private), {"street": "Inbraakstraat", "city": "Nergens"}).status_code == 404
    assert client.get(f"/portal/switch/?org={q_private.code}").status_code == 404


def test_p_cannot_open_qs_private_tasks_through_ps_own_organisation(person_p, person_q):
    p_private, q_private = person_p.person_relation, person_q.person_relation
    ContactLink.objects.filter(contact=person_p, relation=p_private).update(support_access=ALL)
    q_task = TaskFactory(relations=[q_private], reporter=person_q, subject="Hypotheek Quist")
    client = portal_client(person_p)

    assert client.get(org_url(p_private, f"tasks/{q_task.code}/")).status_code == 404
    assert "Hypotheek Quist" not in page(client.get(org_url(p_private, "tasks/")))


def test_p_cannot_open_q_as_a_contact_through_ps_own_organisation(person_p, person_q):
    p_private = person_p.person_relation

    response = portal_client(person_p).get(org_url(p_private, f"contacts/{person_q.code}/"))

    assert response.status_code == 404


def test_a_person_relation_cannot_be_joined_by_its_customer_number(person_p, person_q):
    q_private = person_q.person_relation

    response = portal_client(person_p).post(
        "/portal/organisations/add/", {"customer_number": q_private.customer_number, "coc_number": "00000000"}
    )

    assert response.status_code == 400
    assert not ContactLink.objects.filter(contact=person_p, relation=q_private).exists()


def test_a_person_with_a_business_membership_sees_both_and_nothing_of_q(person_p, person_q, bakkerij, supplier_user):
    link_contact(contact=person_p, relation=bakkerij, actor=supplier_user)

    names = switcher(page(portal_client(person_p).get("/portal/", follow=True)))

    assert names == ["Bakkerij Jansen", "Piet Pieters (privé)"]


def test_q_cannot_take_over_ps_login_by_linking_p_and_changing_ps_email(person_p, person_q, mailoutbox):
    q_private = person_q.person_relation
    q_client = portal_client(person_q)
    q_client.post(org_url(q_private, "contacts/new/"), {"last_name": "Pieters", "email": person_p.email})
    q_client.post(
        org_url(q_private, f"contacts/{person_p.code}/"),
        {"section": "details", "first_name": "Piet", "last_name": "Pieters", "email": "quinten+p@thuis.test"},
    )

    anonymous_client().post("/portal/access/", {"email": "quinten+p@thuis.test"})

    person_p.refresh_from_db()
    assert person_p.username == "piet@thuis.test"
    assert mailoutbox == [], "a link to set P's password was sent to Q's address"
