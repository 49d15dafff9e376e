"""Every form a staff or portal user can post, found by reading the pages themselves, gets
hostile values (hypothesis) in every field it renders: never a server error, never
unescaped markup, never a redirect to another site.

The forms are discovered, not listed: each page below is fetched, its <form method=post>
elements parsed, and each form posted with hostile values for exactly the fields it shows
(hidden ones too: ids, `next` URLs). A last check makes sure every URL that takes a POST
was reached through some form, so a new form cannot escape this test.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.core.cache import cache
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.services import token_create
from contacts.models import ContactLink
from contacts.services.attributes import attribute_define
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from contacts.services.merge import merge_contacts
from contacts.services.out_of_service import mark_out_of_service
from mailin.models import InboundMail
from outbox.models import Event
from portal.email_change import email_change_token
from portal.invitations import invitation_token
from portal.models import ContactInvitation
from portal.services import grant_portal_login, request_membership
from portal_sync.models import SyncFailure
from staff.models import Team
from subscriptions.relink import relink
from subscriptions.services import bind_technical_setup
from tasks.conversation import hold_message_for_review
from tasks.models import SavedView
from tests.conftest import STAFF_PASSWORD, SUPPLIER, client_for
from tests.factories import RelationFactory, SubscriptionFactory, TaskFactory
from tests.test_isolation_crawler import patterns
from transfer.services import import_preview
from webhooks.models import Delivery, Endpoint

MARKUP = "<script>alert(1)</script>"
HOSTILE = [
    MARKUP,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE relations_relation; --",
    "\x00nul",
    "Ω≈ç√∫˜µ≤≥÷ 👩‍💻",
    "",
    " ",
    "-1",
    "99999999999999999999999",
    "1.5",
    "2026-02-31",
    "%(name)s{{x}}",
    "https://evil.example/",
    "//evil.example/",
]
# Over-long values are built, not drawn character by character (cheap for hypothesis).
over_long = st.builds(
    lambda piece, times: piece * times, st.sampled_from(["x", "é", "<b>", "9"]), st.integers(300, 3000)
)
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=100), over_long)

# Views that take no POST at all (pages, live searches, redirects).
GET_ONLY = {
    "staff:home",
    "staff:health",
    "ops:live",
    "ops:ready",
    "ops:metrics",
    "relations:list",
    "relations:picker",
    "relations:detail",
    "subscriptions:relation_tab",
    "relations:contacts",
    "tasks:relation_tab",
    "relations:history",
    "subscriptions:contractant_options",
    "contacts:list",
    "contacts:duplicates",
    "relations:contact_duplicates",
    "contacts:picker",
    "contacts:detail",
    "tasks:list",
    "tasks:support",
    "tasks:link_search",
    "tasks:bulk_job",
    "portal_sync:status",
    "portal_sync:relation_card",
    "portal_sync:contact_card",
    "staff:security_log",
    "staff:teams",
    "portal_staff:claims",
    "mailin:queue",
    "mailin:detail",
    "tasks:attachment",
    "tasks:support_detail",
    "portal:attachment",
    "portal:home",
    "portal:switch",
    "portal:requests",
    "portal:contacts",
    "portal:members",
    "portal:tasks",
    "search:results",
    "notifications:list",
    "notifications:open",
    "privacy:person",
    "transfer:import_log",
    "transfer:import_job",
    "transfer:template_xlsx",
    "transfer:template_relations_csv",
    "transfer:template_contacts_csv",
    "transfer:export_relations",
    "transfer:export_contacts",
    "transfer:export_tasks",
    "webhooks:list",
    "webhooks:detail",
    "staff:two_factor",
    "portal:two_factor",
    "api:schema",
    "api:docs",
    "api:relation_sync",
    "api:contact_sync",
    "api:task_attachments",
    "api:task_attachment",
    "api:sync",
}
# Posted elsewhere on purpose: logins are throttled per username (tests/portal/test_login.py,
# tests/tenants/test_staff_shell.py); logging out would end this test's sessions.
ELSEWHERE = {
    "staff:login",
    "staff:logout",
    "portal:login",
    "portal:logout",
    "portal:access",
    "portal:access_confirm",
    # A ZIP download (a streaming response): posted in tests/privacy/test_export.py.
    "privacy:export",
    # Forms of a login's second step or of a set-up in a given state: tests/mfa/test_hostile_input.py.
    "staff:login_code",
    "staff:login_setup",
    "portal:login_code",
    "staff:two_factor_confirm",
    "staff:two_factor_recovery",
    "staff:two_factor_disable",
    "portal:two_factor_confirm",
    "portal:two_factor_recovery",
    "portal:two_factor_disable",
    # The REST API takes JSON, not forms: tests/api/test_hostile_input.py posts hostile values to each.
    "api:relation_list",
    "api:relation_detail",
    "api:relink",
    "api:subscription_list",
    "api:subscription_detail",
    "api:subscription_setup",
    "api:contact_list",
    "api:contact_detail",
    "api:contact_links",
    "api:contact_link",
    "api:task_list",
    "api:task_detail",
    "api:task_messages",
}


@dataclass
class Form:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> sensible values seen


class FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = Form(urljoin(self.page_url, attrs.get("action") or self.page_url))
            self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag in {"input", "textarea"} and attrs["name"] != "csrfmiddlewaretoken":
            values = self._form.fields.setdefault(attrs["name"], [])
            if attrs.get("type") in {"checkbox", "radio"}:
                values.append(attrs.get("value", "on"))
            elif attrs.get("value"):
                values.append(attrs["value"])
        elif tag == "select":
            self._select = attrs["name"]
            self._form.fields.setdefault(self._select, [])
        if tag == "option" and self._form is not None and self._select and attrs.get("value"):
            self._form.fields[self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_on(client, url: str) -> list[Form]:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    parser = FormParser(url)
    parser.feed(response.content.decode())
    return parser.forms


def assert_handled(response, host: str) -> None:
    assert response.status_code in {200, 302, 400, 403, 404, 409, 429}, response.status_code
    assert MARKUP not in response.content.decode()
    if response.status_code == 302:
        target = urlparse(response["Location"])
        assert target.netloc in {"", host}, f"redirected off-site to {response['Location']}"


FUZZ = settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def fuzz_form(client, form: Form, host: str) -> None:
    @FUZZ
    @given(data=st.data())
    def post_hostile(data):
        cache.clear()  # throttles (membership requests) would otherwise answer before the form does
        values = {}
        for name, seen in form.fields.items():
            # Sometimes a value the page offered, so validation goes past the first field.
            choices = st.sampled_from(seen) if seen else hostile_text
            values[name] = data.draw(st.one_of(hostile_text, choices), label=name)
        assert_handled(client.post(urlparse(form.action).path, values), host)

    post_hostile()


@pytest.fixture
def world(supplier_user, alpha, beta):
    old = RelationFactory(name="Oud B.V.", customer_number="W1", coc_number="10000001")
    new = RelationFactory(name="Nieuw B.V.", customer_number="W2", coc_number="10000002")
    unbound = RelationFactory(name="Los B.V.", customer_number="W3", coc_number="10000003")
    old_subscription, new_subscription = SubscriptionFactory(relation=old), SubscriptionFactory(relation=new)
    SubscriptionFactory(relation=unbound)
    bind_technical_setup(subscription=old_subscription, contractant=alpha, database="default", actor=supplier_user)
    task = TaskFactory(relations=[old], subject="Melding")
    record = relink(from_relation=old, to_relation=new, actor=supplier_user).record
    admin = create_contact(actor=supplier_user, first_name="Ada", last_name="Admin", email="ada@w.test")
    leaving = create_contact(actor=supplier_user, first_name="Vera", last_name="Vertrek", email="vera@w.test")
    asking = create_contact(actor=supplier_user, first_name="Rik", last_name="Vraag", email="rik@w.test")
    admin_link = link_contact(
        contact=admin, relation=new, actor=supplier_user, is_admin=True, is_approver=True, support_access="all"
    )
    link_contact(contact=leaving, relation=new, actor=supplier_user)
    link_contact(contact=asking, relation=new, actor=supplier_user, status=ContactLink.PortalStatus.REQUESTED)
    mark_out_of_service(
        contact=leaving,
        successor=admin,
        effective_date=datetime.date.today() + datetime.timedelta(days=30),
        actor=supplier_user,
    )
    definition = attribute_define(
        actor=supplier_user, name="Afdeling", type="text", visible_in_portal=True, editable_in_portal=True
    )
    reported = TaskFactory(relations=[new], subject="Portaalmelding", reporter=admin)
    SyncFailure.objects.create(kind="user", key={"id": "x"}, error="refused", status_code=422)
    grant_portal_login(contact=admin, password=STAFF_PASSWORD)
    # A claim on an organisation without admin (staff queue), and an invitation for Ada.
    RelationFactory(name="Zonder beheer B.V.", customer_number="W4", coc_number="10000004")
    claimer = create_contact(actor=supplier_user, first_name="Cas", last_name="Claim", email="cas@w.test")
    request_membership(
        contact=claimer, customer_number="W4", coc_number="10000004", actor=supplier_user, client_address=None
    )
    invitation = ContactInvitation.objects.create(
        relation=unbound,
        contact=admin,
        email="ada@w.test",
        last_name="Admin",
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
    )
    # A reply from a stranger held on the task, with its "publish" form.
    hold_message_for_review(task=task, body="Van een vreemde", sender="vreemde@elders.test")
    # An e-mail from an unknown sender in the staff queue (mailin).
    queued = InboundMail.objects.create(
        message_id="<w1@nieuw.test>",
        recipient="support@supplier.localhost",
        sender="info@nieuw.test",
        subject="Offerte",
        body="Wat kost het?",
        size=100,
        outcome=InboundMail.Outcome.UNKNOWN_SENDER,
        triage=InboundMail.Triage.PENDING,
    )
    # A merge that can be undone: the "Undo merge" form on the page of the contact that stayed.
    merged = create_contact(actor=supplier_user, first_name="Mo", last_name="Merge", email="mo@w.test")
    absorbed = create_contact(actor=supplier_user, first_name="M.", last_name="Merge", email="mo.merge@w.test")
    merge_contacts(survivor=merged, duplicate=absorbed, actor=supplier_user)
    # A team (its page has the edit and delete forms) and a saved view of the task list (its delete form).
    # A paused webhook endpoint with a delivery: its edit, resume, redeliver and delete forms.
    hook = Endpoint.objects.create(
        url="https://hooks.example.test/", events=["task.created"], secret="s", status="paused"
    )
    Delivery.objects.create(endpoint=hook, event=Event.objects.create(kind="task.created"), status="held")
    # A previewed import: its confirm and discard forms.
    import_job = import_preview(actor=supplier_user, file_name="w.csv", content=b"customer number,name\nWI1,Import\n")
    team = Team.objects.create(name="Werkteam")
    # An API token: its page has the create form and the token's "Revoke" form.
    token_create(actor=supplier_user, name="Koppeling", scope="read")
    SavedView.objects.create(owner=supplier_user, name="Mijn taken", query="queue=mine")
    staff = client_for(SUPPLIER)
    staff.post("/login/", {"username": SUPPLIER.staff_email, "password": STAFF_PASSWORD})
    portal = client_for(SUPPLIER)
    portal.post("/portal/login/", {"username": "ada@w.test", "password": STAFF_PASSWORD})
    org = f"/portal/o/{new.code}"
    staff_pages = [
        "/",
        "/relations/",
        "/relations/new/",
        f"/relations/{old.pk}/",
        f"/relations/{old.pk}/edit/",
        f"/relations/{new.pk}/subscriptions/",
        f"/relations/{unbound.pk}/subscriptions/",
        f"/relations/{old.pk}/contacts/",
        f"/relations/{new.pk}/tasks/",
        f"/relations/{old.pk}/history/",
        f"/relations/{new.pk}/relink/?to={unbound.pk}",
        f"/subscriptions/relation/{old.pk}/new/",
        f"/subscriptions/{new_subscription.pk}/edit/",
        "/contacts/",
        "/contacts/new/",
        f"/relations/{new.pk}/contacts/new/",
        "/contacts/attributes/",
        f"/contacts/attributes/{definition.pk}/",
        f"/contacts/{admin.pk}/",
        f"/contacts/{admin.pk}/edit/",
        f"/contacts/{admin.pk}/merge/?other={asking.pk}",
        f"/contacts/{asking.pk}/out-of-service/?successor={admin.pk}&effective_date={datetime.date.today():%Y-%m-%d}",
        f"/contacts/{leaving.pk}/",
        f"/contacts/{merged.pk}/",
        f"/contacts/{admin.pk}/links/{admin_link.pk}/",
        "/tasks/",
        "/tasks/new/",
        f"/tasks/{task.pk}/",
        "/tasks/settings/",
        "/tasks/sla/",
        "/teams/new/",
        f"/teams/{team.pk}/",
        "/sync/",
        "/portal-requests/",
        f"/unknown-senders/{queued.pk}/",
        # The claim above is waiting under the bell: its "Mark read" and "Mark all read" forms.
        "/notifications/",
        "/notifications/preferences/",
        "/api/tokens/",
        f"/privacy/contacts/{admin.pk}/",
        f"/privacy/contacts/{asking.pk}/erase/",
        "/privacy/settings/",
        "/transfer/import/",
        f"/transfer/imports/{import_job.code}/",
        "/webhooks/new/",
        f"/webhooks/{hook.pk}/",
        f"/webhooks/{hook.pk}/edit/",
        "/account/two-factor/",
        "/two-factor-policy/",
    ]
    portal_pages = [
        "/portal/organisations/add/",
        "/portal/account/",
        f"{org}/",
        f"{org}/contacts/",
        f"{org}/contacts/new/",
        f"{org}/contacts/{admin.code}/",
        f"{org}/members/",
        f"{org}/tasks/",
        f"{org}/tasks/new/",
        f"{org}/tasks/{reported.code}/",
        f"/portal/invitations/{invitation_token(invitation)}/",
        f"/portal/email-change/{email_change_token(membership=admin_link, contact=admin, email='ada@nieuw.test')}/",
    ]
    assert record is not None
    return staff, staff_pages, portal, portal_pages


def test_every_staff_and_portal_form_survives_hostile_input(world):
    staff, staff_pages, portal, portal_pages = world
    forms: dict[str, tuple] = {}
    for client, pages in [(staff, staff_pages), (portal, portal_pages)]:
        for url in pages:
            for form in forms_on(client, url):
                name = resolve(urlparse(form.action).path, urlconf="config.urls_tenant").view_name
                if name not in ELSEWHERE:
                    forms.setdefault(f"{name} {sorted(form.fields)}", (client, form, name))

    for client, form, _name in forms.values():
        fuzz_form(client, form, SUPPLIER.host)

    posted = {name for _client, _form, name in forms.values()}
    every_view = {name for name, _route in patterns(all_routes=True)}
    missing = every_view - GET_ONLY - ELSEWHERE - {"set_language"} - posted
    assert not missing, f"views that take a POST but no page offered a form for: {sorted(missing)}"
    assert len(forms) >= 30
