"""Adding and changing an entry through its form: who may, what is checked, what is kept."""

import pytest
from django.urls import reverse

from hub.directory.tests.factories import OrganisationFactory, PublicBodyFactory
from hub.library.models import Entry, Status
from hub.library.taxonomy import EVIDENCE_EXPLAINED
from hub.library.tests.factories import EntryFactory

pytestmark = pytest.mark.django_db

NEW = reverse("library:entry_create")

GOOD = {
    "kind": "case-study",
    "title": "Text reminders cut missed appointments",
    "summary": "A trust sent text reminders two days before appointments.",
    "problem": "One in ten appointments was **missed**.",
    "organisation_names": "Leeds Teaching Hospitals\nA Charity Nobody Knows",
    "countries": "United Kingdom, fr",
    "locality": "Leeds",
    "start_year": "2019",
    "end_year": "2021",
    "challenge_area": "health-and-social-care",
    "tags": "nudges, text messages, nudges",
    "origin_sector": "public",
    "evidence_level": "3",
    "evidence_reason": "A randomised trial with 10,000 patients.",
    "evaluation_type": "randomised",
    "links": "Trial report | https://example.org/report\nhttps://example.org/more",
    "sources": "https://example.org/source",
    "licence": "Open Government Licence v3.0",
    "contact_text": "The outpatients team",
    "action": "save",
}


def test_a_visitor_is_asked_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_is_told_how_to_become_a_practitioner(signed_in, member):
    response = signed_in(member).get(NEW)
    assert response.status_code == 403
    body = response.content.decode()
    assert "You cannot add entries yet" in body
    assert 'href="/accounts/practitioner/"' in body
    assert signed_in(member).post(NEW, GOOD).status_code == 403
    assert not Entry.objects.exists()


def test_the_form_shows_every_field_with_markdown_hints_and_evidence_explanations(
    signed_in, practitioner
):
    body = signed_in(practitioner).get(NEW).content.decode()
    for name in ("kind", "title", "summary", "problem", "approach", "results", "lessons",
                 "costs", "organisation_names", "countries", "locality", "start_year",
                 "end_year", "challenge_area", "tags", "origin_sector", "evidence_level",
                 "evidence_reason", "evaluation_type", "links", "sources", "licence",
                 "contact_text"):
        assert f'name="{name}"' in body, name
    assert body.count("You can use Markdown") >= 6
    for explanation in EVIDENCE_EXPLAINED.values():
        assert explanation.replace("'", "&#x27;") in body
    assert "Save as draft" in body and "Save and submit for review" in body


def test_a_practitioner_adds_a_draft_with_every_field(signed_in, practitioner):
    leeds = PublicBodyFactory(name="Leeds Teaching Hospitals", abbreviation="LTH")
    response = signed_in(practitioner).post(NEW, GOOD)
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.status == Status.DRAFT and entry.author == practitioner
    assert list(entry.organisations.all()) == [leeds]
    assert entry.organisation_names == ["Leeds Teaching Hospitals", "A Charity Nobody Knows"]
    assert entry.unmatched_organisation_names == ["A Charity Nobody Knows"]
    assert [country.code for country in entry.countries] == ["FR", "GB"]
    assert entry.country_text == ""
    assert (entry.start_year, entry.end_year, entry.evidence_level) == (2019, 2021, 3)
    assert sorted(tag.name for tag in entry.tags.all()) == ["nudges", "text messages"]
    assert entry.links == [{"title": "Trial report", "url": "https://example.org/report"},
                           {"url": "https://example.org/more"}]
    assert entry.sources == ["https://example.org/source"]
    assert (entry.origin_sector, entry.evaluation_type) == ("public", "randomised")

    page = signed_in(practitioner).get(entry.get_absolute_url()).content.decode()
    assert "has been saved" in page
    assert "shown as written: A Charity Nobody Knows" in page
    assert f'href="{leeds.get_absolute_url()}"' in page
    assert "<strong>missed</strong>" in page


def test_saving_and_submitting_sends_it_to_the_curators(signed_in, practitioner):
    signed_in(practitioner).post(NEW, {**GOOD, "action": "submit"})
    entry = Entry.objects.get()
    assert entry.status == Status.SUBMITTED


def test_mistakes_are_explained_and_what_was_typed_is_kept(signed_in, practitioner):
    response = signed_in(practitioner).post(NEW, {
        **GOOD, "title": "", "summary": "", "countries": "Frnace, Germany",
        "start_year": "2021", "end_year": "2019", "links": "Just a title",
        "sources": "not a web address", "evidence_level": "9",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body and "There is a problem" in body
    for message, field in [("Enter a title", "title"), ("Enter a summary", "summary"),
                           ("We do not recognise “Frnace” as a country", "countries"),
                           ("The end year must be the same as or after", "end_year"),
                           ("Line 1 of the links must end with a web address", "links"),
                           ("Line 1 of the sources must be a web address", "sources"),
                           ("Select an evidence level from the list", "evidence_level")]:
        assert message in body, message
        assert f'href="#id_{field}"' in body, field
    # What was typed comes back.
    assert "Frnace, Germany</textarea>" in body
    assert "A trust sent" not in body  # the summary was emptied by the person
    assert 'value="2021"' in body and 'value="2019"' in body
    assert "The outpatients team</textarea>" in body
    assert 'value="randomised" selected' in body
    assert 'value="public" checked' in body
    assert not Entry.objects.exists()


def test_the_edit_form_shows_the_entry_as_it_is(signed_in, practitioner):
    OrganisationFactory(name="Good Things Foundation")
    signed_in(practitioner).post(NEW, {**GOOD, "organisation_names": "Good Things Foundation"})
    entry = Entry.objects.get()
    body = signed_in(practitioner).get(reverse("library:entry_edit", args=[entry.slug]))
    body = body.content.decode()
    assert 'value="Text reminders cut missed appointments"' in body
    assert "Good Things Foundation</textarea>" in body
    assert "France\nUnited Kingdom</textarea>" in body
    assert 'value="3" checked' in body
    assert "Trial report | https://example.org/report\nhttps://example.org/more</textarea>" in body
    assert 'value="nudges, text messages"' in body
    assert "Save and submit for review" in body


def test_changing_an_entry_saves_a_version_and_keeps_imported_country_text(
    signed_in, curator
):
    entry = EntryFactory(country_text="Scotland", countries=["GB"], author=None)
    client = signed_in(curator)
    edit = reverse("library:entry_edit", args=[entry.slug])
    form = client.get(edit).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(title="A better title", action="save")
    response = client.post(edit, data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "A better title" and entry.country_text == "Scotland"
    assert entry.history.count() == 2
    client.post(edit, {**data, "countries": "Ireland"})
    entry.refresh_from_db()
    assert [country.code for country in entry.countries] == ["IE"]
    assert entry.country_text == ""


def test_an_author_cannot_change_an_entry_while_it_is_reviewed(signed_in, practitioner):
    entry = EntryFactory(status=Status.SUBMITTED, author=practitioner, published_at=None)
    edit = reverse("library:entry_edit", args=[entry.slug])
    assert signed_in(practitioner).get(edit).status_code == 403
    assert signed_in(practitioner).post(edit, GOOD).status_code == 403


def test_a_published_entry_can_be_changed_by_curators_with_a_warning(signed_in, curator):
    entry = EntryFactory(status=Status.PUBLISHED)
    body = signed_in(curator).get(reverse("library:entry_edit", args=[entry.slug]))
    body = body.content.decode()
    assert "your changes are shown to everyone" in body
    assert "Save changes" in body and "Save and submit" not in body
