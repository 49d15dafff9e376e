"""NAW: an organisation's administrators keep its postal address; staff see who changed it."""

from __future__ import annotations

from relations.services import relation_update
from tests.portal.conftest import org_url, page, portal_client

ADDRESS = {
    "street": "Molenstraat",
    "house_number": "7a",
    "postcode": " 1234ab ",
    "city": "Zeist",
    "country": "NL",
}


def test_admin_edits_the_address_and_the_postcode_is_normalised(org_admin, bakkerij):
    client = portal_client(org_admin)

    response = client.post(org_url(bakkerij), {**ADDRESS, "version": bakkerij.version}, follow=True)

    assert response.redirect_chain == [(org_url(bakkerij), 302)]
    assert "The postal address is saved." in page(response)
    bakkerij.refresh_from_db()
    assert (bakkerij.street, bakkerij.house_number, bakkerij.postcode, bakkerij.city) == (
        "Molenstraat",
        "7a",
        "1234 AB",
        "Zeist",
    )
    assert 'value="1234 AB"' in page(client.get(org_url(bakkerij)))


def test_admin_edit_through_htmx_returns_the_address_block(org_admin, bakkerij):
    response = portal_client(org_admin).post(
        org_url(bakkerij), {**ADDRESS, "version": bakkerij.version, "postcode": "9999"}, HTTP_HX_REQUEST="true"
    )

    html = page(response)
    assert response.status_code == 200  # htmx swaps 2xx answers only
    assert html.lstrip().startswith('<section class="card" id="address">')
    assert "Enter a Dutch postcode like 1234 AB." in html


def test_a_saved_address_through_htmx_shows_the_message_inside_the_address_block(org_admin, bakkerij):
    # htmx swaps only the block: a redirect would lose the message outside it.
    response = portal_client(org_admin).post(
        org_url(bakkerij), {**ADDRESS, "version": bakkerij.version}, HTTP_HX_REQUEST="true"
    )

    html = page(response)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="address">')
    assert "The postal address is saved." in html
    assert 'value="1234 AB"' in html


def test_invalid_dutch_postcode_gives_a_clear_message_and_nothing_is_saved(org_admin, bakkerij):
    response = portal_client(org_admin).post(
        org_url(bakkerij), {**ADDRESS, "version": bakkerij.version, "postcode": "1234 ABC"}
    )

    assert response.status_code == 400
    assert "Enter a Dutch postcode like 1234 AB." in page(response)
    bakkerij.refresh_from_db()
    assert (bakkerij.street, bakkerij.postcode, bakkerij.city) == ("Stationsplein", "3511 CE", "Utrecht")
    assert not bakkerij.history.filter(history_type="~").exists()


def test_a_foreign_postcode_is_kept_as_entered(org_admin, bakkerij):
    portal_client(org_admin).post(
        org_url(bakkerij), {**ADDRESS, "version": bakkerij.version, "postcode": "B-1000", "country": "be"}
    )

    bakkerij.refresh_from_db()
    assert (bakkerij.postcode, bakkerij.country) == ("B-1000", "BE")


def test_non_admin_sees_the_address_read_only(accountant, bakkerij):
    html = page(portal_client(accountant).get(org_url(bakkerij)))

    assert "Stationsplein 1" in html
    assert "Only administrators of this organisation can change it." in html
    assert 'name="postcode"' not in html
    assert "Save address" not in html


def test_post_by_a_non_admin_answers_404_and_changes_nothing(accountant, bakkerij):
    response = portal_client(accountant).post(org_url(bakkerij), {**ADDRESS, "version": bakkerij.version})

    assert response.status_code == 404
    bakkerij.refresh_from_db()
    assert (bakkerij.street, bakkerij.postcode) == ("Stationsplein", "3511 CE")


def test_staff_history_tab_shows_the_change_with_the_portal_users_email(org_admin, bakkerij, staff_en):
    portal_client(org_admin).post(org_url(bakkerij), {**ADDRESS, "version": bakkerij.version})

    html = page(staff_en.get(f"/relations/{bakkerij.pk}/history/"))

    assert "portal user bert@bakkerij-jansen.test" in html
    assert "<del>3511 CE</del> → <ins>1234 AB</ins>" in html
    assert "<del>Stationsplein</del> → <ins>Molenstraat</ins>" in html


def test_a_save_from_a_stale_address_form_is_refused_and_overwrites_nothing(org_admin, bakkerij, supplier_user):
    loaded_at = bakkerij.version
    relation_update(relation=bakkerij, actor=supplier_user, data={"city": "Utrecht-Noord"})  # staff save meanwhile

    response = portal_client(org_admin).post(org_url(bakkerij), {**ADDRESS, "version": loaded_at})

    assert response.status_code == 409
    assert "City: now “Utrecht-Noord”, yours “Zeist”." in page(response)
    assert f'name="version" value="{loaded_at + 1}"' in page(response)
    bakkerij.refresh_from_db()
    assert (bakkerij.street, bakkerij.city) == ("Stationsplein", "Utrecht-Noord")
