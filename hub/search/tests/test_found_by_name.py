"""Organisations in the one search box: found by name, never in the way of the cases.

An organisation (a kind ``found_by_name``) is in a search of every kind only when every word
of the query is in its document, first when the query is its name; it is never offered as
similar or prior art; and the cases rank exactly as they would without the directory."""

import json

import pytest
from django.db import connection
from django.test import Client

from hub.directory.models import Kind, Nation, Organisation, Status
from hub.directory.services import public_bodies_load
from hub.directory.tests.factories import OrganisationFactory
from hub.directory.tests.fixtures import REAL_DATA_DIR
from hub.library.tests.factories import EntryFactory
from hub.search import lexical, selectors
from hub.search.models import Document
from hub.search.services import index_objects
from hub.search.tests.fixtures import QUERIES_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two cases and four organisations, indexed."""
    cases = [
        EntryFactory(title="Leeds council cuts missed bin collections with route planning",
                     summary="The council planned bin lorry routes with live data."),
        EntryFactory(title="Text reminders cut missed hospital appointments",
                     summary="Patients got a text message naming the cost of a missed "
                             "appointment, and fewer missed it."),
        EntryFactory(title="HMRC letters: HMRC trial of tax letter wording",
                     summary="HMRC sent letters saying most people pay on time; HMRC "
                             "collected more tax."),
    ]
    organisations = [
        OrganisationFactory(name="Leeds City Council", slug="leeds-city-council",
                            kind=Kind.LOCAL_AUTHORITY, nation=Nation.ENGLAND,
                            region="Yorkshire and The Humber"),
        OrganisationFactory(name="Leeds Teaching Hospitals NHS Trust", slug="leeds-hospitals",
                            kind=Kind.NHS_TRUST, nation=Nation.ENGLAND),
        OrganisationFactory(name="HM Revenue & Customs", slug="hmrc", abbreviation="HMRC",
                            kind=Kind.NON_MINISTERIAL_DEPARTMENT, nation=Nation.UK),
        OrganisationFactory(name="Hospital Appointments Reminder Trust", slug="old-trust",
                            kind=Kind.CHARITY, status=Status.CLOSED,
                            description="Sent patients reminders of their appointments."),
    ]
    index_objects("case", [case.pk for case in cases])
    index_objects("organisation", [organisation.pk for organisation in organisations])
    return {"cases": cases, **{o.slug: o for o in organisations}}


def found(query: str, **options) -> list[tuple[str, str]]:
    results = selectors.search(query, user=None, **options)
    return [(hit.kind, hit.document.title) for hit in results.hits]


def test_an_organisation_is_found_by_its_name_and_first_when_the_query_is_its_name(world):
    assert found("Leeds City Council")[0] == ("organisation", "Leeds City Council")
    leeds = found("Leeds")
    assert {title for kind, title in leeds if kind == "organisation"} == {
        "Leeds City Council", "Leeds Teaching Hospitals NHS Trust"}
    # Another name it goes by finds it too, first, however often a case repeats that name;
    # and words are read as query terms are ("councils" names a council).
    assert found("HMRC")[0] == ("organisation", "HM Revenue & Customs")
    assert ("organisation", "Leeds City Council") in found("Leeds councils")


def test_an_organisation_is_left_out_unless_every_word_of_the_query_is_in_it(world):
    # Close in meaning, and sharing words, but not named: only the cases answer.
    kinds = {kind for kind, _title in found("stop people missing hospital appointments")}
    assert kinds == {"case"}
    assert ("organisation", "Leeds City Council") not in found("Leeds bin lorry routes")


def test_the_kind_filter_and_facets_count_what_ticking_gives(world):
    results = selectors.search("Leeds", user=None, with_facets=True)
    counts = {value["value"]: value["count"] for value in results.facets["kind"]}
    assert counts["organisation"] == 2
    only = selectors.search("Leeds", user=None, kinds=["organisation"], with_facets=True)
    assert len(only.hits) == 2
    types = {value["value"]: value for value in only.facets["organisation_type"]}
    assert types["local_authority"]["label"] == "Local authority"
    narrowed = found("Leeds", kinds=["organisation"], facets={"organisation_type": ["nhs_trust"]})
    assert narrowed == [("organisation", "Leeds Teaching Hospitals NHS Trust")]


def test_organisations_asked_for_when_none_is_named_are_the_nearest_in_meaning(world):
    # "text" is in no organisation's document: none is named, so the second try ranks them.
    hits = found("patients reminded of appointments by text", kinds=["organisation"])
    assert hits[0] == ("organisation", "Hospital Appointments Reminder Trust")
    assert {kind for kind, _title in hits} == {"organisation"}


def test_organisations_are_never_offered_as_similar_or_prior_art_unless_asked_for(world):
    text = "Sent patients reminders of their hospital appointments by text message."
    assert {hit.kind for hit in selectors.similar_to_text("Reminders", text, user=None)} == {
        "case"}
    asked = selectors.similar_to_text("Reminders", text, user=None, kinds=["organisation"])
    assert [hit.document.title for hit in asked][:1] == ["Hospital Appointments Reminder Trust"]
    case = world["cases"][1]
    similar = selectors.similar_to_object("case", case.pk, user=None, limit=10)
    assert all(hit.kind == "case" for hit in similar)


def test_the_api_and_the_page_show_an_organisation_with_its_type_and_place(world):
    client = Client()
    body = client.get("/api/v1/search", {"q": "HM Revenue and Customs"}).json()
    first = body["results"][0]
    assert (first["kind"], first["title"], first["url"]) == (
        "organisation", "HM Revenue & Customs", "/organisations/hmrc/")
    assert first["caption"] == "Non-ministerial department · UK-wide"
    assert first["source_id"] == "" and first["published"] is True
    only = client.get("/api/v1/search", {"q": "Leeds", "kind": "organisation",
                                         "organisation_type": "local_authority"}).json()
    assert [row["title"] for row in only["results"]] == ["Leeds City Council"]
    closed = client.get("/api/v1/search", {"q": "appointments reminder trust"}).json()
    assert "Closed" in next(row["caption"] for row in closed["results"]
                            if row["kind"] == "organisation")
    assert client.get("/api/v1/search", {"q": "Leeds", "kind": "person"}).status_code == 422
    page = client.get("/search/", {"q": "Leeds"}).content.decode()
    assert 'href="/organisations/leeds-city-council/"' in page
    # The cases' filters come first, the organisations' after them.
    assert page.index("Type of entry") < page.index("Type of organisation")
    kinds = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/search"]["get"]
    kind_parameter = next(p for p in kinds["parameters"] if p["name"] == "kind")
    assert "organisation" in json.dumps(kind_parameter)


def test_an_edited_organisation_is_found_by_its_new_name(world):
    council = world["leeds-city-council"]
    assert found("Leeds City Council")[0] == ("organisation", "Leeds City Council")
    # The index in memory follows the change (the others' words are kept, its own read again).
    council.name = "Leeds Metropolitan District Council"
    council.save()
    index_objects("organisation", [council.pk])
    assert found("Leeds Metropolitan District Council")[0] == (
        "organisation", "Leeds Metropolitan District Council")
    assert ("organisation", "Leeds City Council") not in found("Leeds City Council")
    assert ("organisation", "HM Revenue & Customs") in found("HMRC")
    pk = council.pk
    council.delete()
    index_objects("organisation", [pk])
    assert ("organisation", "Leeds Metropolitan District Council") not in found("Leeds")


def test_documents_found_by_name_count_in_no_lexical_statistic(world):
    council = Document.objects.get(kind="organisation", object_id=world["leeds-city-council"].pk)
    assert council.found_by_name
    token = "a-fresh-token"
    # "Leeds" is in one case and two organisations: the statistics count the case only.
    assert lexical.frequencies(["leeds"], token=token, documents=6) == {"leeds": 1}
    assert [document_id for document_id, _score in lexical.ranked(["leeds"], limit=10)
            if document_id == council.pk] == []
    # Were it found by what it is about, it would count (SQLite: the triggers move it).
    Document.objects.filter(pk=council.pk).update(found_by_name=False)
    assert lexical.frequencies(["leeds"], token=token + "2", documents=6) == {"leeds": 2}
    assert council.pk in dict(lexical.ranked(["leeds"], limit=10))


def test_loading_the_directory_changes_no_case_score_on_the_dev_queries(real_cases):
    queries = [json.loads(line)["query"]
               for line in QUERIES_FILE.read_text(encoding="utf-8").splitlines() if line]
    # And short ones that name many bodies, which then take places beside the cases.
    queries += ["council", "NHS", "England", "Leeds", "pensions", "HMRC", "health",
                "Government Digital Service"]

    def ranking():
        return {query: [(hit.kind, hit.document.object_id, round(hit.score, 9))
                        for hit in selectors.search(query, user=None).hits]
                for query in queries}

    before = ranking()
    report = public_bodies_load(data_dir=REAL_DATA_DIR)
    assert report.created > 1000
    assert Document.objects.filter(kind="organisation", embedding__isnull=False).count() == (
        Organisation.objects.count())
    after = ranking()
    for query in queries:
        cases_after = [hit for hit in after[query] if hit[0] == "case"]
        assert cases_after == before[query], query
    assert all(any(kind == "organisation" for kind, _id, _score in after[query])
               for query in queries[-8:])
    # And the directory is searchable as soon as the load returns.
    assert found("Leeds City Council")[0] == ("organisation", "Leeds City Council")
    assert connection.vendor in ("sqlite", "postgresql")
