"""Who finds which entry, cell by cell (role × state of the library's permission table): search
returns an entry if and only if the library's own rule (``Entry.objects.visible_to``) lets
that person open it, and otherwise nothing of it shows — not in results, counts, facet counts,
snippets, filtered searches, similar panels, the API or the search page.

Each cell indexes two entries: a published neighbour about the same thing, found by everyone,
and the entry under test, in the cell's state, written by the cast's practitioner (the
"author" column), with a distinctive title, word ("Skellig") and country (Antarctica)."""

import pytest
from django.test import Client

from hub.accounts.services import api_token_create
from hub.core.testing.cast import make_person
from hub.library.models import Entry, Status
from hub.library.permissions import ROLES, TABLE
from hub.library.tests.factories import EntryFactory
from hub.library.tests.roles import person_for_library_role
from hub.search import selectors, vectors
from hub.search.models import Document
from hub.search.services import index_objects

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Drones count nesting puffins on the Skellig sea cliffs"
SECRET_SUMMARY = ("Rangers flew small drones along the Skellig sea cliffs to count nesting "
                  "puffins and other seabirds without disturbing the colonies.")
SECRET_WORD = "Skellig"
SECRET_COUNTRY = "AQ"
SECRET_COUNTRY_NAME = "Antarctica"
NEIGHBOUR_TITLE = "Drones count nesting seabirds on coastal cliffs"
NEIGHBOUR_SUMMARY = ("Wardens used drones along coastal cliffs to count nesting seabirds such "
                     "as puffins and guillemots without disturbing the colonies.")
QUERY = "counting puffins on sea cliffs with drones"

CELLS = [(state, role) for state in Status for role in ROLES]
IDS = [f"{state}-{role}" for state, role in CELLS]


@pytest.fixture
def world():
    neighbour = EntryFactory(title=NEIGHBOUR_TITLE, summary=NEIGHBOUR_SUMMARY,
                             results="Counts took a day instead of a week.",
                             countries=["GB"], country_text="", status=Status.PUBLISHED)

    def make(state):
        secret = EntryFactory(title=SECRET_TITLE, summary=SECRET_SUMMARY,
                              results="The Skellig colony was counted in a morning.",
                              countries=[SECRET_COUNTRY], country_text="", status=state,
                              author=make_person("practitioner"))
        index_objects("case", [neighbour.pk, secret.pk])
        return neighbour, secret

    return make


def object_ids(hits) -> list[int]:
    return [hit.document.object_id for hit in hits]


def country_counts(facets) -> dict[str, int]:
    return {row["value"]: row["count"] for row in facets.get("country", [])}


