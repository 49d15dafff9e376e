"""Every staff and portal page a person can open, for the sweeps at phone width and with axe-core.

The list comes from the tenant URL conf (the isolation crawler's walk), each route filled with
the journeys' demo data: a relation, its contact, task, subscription, membership. A route that
answers anything but a full HTML page (a download, an htmx fragment, a POST-only action, the API)
is left out when the sweep visits it, so a new page joins the sweep without touching this file.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import expect

from demo.contractants import PORTAL_ADMIN
from tests.journeys.conftest import PASSWORD, SUPPLIER_SCHEMA
from tests.test_isolation_crawler import fill, patterns

STAFF_EMAIL = "staff@journey.test"
# Machine-facing routes, files and the language switch: never a page a person reads.
SKIP_NAMESPACES = ("api:", "ops:")
SKIP_NAMES = {"set_language", "staff:logout", "portal:logout", "staff:health"}
SKIP_PREFIXES = ("transfer:template", "transfer:export")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    surface: str  # "staff", "portal" or "public" (no login)
    status: int = 200  # a refusal page a person reads answers 404


def _first_pk(model, **filters):
    return model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True).first()


def _values() -> tuple[dict, dict]:
    """(per-route-name pk, shared values) from the supplier's demo data."""
    from contacts.models import AttributeDefinition, Contact, ContactLink, MergeRecord
    from mailin.models import InboundMail
    from notifications.models import Notification
    from portal.models import OrganisationClaim
    from relations.models import Relation
    from staff.models import Team
    from subscriptions.models import RelinkRecord, Subscription
    from tasks.models import BulkJob, SavedView, Task, TaskAttachment
    from webhooks.models import Delivery, Endpoint

    relation_pk = _first_pk(Relation, contact_links__isnull=False, task_links__isnull=False)
    assert relation_pk, "the journeys' demo has a relation with contacts and tasks"
    relation = Relation.objects.get(pk=relation_pk)
    contact = Contact.objects.filter(links__relation=relation).order_by("pk").first()
    task = Task.objects.filter(links__relation=relation).order_by("pk").first()
    by_model = {
        "relations": relation_pk,
        "contacts": contact.pk,
        "privacy": contact.pk,
        "tasks": task.pk,
        "staff": _first_pk(Team),
        "notifications": _first_pk(Notification),
        "webhooks": _first_pk(Endpoint),
        "mailin": _first_pk(InboundMail),
        "portal_staff": _first_pk(OrganisationClaim),
        "portal_sync": relation_pk,
    }
    by_name = {
        "subscriptions:edit": _first_pk(Subscription, relation=relation) or _first_pk(Subscription),
        "subscriptions:bind": _first_pk(Subscription, relation=relation) or _first_pk(Subscription),
        "subscriptions:relation_tab": relation_pk,
        "subscriptions:relink": _first_pk(Relation, subscriptions__technical_setup__isnull=False),
        "subscriptions:relink_undo": _first_pk(RelinkRecord),
        "contacts:attribute_edit": _first_pk(AttributeDefinition),
        "contacts:merge_undo": _first_pk(MergeRecord),
        "tasks:view_delete": _first_pk(SavedView),
        "webhooks:redeliver": _first_pk(Delivery),
        "portal_sync:contact_card": contact.pk,
    }
    link = ContactLink.objects.filter(contact=contact).order_by("pk").first()
    attachment = TaskAttachment.objects.order_by("pk").first()
    bulk_job = BulkJob.objects.order_by("pk").first()
    shared = {
        "relation_pk": relation_pk,
        "link_pk": link.pk,
        "code": bulk_job.code if bulk_job else (attachment.code if attachment else task.code),
    }
    return {**by_model, **by_name}, shared


