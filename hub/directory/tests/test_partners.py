"""Curators add partner companies and charities, and change organisations."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hub.core.models import AuditEntry
from hub.directory.models import Kind, Organisation, Source
from hub.directory.services import organisation_create_partner, organisation_update
from hub.directory.tests.factories import OrganisationFactory, PublicBodyFactory

pytestmark = pytest.mark.django_db

ADD = reverse("directory:add")


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _form(**changes) -> dict:
    data = {
        "kind": "charity",
        "name": "Good Things Trust",
        "abbreviation": "GTT",
        "website": "https://goodthings.example.org",
        "description": "Runs community projects.",
        "parents": "",
    }
    data.update(changes)
    return data


def test_a_curator_adds_a_charity_and_is_taken_to_its_page(curator_client, curator):
    response = curator_client.post(ADD, _form())
    organisation = Organisation.objects.get(name="Good Things Trust")
    assert response.status_code == 302
    assert response["Location"] == organisation.get_absolute_url()
    assert (organisation.kind, organisation.source, organisation.slug) == (
        Kind.CHARITY,
        Source.HUB,
        "good-things-trust",
    )
    page = curator_client.get(response["Location"]).content.decode()
    assert "Good Things Trust has been added to the directory." in page


def test_adding_a_partner_is_audited(curator_client, curator):
    curator_client.post(ADD, _form())
    entry = AuditEntry.objects.get(action="organisation.create")
    assert entry.actor == curator
    assert entry.target_label == "Good Things Trust" and entry.to_state == "open"
    assert entry.detail["kind"] == "charity"


def test_the_form_keeps_what_was_typed_and_says_what_to_fix(curator_client):
    response = curator_client.post(
        ADD, _form(name="", website="not a web address", description="Kept description")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter the organisation’s name" in body
    assert "Enter a web address in the correct format, like https://www.example.org" in body
    assert 'value="GTT"' in body and "Kept description" in body
    assert 'value="not a web address"' in body
    assert 'value="charity" checked' in body
    assert not Organisation.objects.exists()


def test_a_partner_kind_must_be_chosen_from_company_charity_or_other(curator_client):
    response = curator_client.post(ADD, _form(kind="ministerial_department"))
    assert "Select company, charity or other" in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_duplicate_name_gets_a_clear_error(curator_client):
    PublicBodyFactory(name="HM Revenue & Customs", slug="hm-revenue-customs")
    response = curator_client.post(ADD, _form(name="hm revenue & customs"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "An organisation called HM Revenue &amp; Customs is already in the directory" in body
    assert Organisation.objects.count() == 1


def test_parents_are_found_by_name_or_abbreviation(curator_client):
    hmrc = PublicBodyFactory(name="HM Revenue & Customs", abbreviation="HMRC")
    cabinet = PublicBodyFactory(name="Cabinet Office")
    curator_client.post(ADD, _form(parents="HMRC\ncabinet office\n"))
    organisation = Organisation.objects.get(name="Good Things Trust")
    assert set(organisation.parents.all()) == {hmrc, cabinet}


def test_a_parent_that_cannot_be_found_is_explained(curator_client):
    response = curator_client.post(ADD, _form(parents="Ministry of Magic"))
    body = response.content.decode()
    assert "We could not find exactly one organisation called “Ministry of Magic”" in body
    assert "Ministry of Magic</textarea>" in body


def test_a_curator_changes_a_partner_and_the_change_is_audited(curator_client, curator):
    partner = OrganisationFactory(name="Old Name Ltd", kind=Kind.COMPANY)
    url = reverse("directory:edit", args=[partner.slug])
    assert 'value="Old Name Ltd"' in curator_client.get(url).content.decode()
    response = curator_client.post(
        url, _form(kind="company", name="New Name Ltd", abbreviation="", website="")
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "New Name Ltd" and partner.slug == "old-name-ltd"
    entry = AuditEntry.objects.get(action="organisation.update")
    assert entry.actor == curator and entry.detail["changed"]["name"] == [
        "Old Name Ltd",
        "New Name Ltd",
    ]


def test_saving_without_changes_writes_no_audit_entry(curator, curator_client):
    partner = OrganisationFactory(name="Same Ltd", kind=Kind.COMPANY)
    organisation_update(organisation=partner, by=curator, name="Same Ltd")
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_renaming_onto_another_organisations_name_is_refused(curator_client):
    OrganisationFactory(name="Taken Ltd")
    partner = OrganisationFactory(name="Mine Ltd")
    response = curator_client.post(
        reverse("directory:edit", args=[partner.slug]), _form(name="TAKEN LTD")
    )
    assert "An organisation called Taken Ltd is already in the directory" in (
        response.content.decode()
    )


def test_for_a_public_body_a_curator_changes_only_website_and_description(curator_client):
    body = PublicBodyFactory(name="Test Agency", website="")
    url = reverse("directory:edit", args=[body.slug])
    page = curator_client.get(url).content.decode()
    assert 'name="website"' in page and 'name="description"' in page
    assert 'name="name"' not in page and 'name="kind"' not in page
    response = curator_client.post(
        url,
        {
            "website": "https://agency.example.org",
            "description": "Does things.",
            "name": "Ignored",
            "kind": "charity",
        },
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert (body.website, body.description, body.name, body.kind) == (
        "https://agency.example.org",
        "Does things.",
        "Test Agency",
        Kind.EXECUTIVE_AGENCY,
    )


def test_the_service_refuses_to_rename_a_public_body(curator):
    body = PublicBodyFactory(name="Test Agency")
    with pytest.raises(ValidationError) as error:
        organisation_update(organisation=body, by=curator, name="Something else")
    assert "name" in error.value.message_dict


def test_an_organisation_cannot_become_its_own_ancestor(curator):
    parent = OrganisationFactory(name="Parent Org")
    child = OrganisationFactory(name="Child Org")
    child.parents.add(parent)
    with pytest.raises(ValidationError) as error:
        organisation_update(organisation=parent, by=curator, parents=[child])
    assert "already part of this organisation" in error.value.message_dict["parents"][0]
    with pytest.raises(ValidationError):
        organisation_update(organisation=parent, by=curator, parents=[parent])


def test_the_services_refuse_people_who_are_not_curators(member, practitioner):
    with pytest.raises(PermissionDenied):
        organisation_create_partner(by=member, kind="charity", name="Sneaky")
    with pytest.raises(PermissionDenied):
        organisation_update(
            organisation=OrganisationFactory(), by=practitioner, description="Sneaky"
        )
    assert not AuditEntry.objects.filter(action__startswith="organisation.").exists()


def test_add_is_never_given_to_an_organisation_as_its_address(curator):
    organisation = organisation_create_partner(by=curator, kind="other", name="Add")
    assert organisation.slug != "add"
    assert organisation.get_absolute_url() != reverse("directory:add")