def api_headers(person) -> dict:
    if not person.is_authenticated:
        return {}
    _token, secret = api_token_create(user=person, name="search tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(("state", "role"), CELLS, ids=IDS)
def test_search_shows_an_entry_exactly_to_those_the_library_lets_open_it(world, state, role):
    neighbour, secret = world(state)
    person = person_for_library_role(role)
    allowed = role in TABLE["view"][state]
    # The library's own rule says the same as its table (so the cell tests the right thing).
    assert Entry.objects.visible_to(person).filter(pk=secret.pk).exists() is allowed

    for method in selectors.METHODS:
        results = selectors.search(QUERY, user=person, method=method, with_facets=True)
        found = object_ids(results.hits)
        assert neighbour.pk in found, method
        assert (secret.pk in found) is allowed, method
        assert results.count == len(found) == 1 + allowed, method
        assert country_counts(results.facets) == (
            {"GB": 1, SECRET_COUNTRY: 1} if allowed else {"GB": 1}), method
        assert results.facets["kind"][0]["count"] == 1 + allowed, method
        snippets = " ".join(str(hit.snippet) for hit in results.hits)
        assert (SECRET_WORD in snippets) is allowed, method

    # Its own words, its own country: still nothing for those who may not open it.
    by_word = selectors.search(SECRET_WORD, user=person, method="lexical")
    assert object_ids(by_word.hits) == ([secret.pk] if allowed else [])
    only_its_country = selectors.search(QUERY, user=person, with_facets=True,
                                        facets={"country": [SECRET_COUNTRY]})
    assert object_ids(only_its_country.hits) == ([secret.pk] if allowed else [])
    assert country_counts(only_its_country.facets).get(SECRET_COUNTRY, 0) == int(allowed)

    # Similar panels: prior art for a text, and "similar entries" on the neighbour's page.
    prior_art = selectors.similar_to_text(SECRET_TITLE, SECRET_SUMMARY, user=person)
    assert (secret.pk in object_ids(prior_art)) is allowed
    assert neighbour.pk in object_ids(prior_art)
    panel = selectors.similar_to_object("case", neighbour.pk, user=person)
    assert object_ids(panel) == ([secret.pk] if allowed else [])

    # Nor does it move anything they are shown, not even a score: the neighbour scores as if
    # the entry did not exist (the hybrid ranking's "near" looks only at visible documents).
    def neighbour_scores():
        return {method: next(hit.score for hit in selectors.search(
                    QUERY, user=person, method=method).hits
                    if hit.document.object_id == neighbour.pk)
                for method in selectors.METHODS}

    shown = neighbour_scores()
    Document.objects.filter(kind="case", object_id=secret.pk).delete()
    vectors.bump()
    alone = neighbour_scores()
    if allowed:
        assert shown["hybrid"] > alone["hybrid"]  # the secret is near the query and visible
    else:
        assert shown == pytest.approx(alone, abs=1e-6)


@pytest.mark.parametrize(("state", "role"), CELLS, ids=IDS)
def test_the_search_api_and_page_show_an_entry_exactly_to_those_who_may_open_it(
        world, state, role):
    neighbour, secret = world(state)
    person = person_for_library_role(role)
    allowed = role in TABLE["view"][state]
    headers = api_headers(person)
    client = Client()

    response = client.get("/api/v1/search", {"q": QUERY}, **headers)
    assert response.status_code == 200
    body = response.json()
    assert {row["id"] for row in body["results"]} == (
        {neighbour.pk, secret.pk} if allowed else {neighbour.pk})
    assert body["count"] == 1 + allowed
    assert country_counts(body["facets"]).get(SECRET_COUNTRY, 0) == int(allowed)
    assert (SECRET_WORD in response.content.decode()) is allowed

    filtered = client.get("/api/v1/search", {"q": QUERY, "country": SECRET_COUNTRY}, **headers)
    assert filtered.json()["count"] == int(allowed)
    assert (SECRET_WORD in filtered.content.decode()) is allowed

    similar = client.post("/api/v1/search/similar",
                          {"title": SECRET_TITLE, "text": SECRET_SUMMARY},
                          content_type="application/json", **headers)
    assert similar.status_code == 200
    assert (secret.pk in [row["id"] for row in similar.json()["results"]]) is allowed
    assert (SECRET_WORD in similar.content.decode()) is allowed

    if person.is_authenticated:
        client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/search/", {"q": QUERY})
    assert page.status_code == 200
    assert NEIGHBOUR_TITLE in page.content.decode()
    assert (SECRET_WORD in page.content.decode()) is allowed
    assert (SECRET_COUNTRY_NAME in page.content.decode()) is allowed  # its facet, its caption
    assert [hit.document.object_id for hit in page.context["page_obj"]].count(secret.pk) == (
        int(allowed))
    prior_art = client.post("/search/similar/", {"title": SECRET_TITLE,
                                                  "summary": SECRET_SUMMARY})
    assert prior_art.status_code == 200
    assert NEIGHBOUR_TITLE in prior_art.content.decode()
    assert (SECRET_WORD in prior_art.content.decode()) is allowed
    neighbour_page = client.get(neighbour.get_absolute_url())
    assert neighbour_page.status_code == 200
    assert (SECRET_WORD in neighbour_page.content.decode()) is allowed