def _portal_values() -> dict:
    from contacts.models import Contact, ContactLink

    anna = Contact.objects.get(username=PORTAL_ADMIN)
    membership = (
        ContactLink.objects.filter(contact=anna, is_admin=True, status="approved")
        .exclude(support_access="none")
        .select_related("relation")
        .first()
    )
    org = membership.relation
    from tasks.models import Task

    task = Task.objects.filter(links__relation=org).order_by("pk").first()
    other = ContactLink.objects.filter(relation=org).exclude(contact=anna).order_by("pk").first()
    return {
        "org": org.code,
        "contact": (other or membership).contact.code,
        "task": task.code if task else "none",
        "link_id": (other or membership).pk,
        "code": "00000000-0000-0000-0000-000000000000",
    }


def all_pages() -> list[Page]:
    """Read in the supplier's schema (the `orm` fixture)."""
    by_name, shared = _values()
    portal = _portal_values()
    pages = []
    for name, route in patterns(all_routes=True):
        if name.startswith(SKIP_NAMESPACES) or name in SKIP_NAMES or name.startswith(SKIP_PREFIXES):
            continue
        if name.split(":")[-1] in {"access_confirm", "invitation", "email_change"}:
            continue  # signed tokens: their refusal page is the login-less layout, visited below
        if name.startswith("portal:"):
            values, surface = portal, "portal"
        else:
            pk = by_name.get(name, by_name.get(name.split(":")[0]))
            values, surface = {**shared, "pk": pk}, "staff"
            if "<int:pk>" in route and pk is None:
                continue  # the demo has no such object
        if name in {"staff:login", "staff:login_code", "staff:login_setup", "portal:login", "portal:login_code"}:
            surface = "public"
        pages.append(Page(name, "/" + fill(route, values), surface))
    pages.append(Page("portal:invitation (invalid)", "/portal/invitations/not-a-token/", "public", 404))
    return pages


def staff_login(page, live_site) -> None:
    page.goto(live_site.url(SUPPLIER_SCHEMA, "/login/"))
    page.fill("#id_username", STAFF_EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("main button.button-primary")
    expect(page).to_have_url(live_site.url(SUPPLIER_SCHEMA, "/"))


def portal_login(page, live_site, email: str = PORTAL_ADMIN) -> None:
    page.goto(live_site.url(SUPPLIER_SCHEMA, "/portal/login/"))
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button.button-primary")
    expect(page.locator("#org-select")).to_be_visible()


# Asked from inside the page, so the browser's own cookies and its *.localhost resolution apply.
PROBE_JS = """async (url) => {
  const response = await fetch(url, {redirect: "manual", credentials: "same-origin"});
  return {status: response.status, type: response.type, contentType: response.headers.get("content-type") || ""};
}"""


def visit(page, live_site, item: Page) -> str | None:
    """Open the page; None when it is a full HTML page for a person, else why it is not one.

    The route is asked first, without following redirects: Chromium answers an empty refusal (a
    405 of a POST-only route) or a download with an error page of its own whose navigation would
    interrupt the next visit. The sweeps list the reasons, so a page that drops out for another
    reason than being a download, a fragment or a POST-only route is seen."""
    url = live_site.url(SUPPLIER_SCHEMA, item.path)
    if not page.url.startswith(live_site.url(SUPPLIER_SCHEMA, "")):
        page.goto(live_site.url(SUPPLIER_SCHEMA, "/login/"))  # same origin for the probe
    probe = page.evaluate(PROBE_JS, url)
    if probe["type"] == "opaqueredirect":
        return "a redirect"
    if probe["status"] != item.status:
        return f"status {probe['status']}"
    if "text/html" not in probe["contentType"]:
        return probe["contentType"] or "no content type"
    response = page.goto(url, timeout=30_000)
    if response is None or response.status != item.status or response.request.redirected_from is not None:
        return f"changed between two requests: {response.status if response else 'no response'}"
    # An htmx fragment has no page around it: no stylesheet, no <main>.
    full = page.evaluate("() => !!document.querySelector('main') && !!document.querySelector('link[rel=stylesheet]')")
    return None if full else "a fragment"
