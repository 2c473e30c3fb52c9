"""The library's public pages: the home page, the list with its filters, sorting and
downloads, an entry with its metadata, and the printable view."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from hub.directory.tests.factories import PublicBodyFactory
from hub.library.models import Status, Tag
from hub.library.taxonomy import EVIDENCE_EXPLAINED
from hub.library.tests.factories import EntryFactory
from hub.library.views import entries as entry_views
from hub.search.services import index_objects

pytestmark = pytest.mark.django_db

HOME = reverse("library:home")
LIST = reverse("library:entries")


def _titles(response) -> list[str]:
    return [entry.title for entry in response.context["page_obj"]]


def _json_ld(body: str):
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def library():
    start = datetime(2025, 1, 1, tzinfo=UTC)
    return {
        "bus": EntryFactory(title="Night buses from phone data", kind="case-study",
                            challenge_area="transport", countries=["KR"],
                            country_text="South Korea", start_year=2013, evidence_level=2,
                            published_at=start),
        "trial": EntryFactory(title="Tax letters trial", kind="case-study",
                              challenge_area="tax-and-revenue", countries=["GB"],
                              start_year=2011, evidence_level=3,
                              published_at=start + timedelta(days=1)),
        "fund": EntryFactory(title="A national innovation fund", kind="international",
                             challenge_area="other", countries=["FI"], country_text="Finland",
                             start_year=1967, evidence_level=None,
                             published_at=start + timedelta(days=2)),
        "method": EntryFactory(title="How to run a citizens' jury", kind="method",
                               challenge_area="democracy-and-participation", countries=[],
                               country_text="", start_year=None, evidence_level=1,
                               published_at=start + timedelta(days=3)),
    }


# --- Home ------------------------------------------------------------------------------------


def test_the_home_page_browses_by_area_kind_evidence_and_country(client, library, curator):
    from hub.library.services.collections import collection_create, collection_publish

    collection_publish(collection=collection_create(by=curator, title="Starter pack"),
                       by=curator)
    response = client.get(HOME)
    body = response.content.decode()
    counts = response.context["counts"]
    assert counts["total"] == 4
    assert {kind["value"]: kind["count"] for kind in counts["kinds"]} == {
        "case-study": 2, "method": 1, "international": 1}
    assert {level["value"]: level["count"] for level in counts["evidence"]} == {
        1: 1, 2: 1, 3: 1, 4: 0, 5: 0}
    assert 'href="/library/entries/?area=transport"' in body
    assert 'href="/library/entries/?kind=method"' in body
    assert 'href="/library/entries/?evidence=3"' in body
    assert 'href="/library/entries/?country=KR"' in body and "South Korea" in body
    for explanation in EVIDENCE_EXPLAINED.values():
        assert explanation in body
    assert _titles_in(body, library) == ["How to run a citizens&#x27; jury",
                                         "A national innovation fund", "Tax letters trial",
                                         "Night buses from phone data"]
    assert "Starter pack" in body
    assert 'action="/search/" role="search"' in body and 'name="q"' in body
    assert "Add an entry" not in body


def _titles_in(body: str, library) -> list[str]:
    newest = body.split("Newest entries", 1)[1].split("Collections", 1)[0]
    return re.findall(r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">'
                      r"([^<]+)</a>", newest)


def test_practitioners_and_curators_see_the_ways_to_contribute(signed_in, practitioner,
                                                               curator, member):
    body = signed_in(practitioner).get(HOME).content.decode()
    assert "Add an entry" in body and "Your entries" in body and "Review queue" not in body
    body = signed_in(curator).get(HOME).content.decode()
    assert "Add an entry" in body and "Review queue" in body
    body = signed_in(member).get(HOME).content.decode()
    assert "Add an entry" not in body and "/accounts/practitioner/" in body


@pytest.mark.parametrize("signed_in_as", [None, "curator"])
def test_the_home_page_makes_a_fixed_number_of_queries(
    client, signed_in, signed_in_as, request, django_assert_max_num_queries
):
    if signed_in_as:
        client = signed_in(request.getfixturevalue(signed_in_as))
    for number in range(25):
        entry = EntryFactory(countries=["GB", "FR"] if number % 2 else ["DE"])
        entry.tags.add(Tag.objects.get_or_create(name=f"tag {number}",
                                                 slug=f"tag-{number}")[0])
    with django_assert_max_num_queries(10 if signed_in_as else 6):
        client.get(HOME)


# --- List ------------------------------------------------------------------------------------


def test_the_list_shows_published_entries_newest_first_with_their_facts(client, library):
    organisation = PublicBodyFactory(name="Cabinet Office Behavioural Insights")
    library["trial"].organisations.add(organisation)
    response = client.get(LIST)
    assert _titles(response) == ["How to run a citizens' jury", "A national innovation fund",
                                 "Tax letters trial", "Night buses from phone data"]
    body = response.content.decode()
    assert "4 entries" in body
    assert "Cabinet Office Behavioural Insights" in body
    assert "South Korea" in body and "2013" in body
    assert "Evidence level 3" in body and "Evidence not assessed" in body
    assert "International intervention" in body


@pytest.mark.parametrize(("params", "expected"), [
    ({"kind": "international"}, ["A national innovation fund"]),
    ({"kind": ["method", "international"]}, ["How to run a citizens' jury",
                                              "A national innovation fund"]),
    ({"area": "transport"}, ["Night buses from phone data"]),
    ({"evidence": ["2", "3"]}, ["Tax letters trial", "Night buses from phone data"]),
    ({"country": "FI"}, ["A national innovation fund"]),
    ({"year_from": "2012"}, ["Night buses from phone data"]),
    ({"year_to": "2012", "year_from": "1960"}, ["A national innovation fund",
                                                "Tax letters trial"]),
    ({"q": "phone buses"}, ["Night buses from phone data"]),
    ({"q": "finland"}, ["A national innovation fund"]),
])
def test_filters_narrow_the_list(client, library, params, expected):
    response = client.get(LIST, params)
    assert _titles(response) == expected
    assert "There is a problem" not in response.content.decode()


@pytest.mark.parametrize(("sort", "first"), [
    ("newest", "How to run a citizens' jury"), ("oldest", "Night buses from phone data"),
    ("title", "A national innovation fund"), ("evidence", "Tax letters trial"),
    ("year", "Night buses from phone data"),
])
def test_the_list_sorts(client, library, sort, first):
    response = client.get(LIST, {"sort": sort})
    assert _titles(response)[0] == first
    assert f'value="{sort}" selected' in response.content.decode()


def test_only_countries_in_published_entries_are_offered(client, library):
    EntryFactory(status=Status.DRAFT, countries=["NZ"], published_at=None)
    form = client.get(LIST).context["form"]
    assert [code for code, _name in form.fields["country"].choices] == ["FI", "KR", "GB"]


def test_bad_filter_values_are_explained_and_the_good_ones_still_apply(client, library):
    response = client.get(LIST, {"kind": ["case-study", "spaceship"], "area": "transport",
                                 "year_from": "soon", "sort": "random", "evidence": "7"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    for message in ("Select kinds of entry from the list", "Started from must be a year",
                    "Choose a sort order from the list", "Select evidence levels from the list"):
        assert message in body, message
    assert _titles(response) == ["Night buses from phone data"]
    assert 'value="case-study" checked' in body and 'value="transport" checked' in body
    reversed_years = client.get(LIST, {"year_from": "2020", "year_to": "2010"})
    assert "must be the same as or after" in reversed_years.content.decode()


def test_the_list_pages_20_at_a_time_and_keeps_filters(client):
    for number in range(45):
        EntryFactory(challenge_area="transport", title=f"Transport idea {number:02}")
    EntryFactory(challenge_area="other")
    first = client.get(LIST, {"area": "transport"})
    assert len(first.context["page_obj"]) == 20
    body = first.content.decode()
    assert "45 entries, showing 1 to 20" in body
    assert "area=transport&amp;page=2" in body
    third = client.get(LIST, {"area": "transport", "page": 3})
    assert len(third.context["page_obj"]) == 5
    assert client.get(LIST, {"page": "999"}).status_code == 200


@pytest.mark.parametrize("page_size", [5, 60])
def test_the_list_makes_the_same_few_queries_whatever_the_page_size(
    client, monkeypatch, django_assert_max_num_queries, page_size
):
    organisation = PublicBodyFactory()
    for number in range(60):
        entry = EntryFactory(countries=["GB"])
        entry.organisations.add(organisation)
        entry.tags.add(Tag.objects.get_or_create(name=f"tag {number % 5}",
                                                 slug=f"tag-{number % 5}")[0])
    monkeypatch.setattr(entry_views, "PAGE_SIZE", page_size)
    with django_assert_max_num_queries(5):
        response = client.get(LIST, {"q": "reminders", "country": "GB"})
    assert len(response.context["page_obj"]) == page_size


def test_no_results_says_how_to_find_more(client, library):
    body = client.get(LIST, {"q": "zzzqqq"}).content.decode()
    assert "No entries match" in body and "removing some filters" in body


# --- Downloads --------------------------------------------------------------------------------


def _download(client, **params):
    response = client.get(LIST, params)
    return response, b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_filtered_list_downloads_as_csv_json_and_json_lines(client, library):
    pytest.importorskip("hub.library.services.exporting")
    response, text = _download(client, area="transport", format="csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "library-entries" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["Night buses from phone data"]
    assert rows[0]["url"].endswith(library["bus"].get_absolute_url())

    response, text = _download(client, evidence=["2", "3"], format="json")
    document = json.loads(text)
    assert document["count"] == 2
    assert [record["title"] for record in document["results"]] == [
        "Tax letters trial", "Night buses from phone data"]

    _response, text = _download(client, format="jsonl")
    assert len(text.strip().splitlines()) == 4
    body = client.get(LIST, {"area": "transport"}).content.decode()
    assert "area=transport&amp;format=csv" in body and "format=jsonl" in body


# --- One entry -------------------------------------------------------------------------------


@pytest.fixture
def full_entry(practitioner):
    organisation = PublicBodyFactory(name="Leeds Teaching Hospitals")
    entry = EntryFactory(
        title="Text reminders <cut> missed appointments & more",
        summary="A trust sent **text reminders**.",
        problem="One in ten appointments was missed.",
        approach="Messages two days before.",
        results="Missed appointments fell by a quarter.",
        lessons="Short messages worked best.",
        costs="About £4,000 a year.",
        organisation_names=["Leeds Teaching Hospitals", "A Local Charity"],
        countries=["GB"], country_text="", locality="West Yorkshire",
        start_year=2019, end_year=2021, origin_sector="partnership",
        evidence_level=3, evidence_reason="A randomised trial.",
        evaluation_type="randomised",
        links=[{"title": "Trial report", "url": "https://example.org/report"},
               {"title": "Bad", "url": "javascript:alert(1)"}],
        sources=["https://example.org/source"], licence="OGL v3.0",
        contact_text="The outpatients team", author=practitioner,
    )
    entry.organisations.add(organisation)
    entry.tags.add(Tag.objects.create(name="nudges", slug="nudges"))
    entry.contacts.add(practitioner)
    return entry


def test_the_entry_page_shows_every_field(client, full_entry):
    body = client.get(full_entry.get_absolute_url()).content.decode()
    assert "Text reminders &lt;cut&gt; missed appointments &amp; more" in body
    assert "<strong>text reminders</strong>" in body
    for text in ("One in ten appointments was missed.", "Messages two days before.",
                 "Missed appointments fell by a quarter.", "Short messages worked best.",
                 "About £4,000 a year.", "West Yorkshire", "2019 to 2021", "Partnership",
                 "A randomised trial.", "Randomised trial", "OGL v3.0",
                 "The outpatients team", "Priya Practitioner", "A Local Charity",
                 EVIDENCE_EXPLAINED[3], "https://example.org/source",
                 "Health and social care", "Share"):
        assert text in body, text
    assert 'href="/organisations/leeds-teaching-hospitals/"' in body
    assert 'href="/library/entries/?tag=nudges"' in body
    assert 'href="https://example.org/report"' in body
    assert "javascript:" not in body
    assert "mailto:?subject=" in body
    assert reverse("library:entry_print", args=[full_entry.slug]) in body
    assert 'id="entry-status-title"' not in body  # no banner for a published entry
    assert "Review comments" not in body  # the conversation is private


def test_a_published_entry_carries_schema_org_json_ld(client, full_entry):
    data = _json_ld(client.get(full_entry.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["name"] == "Text reminders <cut> missed appointments & more"
    assert data["url"] == "http://testserver" + full_entry.get_absolute_url()
    assert data["description"] == "A trust sent **text reminders**."
    assert data["about"]["name"] == "Health and social care"
    assert data["keywords"] == "nudges"
    assert data["isBasedOn"] == ["https://example.org/source"]
    assert {author["name"] for author in data["author"]} == {"Leeds Teaching Hospitals",
                                                             "A Local Charity"}
    assert {place["name"] for place in data["spatialCoverage"]} == {"United Kingdom",
                                                                    "West Yorkshire"}
    assert data["datePublished"] and data["dateModified"]
    assert data["publisher"]["name"] == "Innovation Hub"


def test_json_ld_cannot_break_out_of_its_script_element(client):
    entry = EntryFactory(title="</script><script>alert(1)</script>", summary="a & b <!--")
    body = client.get(entry.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert "<" not in block.group(1) and ">" not in block.group(1)
    assert json.loads(block.group(1))["name"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("state", [state for state in Status if state != Status.PUBLISHED])
def test_unpublished_entries_have_no_json_ld_and_show_their_state(signed_in, curator, state):
    entry = EntryFactory(status=state, published_at=None)
    body = signed_in(curator).get(entry.get_absolute_url()).content.decode()
    assert _json_ld(body) is None
    assert 'id="entry-status-title"' in body


def test_similar_entries_are_the_closest_in_meaning_that_the_reader_may_see(client, full_entry):
    neighbour = EntryFactory(title="SMS reminders cut missed GP appointments",
                             summary="A surgery texted patients the day before their "
                                     "appointment, and fewer appointments were missed.")
    EntryFactory(title="Electric buses on rural routes",
                 summary="A county council replaced diesel buses with electric ones.",
                 challenge_area="transport")
    EntryFactory(title="Hidden reminder draft", summary="Texting patients about appointments.",
                 status=Status.DRAFT, published_at=None)
    index_objects("case")
    response = client.get(full_entry.get_absolute_url())
    titles = [hit.document.title for hit in response.context["similar"]]
    assert titles[0] == neighbour.title
    assert "Electric buses on rural routes" not in titles
    assert full_entry.title not in titles
    assert "Hidden reminder draft" not in response.content.decode()


def test_the_entry_page_makes_a_fixed_number_of_queries(client, full_entry,
                                                        django_assert_max_num_queries):
    for _number in range(10):
        EntryFactory(challenge_area=full_entry.challenge_area)
    with django_assert_max_num_queries(12):
        client.get(full_entry.get_absolute_url())


def test_the_printable_view_has_the_content_without_the_navigation(client, full_entry):
    response = client.get(reverse("library:entry_print", args=[full_entry.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-service-navigation" not in body and "govuk-footer" not in body
    assert "Missed appointments fell by a quarter." in body
    assert "library/print.css" in body
    assert "http://testserver" + full_entry.get_absolute_url() in body


def test_an_unknown_entry_is_not_found(client):
    assert client.get(reverse("library:entry", args=["no-such-entry"])).status_code == 404


def test_the_list_takes_the_apis_names_for_its_filters_too(client):
    from hub.library.taxonomy import ChallengeArea
    from hub.library.tests.factories import EntryFactory

    transport = EntryFactory(title="Night buses planned from phone data",
                             challenge_area=ChallengeArea.TRANSPORT, evidence_level=3)
    EntryFactory(title="Hospital discharge lounges", challenge_area=ChallengeArea.HEALTH,
                 evidence_level=3)
    for query in ("challenge_area=transport", "area=transport",
                  "challenge_area=transport&evidence_level=3"):
        page = client.get(f"/library/entries/?{query}")
        assert [entry.pk for entry in page.context["page_obj"]] == [transport.pk], query
