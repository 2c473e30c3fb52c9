"""An organisation's page lists the published case studies it took part in — never drafts."""

import pytest

from hub.directory.tests.factories import PublicBodyFactory
from hub.library.models import Status
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_page_lists_its_published_case_studies_only(client, practitioner):
    hackney = PublicBodyFactory(name="London Borough of Hackney")
    published = EntryFactory(title="Reclaiming Social Work", status=Status.PUBLISHED)
    draft = EntryFactory(title="A secret draft", status=Status.DRAFT, author=practitioner)
    published.organisations.add(hackney)
    draft.organisations.add(hackney)
    body = client.get(hackney.get_absolute_url()).content.decode()
    assert "Reclaiming Social Work" in body and published.get_absolute_url() in body
    assert "A secret draft" not in body


def test_many_case_studies_link_to_the_filtered_list(client):
    body_org = PublicBodyFactory(name="Behavioural Insights Team", slug="bit")
    for number in range(12):
        EntryFactory(title=f"Trial {number}").organisations.add(body_org)
    body = client.get(body_org.get_absolute_url()).content.decode()
    assert "All 12 case studies involving Behavioural Insights Team" in body
    assert "/library/entries/?organisation=bit" in body


def test_searching_the_library_by_an_abbreviation_finds_linked_cases(client):
    hmrc = PublicBodyFactory(name="HM Revenue & Customs", abbreviation="HMRC")
    linked = EntryFactory(title="Letters that got people to pay on time",
                          organisation_names=["Her Majesty's Revenue and Customs"])
    linked.organisations.add(hmrc)
    EntryFactory(title="Something else entirely")
    response = client.get("/library/entries/", {"q": "HMRC"})
    titles = [entry.title for entry in response.context["page_obj"]]
    assert titles == ["Letters that got people to pay on time"]
